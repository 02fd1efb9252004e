// The one thing an engine needs from a transport: run a piece of code in the debuggee and get
// text back. Implementations: debugpy over a VS Code session, debugpy over a raw DAP socket (CLI),
// Scrapy's telnet console. None of them import engine code.

export interface EvaluateOptions {
  /** Milliseconds before the call fails with EvaluatorError('timeout'). */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/**
 * `code` is Python source built by the engine. The evaluator runs it so that the
 * agent's reply reaches us and nothing reaches the program's stdout:
 * - the code is a single expression `AGENT.call(ID, METHOD, PARAMS, REPLY_MODE)`;
 * - `requestId` is the ID the engine put in it, so event replies can be matched.
 * `replyModes` tells the engine which modes this transport can receive; it picks one.
 */
export interface Evaluator {
  readonly description: string;
  /** Reply modes in order of preference: 'event' (custom DAP event) or 'return' (value text). */
  readonly replyModes: readonly ReplyMode[];
  evaluate(code: string, requestId: number, options?: EvaluateOptions): Promise<string>;
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

/** Custom DAP event the agent sends through pydevd's writer (see DESIGN.md). */
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
