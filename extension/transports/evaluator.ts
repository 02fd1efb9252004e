// The one thing an engine needs from a transport: run a piece of code in the debuggee and get
// text back. Implementations: debugpy over a VS Code session, debugpy over a raw DAP socket (CLI),
// Scrapy's telnet console. None of them import engine code.

export interface EvaluateOptions {
  /** Milliseconds before the call fails with EvaluatorError('timeout'). */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/**
 * Builds the single-line expression to run for a reply mode. The transport picks the mode:
 * 'event' (the agent answers with a custom DAP event, or in the response body on debugpy
 * >= 1.8.21, and the expression's value is None so nothing is printed) or 'return' (the value
 * itself carries the reply: telnet, or a paused frame).
 */
export type CallBuilder = (mode: ReplyMode) => string;

export interface Evaluator {
  readonly description: string;
  /**
   * Longest time one step of a chunked agent job (partitions) may run, in ms; 250 when unset.
   * Lower where calls run on the program's own main loop (Scrapy's telnet console runs them on
   * the crawl's reactor thread, which then serves nothing else).
   */
  readonly jobStepBudgetMs?: number;
  /**
   * Runs the call and returns text that contains the agent's marked reply. `requestId` is the
   * id the builder embeds, so event replies can be matched to their request.
   */
  evaluate(build: CallBuilder, requestId: number, options?: EvaluateOptions): Promise<string>;
  /** Runs a statement whose output is irrelevant (agent installation). Must not print. */
  execute(code: string, options?: EvaluateOptions): Promise<void>;
  dispose(): void;
}

export type ReplyMode = 'event' | 'return';

export type EvaluatorErrorCode =
  | 'timeout'
  | 'cancelled'
  | 'disconnected'
  | 'connect'
  | 'auth'
  | 'protocol'
  | 'remote';

export class EvaluatorError extends Error {
  constructor(readonly code: EvaluatorErrorCode, message: string) {
    super(message);
    this.name = 'EvaluatorError';
  }
}

/** Custom DAP event the agent sends through pydevd's writer (agent/protocol.py, agent/README.md). */
export const AGENT_REPLY_EVENT = 'liveReferences.reply';

/**
 * The agent wraps every reply as MARK_BEGIN + base64(JSON) + MARK_END so it survives reprs,
 * quoting, terminal echo and ANSI noise on every transport.
 */
export const MARK_BEGIN = 'LRB64<';
export const MARK_END = '>LRB64';

export function extractMarkedReply(text: string): string | undefined {
  const start = text.indexOf(MARK_BEGIN);
  if (start < 0) return undefined;
  const end = text.indexOf(MARK_END, start + MARK_BEGIN.length);
  if (end < 0) return undefined;
  const b64 = text.slice(start + MARK_BEGIN.length, end).replace(/[^A-Za-z0-9+/=]/g, '');
  return Buffer.from(b64, 'base64').toString('utf8');
}
