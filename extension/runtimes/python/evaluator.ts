// The one thing an engine needs from a transport: run a piece of code in the debuggee and get
// text back. Implementations: debugpy over a VS Code session, debugpy over a raw DAP socket (CLI),
// Scrapy's telnet console. None of them import engine code.

export interface EvaluateOptions {
  /** Milliseconds before the call fails with TransportError('timeout'). */
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
   * Calls share the program's event loop (Scrapy's remote control runs them on a thread the
   * crawl's asyncio loop awaits): the agent then cuts its heap passes into short C calls and
   * pauses the collector (agent/gcslices.py), so the loop never waits long for the GIL.
   * Slower in total; off for debugpy and telnet.
   */
  readonly shortCalls?: boolean;
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
