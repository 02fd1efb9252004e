// A minimal DAP client over TCP for the CLI: attaches to `python -m debugpy --listen HOST:PORT`
// (initialize → attach → configurationDone) and hands events to a DapEvaluator. Whatever the
// peer sends — a malformed frame, a frame in many pieces, a multi-MB reply, a connection closed
// mid-message — ends in a clear TransportError for the pending calls, never an uncaught exception.
import * as net from 'node:net';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { DapChannel, DapEvaluator } from './dapEvaluator';
import { DapFrameReader } from './dapFraming';
import { TransportError, TransportErrorCode } from '../../../core/transportError';

const DISCONNECT_ANSWER_MS = 10_000;

type Pending = { resolve(body: unknown): void; reject(error: Error): void };

export class DapSocketClient implements DapChannel {
  private seq = 1;
  private readonly reader = new DapFrameReader((message) => this.dispatch(message));
  private readonly pending = new Map<number, Pending>();
  private readonly eventListeners: Array<(event: string, body: unknown) => void> = [];
  private closedReason: string | undefined;
  private closedCode: TransportErrorCode = 'disconnected';

  private constructor(private readonly socket: net.Socket) {
    socket.setNoDelay(true);
    socket.on('data', (chunk) => this.onData(chunk));
    socket.on('close', () => this.fail(this.closedMessage()));
    socket.on('error', (error) => this.fail(`debugpy connection error: ${error.message}`));
  }

  static connect(host: string, port: number, timeoutMs = 10_000): Promise<DapSocketClient> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host, port });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new TransportError('connect', `No debugpy listening on ${host}:${port} (timed out).`));
      }, timeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        resolve(new DapSocketClient(socket));
      });
      socket.once('error', (error: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        reject(new TransportError('connect', `No debugpy listening on ${host}:${port} (${error.code ?? error.message}). Start the program with: python -m debugpy --listen ${host}:${port} …`));
      });
    });
  }

  onEvent(listener: (event: string, body: unknown) => void): void {
    this.eventListeners.push(listener);
  }

  request<T extends DebugProtocol.Response>(command: string, args: unknown): Promise<T['body']> {
    if (this.closedReason) return Promise.reject(new TransportError(this.closedCode, this.closedReason));
    const seq = this.seq++;
    const message: DebugProtocol.Request = { seq, type: 'request', command, arguments: args };
    const json = Buffer.from(JSON.stringify(message), 'utf8');
    // One write per message: a header and a body in two small writes meet Nagle's algorithm and
    // the peer's delayed ACK, which cost a constant 40 ms per request here.
    this.socket.write(Buffer.concat([Buffer.from(`Content-Length: ${json.length}\r\n\r\n`, 'ascii'), json]));
    return new Promise((resolve, reject) => this.pending.set(seq, { resolve: resolve as (b: unknown) => void, reject }));
  }

  /** initialize → attach → configurationDone, as a DAP client attaching to debugpy must. */
  async attach(timeoutMs = 15_000): Promise<void> {
    const initialized = new Promise<void>((resolve) => this.onEvent((event) => event === 'initialized' && resolve()));
    const deadline = <T>(p: Promise<T>) => new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new TransportError('timeout', 'debugpy did not finish the attach handshake.')), timeoutMs);
      p.then(resolve, reject).finally(() => clearTimeout(timer));
    });
    await deadline(this.request('initialize', { clientID: 'liveref', adapterID: 'debugpy', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path' }));
    const attached = this.request('attach', { justMyCode: false, redirectOutput: false, subProcess: false });
    await deadline(initialized);
    await deadline(this.request('configurationDone', {}));
    await deadline(attached);
  }

  async close(): Promise<void> {
    if (!this.closedReason) {
      // Never terminate the user's program: we only attached to look at it. Wait for debugpy's
      // answer: a socket closed before it (1 s was not always enough on a loaded machine) and the
      // next client connecting makes debugpy 1.8's adapter exit, so the program stops listening.
      await Promise.race([this.request('disconnect', { terminateDebuggee: false }).catch(() => undefined),
        new Promise((r) => setTimeout(r, DISCONNECT_ANSWER_MS).unref())]);
    }
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    if (this.closedReason) return;
    try {
      this.reader.push(chunk);
    } catch (error) {
      this.fail(`debugpy sent something that is not a DAP message (${(error as Error).message}); the connection was closed.`, 'protocol');
      this.socket.destroy();
    }
  }

  private closedMessage(): string {
    const partial = this.reader.partial();
    if (!partial) return 'The debuggee closed the debugpy connection.';
    const of = partial.expected === undefined ? 'of a header' : `of ${partial.expected}`;
    return `The debuggee closed the debugpy connection in the middle of a message (${partial.received} bytes ${of}).`;
  }

  private dispatch(message: DebugProtocol.ProtocolMessage): void {
    if (message.type === 'response') {
      const response = message as DebugProtocol.Response;
      const pending = this.pending.get(response.request_seq);
      this.pending.delete(response.request_seq);
      if (!pending) return;
      if (response.success) pending.resolve(response.body);
      else pending.reject(new Error(response.message ?? `${response.command} failed`));
    } else if (message.type === 'event') {
      const event = message as DebugProtocol.Event;
      this.emit(event.event, event.body);
    }
  }

  /** A listener that throws must not break the reading of the next messages. */
  private emit(event: string, body: unknown): void {
    for (const listener of this.eventListeners) {
      try {
        listener(event, body);
      } catch {
        // The listener's own failure; the connection is fine.
      }
    }
  }

  private fail(reason: string, code: TransportErrorCode = 'disconnected'): void {
    if (this.closedReason) return;
    this.closedReason = reason;
    this.closedCode = code;
    for (const pending of this.pending.values()) pending.reject(new TransportError(code, reason));
    this.pending.clear();
    this.emit('liveReferences.closed', { reason });
  }
}

/** Attaches to a debugpy server and returns an evaluator over it. */
export async function connectDebugpy(host: string, port: number): Promise<{ evaluator: DapEvaluator; client: DapSocketClient }> {
  const client = await DapSocketClient.connect(host, port);
  const evaluator = new DapEvaluator(`debugpy ${host}:${port}`, client);
  client.onEvent((event, body) => {
    if (event === 'liveReferences.closed') evaluator.close((body as { reason: string }).reason);
    else evaluator.handleEvent(event, body);
  });
  try {
    await client.attach();
  } catch (error) {
    // A half-made connection would keep the process alive and hold debugpy's only client slot.
    await client.close();
    throw error;
  }
  return { evaluator, client };
}
