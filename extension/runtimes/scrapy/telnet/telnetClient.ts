// The session layer of the client for Scrapy's telnet console (a Twisted conch manhole: a Python
// REPL on a VT100 terminal behind telnet authentication): login, then one line at a time (a
// queue), each read up to the next `>>> ` prompt, with timeouts, cancellation and disconnect
// detection. Bytes go through TelnetCodec (telnetCodec.ts), text through TerminalText
// (terminalText.ts); each layer is tested on its own.
//
// The password is only ever written to the socket: never logged, never put in an error message.
import * as net from 'node:net';
import { StringDecoder } from 'node:string_decoder';
import { TransportError } from '../../../core/transportError';
import { DEFAULT_POLICY, NegotiationEvent, NegotiationPolicy, TelnetCodec } from './telnetCodec';
import { TerminalText } from './terminalText';

export const PROMPT = '>>> ';
export const CONTINUATION_PROMPT = '... ';

export interface TelnetClientOptions {
  host: string;
  port: number;
  password: string;
  /** Scrapy's TELNETCONSOLE_USERNAME, `scrapy` by default. */
  username?: string;
  /** For connecting and logging in; 10 s by default. */
  timeoutMs?: number;
  signal?: AbortSignal;
  policy?: NegotiationPolicy;
  /** Tidy the console session when idle (see TIDY_LINE); default true. */
  tidy?: boolean;
}

export interface RunOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
}

export const DEFAULT_LOGIN_TIMEOUT_MS = 10_000;
export const DEFAULT_RUN_TIMEOUT_MS = 30_000;
const MAX_LOGIN_TEXT = 8_192;

/**
 * The manhole keeps every line typed in its history and the last value in `_`, for the whole
 * connection: in a memory-leak tool that would be our own leak in the crawl (the agent install
 * line is ~23 kB, replies can be megabytes). When the session goes idle, this line clears our
 * session's history (the interpreter is reachable as sys.displayhook's owner while a line runs)
 * and, being an expression whose value is None, resets `_`. Each getattr falls back quietly.
 */
export const TIDY_LINE = "getattr(getattr(getattr(__import__('sys').displayhook, '__self__', None), 'handler', None), 'historyLines', []).clear()";
const TIDY_IDLE_MS = 20;
/** Tidy before the next call, even when busy, once this many characters went through. */
const TIDY_PRESSURE_CHARS = 1 << 20;

/** Why a line cannot be typed into the manhole, or undefined when it can. */
export function lineProblem(line: string): string | undefined {
  // The manhole only accepts printable ASCII keystrokes (others are dropped with a warning in the
  // crawl's log; tab inserts spaces, ^C/^D act as keys): anything else would silently change the code.
  const bad = /[^\x20-\x7e]/.exec(line);
  if (!bad) return undefined;
  const code = bad[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
  return `the telnet console takes one line of printable ASCII; the code has U+${code} at index ${bad.index}`;
}

interface Job {
  line: string;
  resolve(output: string): void;
  reject(error: TransportError): void;
  /** Rejected already (timeout / cancel): keep reading its output up to the prompt, then drop it. */
  settled: boolean;
  started: boolean;
  /** The client's own housekeeping line (TIDY_LINE). */
  internal?: boolean;
  cleanup(): void;
}

/**
 * One logged-in telnet console session. `run` types one line and returns what the console printed
 * between the echo of that line and the next prompt, with terminal escapes and `\r` removed.
 * Calls are queued: one line at a time on the wire. A call that times out or is cancelled stays
 * on the wire until its prompt comes back (the crawl cannot be interrupted mid-statement), and
 * the next call starts after it, so replies never get mixed up. When the queue runs empty the
 * client tidies the session (TIDY_LINE) so the crawl does not keep our lines and replies.
 */
export class TelnetClient {
  private readonly codec: TelnetCodec;
  private readonly decoder = new StringDecoder('utf8');
  private readonly terminal = new TerminalText();
  private readonly queue: Job[] = [];
  private current: Job | undefined;
  /** Cleaned text received for the current job. */
  private acc = '';
  private echoDone = false;
  private echoScanFrom = 0;
  private echoMismatch = false;
  private continuationSent = 0;
  private outputParts: string[] = [];
  private closedReason: string | undefined;
  /** Characters typed and received since the session was last tidied. */
  private untidyChars = 0;
  private tidyTimer: NodeJS.Timeout | undefined;
  private readonly closeListeners = new Set<(reason: string) => void>();
  /** Receives text while logging in. */
  private loginSink: ((text: string) => void) | undefined;

  private constructor(private readonly socket: net.Socket, readonly host: string, readonly port: number, policy: NegotiationPolicy, private readonly tidy: boolean) {
    this.codec = new TelnetCodec((bytes) => this.writeRaw(bytes), policy);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', () => undefined); // 'close' follows and carries the outcome
    socket.on('close', () => this.handleClose(`The Scrapy telnet console at ${this.where} closed the connection (did the crawl end?).`));
  }

  get where(): string {
    return `${this.host}:${this.port}`;
  }

  get closed(): boolean {
    return this.closedReason !== undefined;
  }

  /** Negotiation seen on this connection (for tests and diagnostics). */
  get negotiation(): readonly NegotiationEvent[] {
    return this.codec.events;
  }

  /** Calls `listener` once when the connection ends; returns a function that unsubscribes. */
  onClose(listener: (reason: string) => void): () => void {
    if (this.closedReason !== undefined) {
      listener(this.closedReason);
      return () => undefined;
    }
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  static async connect(options: TelnetClientOptions): Promise<TelnetClient> {
    const { host, port } = options;
    const username = options.username ?? 'scrapy';
    const timeoutMs = options.timeoutMs ?? DEFAULT_LOGIN_TIMEOUT_MS;
    for (const [what, value] of [['username', username], ['password', options.password]] as const) {
      if (/[\r\n\0]/.test(value)) throw new TransportError('auth', `The telnet ${what} cannot contain a line break or NUL.`);
    }
    if (options.signal?.aborted) throw new TransportError('cancelled', 'Cancelled.');
    const deadline = Date.now() + timeoutMs;
    const socket = await openSocket(host, port, timeoutMs, options.signal);
    socket.setNoDelay(true);
    socket.setKeepAlive(true, 10_000);
    const client = new TelnetClient(socket, host, port, options.policy ?? DEFAULT_POLICY, options.tidy ?? true);
    try {
      await client.login(username, options.password, Math.max(1, deadline - Date.now()), options.signal);
      return client;
    } catch (error) {
      client.close();
      throw error;
    }
  }

  /** Types `line` and resolves with the console's output for it (echo and prompt removed). */
  run(line: string, options: RunOptions = {}): Promise<string> {
    if (this.closedReason !== undefined) return Promise.reject(new TransportError('disconnected', this.closedReason));
    const problem = lineProblem(line);
    if (problem) return Promise.reject(new TransportError('protocol', `Cannot send this code: ${problem}.`));
    if (options.signal?.aborted) return Promise.reject(new TransportError('cancelled', 'Cancelled.'));
    const timeoutMs = options.timeoutMs ?? DEFAULT_RUN_TIMEOUT_MS;
    return new Promise<string>((resolve, reject) => {
      const job: Job = {
        line, settled: false, started: false,
        resolve: (output) => {
          if (job.settled) return;
          job.settled = true;
          job.cleanup();
          resolve(output);
        },
        reject: (error) => {
          if (job.settled) return;
          job.settled = true;
          job.cleanup();
          reject(error);
        },
        cleanup: () => {
          clearTimeout(timer);
          options.signal?.removeEventListener('abort', onAbort);
        },
      };
      const abandon = (error: TransportError) => {
        job.reject(error);
        // Not on the wire yet: just forget it. On the wire: it keeps the session until its prompt.
        if (!job.started) {
          const index = this.queue.indexOf(job);
          if (index >= 0) this.queue.splice(index, 1);
        }
      };
      const timer = setTimeout(() => abandon(new TransportError('timeout', job.started
        ? `No answer from the Scrapy telnet console at ${this.where} within ${timeoutMs} ms.`
        : `The Scrapy telnet console at ${this.where} was still busy with an earlier call after ${timeoutMs} ms.`)), timeoutMs);
      const onAbort = () => abandon(new TransportError('cancelled', 'Cancelled.'));
      options.signal?.addEventListener('abort', onAbort, { once: true });
      this.queue.push(job);
      this.pump();
    });
  }

  /** Closes the connection; pending and queued calls fail with 'disconnected'. */
  close(reason = 'The telnet connection was closed.'): void {
    this.handleClose(reason);
    this.socket.destroy();
  }

  private login(username: string, password: string, timeoutMs: number, signal: AbortSignal | undefined): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let stage: 'user' | 'password' | 'prompt' = 'user';
      let text = '';
      let done = false;
      let unsubscribe: () => void = () => undefined;
      const finish = (error?: TransportError) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.loginSink = undefined;
        unsubscribe();
        if (error) reject(error);
        else resolve();
      };
      const timer = setTimeout(() => finish(stage === 'user'
        ? new TransportError('protocol', `${this.where} accepted the connection but sent no telnet login prompt within ${timeoutMs} ms (is it Scrapy's telnet console?).`)
        : new TransportError('timeout', `The Scrapy telnet console at ${this.where} did not finish the login within ${timeoutMs} ms.`)), timeoutMs);
      const onAbort = () => finish(new TransportError('cancelled', 'Cancelled.'));
      signal?.addEventListener('abort', onAbort, { once: true });
      unsubscribe = this.onClose(() => finish(new TransportError('disconnected',
        `The Scrapy telnet console at ${this.where} closed the connection during login.`)));
      this.loginSink = (chunk) => {
        text = (text + chunk).slice(-MAX_LOGIN_TEXT);
        if (stage === 'user' && /Username: $/.test(text)) {
          stage = 'password';
          text = '';
          this.writeText(`${username}\r\n`);
        } else if (stage === 'password' && /Password: $/.test(text)) {
          stage = 'prompt';
          text = '';
          this.writeText(`${password}\r\n`);
        } else if (stage === 'prompt') {
          if (text.includes('Authentication failed')) {
            finish(new TransportError('auth', `Authentication failed on the Scrapy telnet console at ${this.where}: wrong username or password (the crawl logs the password as "Telnet Password: …" when TELNETCONSOLE_PASSWORD is not set).`));
          } else if (text.endsWith(PROMPT)) {
            finish();
          }
        }
      };
    });
  }

  private onData(chunk: Buffer): void {
    const data = this.codec.decode(chunk);
    if (!data.length) return;
    const text = this.terminal.push(this.decoder.write(data));
    if (!text) return;
    if (this.loginSink) this.loginSink(text);
    else if (this.current) this.consume(text);
    // Otherwise: output nobody asked for (a Deferred firing later); dropped.
  }

  private pump(): void {
    if (this.current || this.closedReason !== undefined || this.loginSink) return;
    if (!this.queue.length) {
      this.scheduleTidy();
      return;
    }
    this.start(this.untidyChars > TIDY_PRESSURE_CHARS && this.tidy ? this.tidyJob() : this.queue.shift()!);
  }

  private scheduleTidy(): void {
    if (!this.tidy || this.untidyChars === 0 || this.tidyTimer) return;
    this.tidyTimer = setTimeout(() => {
      this.tidyTimer = undefined;
      if (!this.current && !this.queue.length && this.closedReason === undefined) this.start(this.tidyJob());
    }, TIDY_IDLE_MS);
    this.tidyTimer.unref();
  }

  private tidyJob(): Job {
    this.untidyChars = 0;
    const nothing = () => undefined;
    return { line: TIDY_LINE, internal: true, settled: false, started: false, resolve: nothing, reject: nothing, cleanup: nothing };
  }

  private start(job: Job): void {
    this.current = job;
    job.started = true;
    this.acc = '';
    this.echoDone = false;
    this.echoMismatch = false;
    this.echoScanFrom = 0;
    this.continuationSent = 0;
    this.outputParts = [];
    this.writeText(`${job.line}\r\n`);
  }

  private consume(text: string): void {
    const job = this.current!;
    this.acc += text;
    if (!this.echoDone) {
      // The manhole echoes the typed line, then a newline once it is submitted.
      const echo = `${job.line}\n`;
      const at = this.acc.length < echo.length ? -1 : this.acc.startsWith(echo) ? 0 : this.acc.indexOf(echo, this.echoScanFrom);
      if (at < 0) {
        this.echoScanFrom = Math.max(0, this.acc.length - echo.length);
        // The line has no newline, so a prompt after one means the echo will not come as sent:
        // fail this call but stay in step with the console.
        if (this.acc.endsWith(`\n${PROMPT}`)) {
          this.echoMismatch = true;
          this.finishCurrent();
        }
        return;
      }
      this.acc = this.acc.slice(at + echo.length);
      this.echoDone = true;
    }
    const atLineStart = (suffix: string) => this.acc.endsWith(suffix) && (this.acc.length === suffix.length || this.acc[this.acc.length - suffix.length - 1] === '\n');
    if (atLineStart(PROMPT)) {
      this.outputParts.push(this.acc.slice(0, -PROMPT.length));
      this.finishCurrent();
    } else if (atLineStart(CONTINUATION_PROMPT)) {
      // A compound statement on one line (`for x in y: f(x)`) waits for an empty line.
      this.outputParts.push(this.acc.slice(0, -CONTINUATION_PROMPT.length));
      this.acc = '';
      this.continuationSent++;
      // The empty line is echoed as a bare newline; a second `... ` means the line is incomplete:
      // ^C makes the manhole drop it and print `KeyboardInterrupt` and a fresh prompt.
      if (this.continuationSent === 1) {
        this.echoDone = false;
        this.echoScanFrom = 0;
        job.line = '';
        this.writeText('\r\n');
      } else {
        this.writeRaw(Buffer.from([0x03]));
      }
    }
  }

  private finishCurrent(): void {
    const job = this.current!;
    this.current = undefined;
    this.acc = '';
    let output = this.outputParts.join('');
    if (output.endsWith('\n')) output = output.slice(0, -1);
    if (!job.internal) this.untidyChars += job.line.length + output.length;
    if (this.echoMismatch) {
      job.reject(new TransportError('protocol', 'The telnet console did not echo the line as it was sent; the call was not read.'));
    } else if (this.continuationSent > 1) {
      job.reject(new TransportError('remote', 'The code is an incomplete statement (the console asked for more lines).'));
    } else {
      job.resolve(output);
    }
    this.pump();
  }

  private writeText(text: string): void {
    this.writeRaw(TelnetCodec.escape(Buffer.from(text, 'utf8')));
  }

  private writeRaw(bytes: Buffer): void {
    if (this.closedReason === undefined && !this.socket.destroyed) this.socket.write(bytes);
  }

  private handleClose(reason: string): void {
    if (this.closedReason !== undefined) return;
    this.closedReason = reason;
    clearTimeout(this.tidyTimer);
    const error = () => new TransportError('disconnected', reason);
    const jobs = [...(this.current ? [this.current] : []), ...this.queue.splice(0)];
    this.current = undefined;
    for (const job of jobs) job.reject(error());
    for (const listener of [...this.closeListeners]) listener(reason);
    this.closeListeners.clear();
    this.socket.destroy();
  }
}

function openSocket(host: string, port: number, timeoutMs: number, signal: AbortSignal | undefined): Promise<net.Socket> {
  return new Promise<net.Socket>((resolve, reject) => {
    const socket = net.connect({ host, port });
    const fail = (error: TransportError) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      reject(error);
    };
    const timer = setTimeout(() => fail(new TransportError('connect',
      `No answer from ${host}:${port} within ${timeoutMs} ms (is the Scrapy crawl running with TELNETCONSOLE_ENABLED on?).`)), timeoutMs);
    const onAbort = () => fail(new TransportError('cancelled', 'Cancelled.'));
    signal?.addEventListener('abort', onAbort, { once: true });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      const detail = error.code && error.code !== 'ECONNREFUSED' ? ` [${error.code}]` : '';
      fail(new TransportError('connect', `No Scrapy telnet console on ${host}:${port} (is TELNETCONSOLE_ENABLED on and the crawl running?)${detail}`));
    });
    socket.once('connect', () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      socket.removeAllListeners('error');
      resolve(socket);
    });
  });
}
