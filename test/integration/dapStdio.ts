// A raw DAP client over a child process's stdio (Content-Length framing), as nvim-dap or dap-mode
// would drive `liveref dap`. Only what the tests need: requests with replies, and events.
import { ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';

export const CLI = path.join(__dirname, '../../../dist/cli.js');

export class DapStdio {
  readonly events: DebugProtocol.Event[] = [];
  readonly stderr: string[] = [];
  private seq = 1;
  private buffer = Buffer.alloc(0);
  private readonly pending = new Map<number, (r: DebugProtocol.Response) => void>();
  private readonly eventWaiters = new Set<() => void>();
  readonly exited: Promise<number | null>;

  private constructor(readonly child: ChildProcess) {
    child.stdout!.on('data', (chunk: Buffer) => this.onData(chunk));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => this.stderr.push(d));
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  static start(env: Record<string, string> = {}): DapStdio {
    return new DapStdio(spawn(process.execPath, [CLI, 'dap'], { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] }));
  }

  request<T extends DebugProtocol.Response = DebugProtocol.Response>(command: string, args?: unknown, timeoutMs = 30_000): Promise<T> {
    const seq = this.seq++;
    const body = Buffer.from(JSON.stringify({ seq, type: 'request', command, arguments: args }), 'utf8');
    this.child.stdin!.write(Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`), body]));
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => { this.pending.delete(seq); reject(new Error(`no reply to ${command} within ${timeoutMs} ms`)); }, timeoutMs);
      this.pending.set(seq, (r) => { clearTimeout(timer); resolve(r as T); });
    });
  }

  /** Resolves with the first event (already received or later) named `event` and matching `where`. */
  waitForEvent(event: string, timeoutMs: number, where: (e: DebugProtocol.Event) => boolean = () => true): Promise<DebugProtocol.Event> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this.events.find((e) => e.event === event && where(e));
        if (found) { clearTimeout(timer); this.eventWaiters.delete(check); resolve(found); }
      };
      const timer = setTimeout(() => { this.eventWaiters.delete(check); reject(new Error(`no ${event} event within ${timeoutMs} ms; got ${this.events.map((e) => e.event).join(', ')}`)); }, timeoutMs);
      this.eventWaiters.add(check);
      check();
    });
  }

  /** Everything the adapter sent as output events, joined. */
  output(): string {
    return this.events.filter((e) => e.event === 'output').map((e) => (e as DebugProtocol.OutputEvent).body.output).join('');
  }

  kill(): void {
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
  }

  private onData(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const headerEnd = this.buffer.indexOf('\r\n\r\n');
      if (headerEnd < 0) return;
      const length = Number(/Content-Length: (\d+)/i.exec(this.buffer.subarray(0, headerEnd).toString('ascii'))?.[1]);
      if (this.buffer.length < headerEnd + 4 + length) return;
      const message = JSON.parse(this.buffer.subarray(headerEnd + 4, headerEnd + 4 + length).toString('utf8')) as DebugProtocol.ProtocolMessage;
      this.buffer = this.buffer.subarray(headerEnd + 4 + length);
      if (message.type === 'response') this.pending.get((message as DebugProtocol.Response).request_seq)?.((message as DebugProtocol.Response));
      else if (message.type === 'event') {
        this.events.push(message as DebugProtocol.Event);
        for (const w of [...this.eventWaiters]) w();
      }
    }
  }
}
