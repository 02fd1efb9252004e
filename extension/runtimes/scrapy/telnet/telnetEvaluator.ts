// Evaluator over Scrapy's telnet console (a crawl running on its own, no debugger). The console
// is a Python REPL: an expression's repr comes back as text, so the reply mode is always 'return'
// and the engine finds the agent's marked payload in that text. See telnetClient.ts for the
// protocol; nothing here ever logs or reports the password.
import { CallBuilder, EvaluateOptions, Evaluator } from '../../python/evaluator';
import { TransportError } from '../../../core/transportError';
import { DEFAULT_RUN_TIMEOUT_MS, TelnetClient, TelnetClientOptions } from './telnetClient';
import type { NegotiationEvent } from './telnetCodec';

export const TELNET_JOB_STEP_BUDGET_MS = 150;

/** Connect + login options; calls default to a 30 s timeout unless they give their own. */
export type TelnetConnectOptions = TelnetClientOptions;

/**
 * The last exception line of Python console output (`ZeroDivisionError: division by zero`,
 * `SyntaxError: invalid syntax`), or undefined when the output shows no error.
 */
export function remoteErrorOf(output: string): string | undefined {
  const lines = output.split('\n');
  const traceback = lines.findIndex((l) => l.startsWith('Traceback (most recent call last):'));
  const isException = (l: string) => /^[A-Za-z_][\w.]*(Error|Exception|Exit|Interrupt|Warning)\b(:.*)?$/.test(l) || l === 'KeyboardInterrupt';
  // A syntax error has no Traceback header: `  File "<console>", line 1` … `SyntaxError: …`.
  const file = lines.findIndex((l) => l.startsWith('  File "'));
  if (traceback < 0 && file < 0) return undefined;
  const from = traceback >= 0 ? traceback : file;
  for (let i = lines.length - 1; i >= from; i--) {
    const line = lines[i].trimEnd();
    if (isException(line)) return line.length > 500 ? `${line.slice(0, 500)}…` : line;
  }
  return traceback >= 0 ? 'Traceback (most recent call last)' : undefined;
}

export class TelnetEvaluator implements Evaluator {
  readonly description: string;
  /**
   * The manhole runs each line on the crawl's reactor thread: a 150 ms step plus the reply kept
   * the longest reactor stall of a 1 M-object partition under ~250 ms (a 250 ms budget: 390 ms).
   */
  readonly jobStepBudgetMs = TELNET_JOB_STEP_BUDGET_MS;

  private constructor(private readonly client: TelnetClient, private readonly defaultTimeoutMs: number, private readonly owned = true) {
    this.description = `Scrapy telnet console ${client.where}`;
  }

  /**
   * An evaluator over a console someone else logged into and owns (the scrapy-telnet debug
   * adapter): calls share its queue, and dispose leaves the connection open.
   */
  static over(client: TelnetClient): TelnetEvaluator {
    return new TelnetEvaluator(client, DEFAULT_RUN_TIMEOUT_MS, false);
  }

  /** Connects and logs in; rejects with TransportError 'connect', 'auth', 'timeout', 'protocol'… */
  static async connect(options: TelnetConnectOptions): Promise<TelnetEvaluator> {
    const client = await TelnetClient.connect(options);
    return new TelnetEvaluator(client, DEFAULT_RUN_TIMEOUT_MS);
  }

  get closed(): boolean {
    return this.client.closed;
  }

  get negotiation(): readonly NegotiationEvent[] {
    return this.client.negotiation;
  }

  /** Called once when the console goes away (crawl ended, dispose); returns an unsubscribe function. */
  onDidClose(listener: (reason: string) => void): () => void {
    return this.client.onClose(listener);
  }

  /**
   * Types the single-line call and returns what the console printed for it: the value's repr,
   * or a traceback. The engine extracts the marked reply from it.
   */
  evaluate(build: CallBuilder, _requestId: number, options: EvaluateOptions = {}): Promise<string> {
    return this.run(build('return'), options);
  }

  /** Runs a one-line statement; rejects with 'remote' and the exception line if it raised. */
  async execute(code: string, options: EvaluateOptions = {}): Promise<void> {
    const output = await this.run(code, options);
    const error = remoteErrorOf(output);
    if (error !== undefined) throw new TransportError('remote', error);
  }

  /** Raw console round trip, for diagnostics: output of one line. */
  run(line: string, options: EvaluateOptions = {}): Promise<string> {
    if (line.includes('\n') || line.includes('\r')) {
      return Promise.reject(new TransportError('protocol', 'The telnet console takes one line at a time; the code has a line break.'));
    }
    return this.client.run(line, { timeoutMs: options.timeoutMs ?? this.defaultTimeoutMs, signal: options.signal });
  }

  dispose(): void {
    if (this.owned) this.client.close('The telnet evaluator was disposed.');
  }
}
