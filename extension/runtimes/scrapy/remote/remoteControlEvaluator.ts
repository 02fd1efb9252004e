// Evaluator over Scrapy's remote control (2.19+): each agent call is one POST /execute that runs
// on the crawl's asyncio loop and prints the agent's marked reply. Only printed output comes back,
// capped by the server (REMOTE_CONTROL_OUTPUT_MAX_BYTES, 64 KB), so a longer reply stays in the
// crawl's `stash` under our key and is read back in pages. Calls go one at a time (one page slot,
// and loop stalls never stack). Closing removes everything we put in `stash`.
import { CallBuilder, EvaluateOptions, Evaluator } from '../../python/evaluator';
import { TransportError } from '../../../core/transportError';
import { english, Localizer } from '../adapter/localize';
import { ExecuteResult, RemoteControlClient } from './remoteControlClient';

/** Our key in the crawl's `stash`: {'agent': the agent module, 'page': the reply being paged}. */
export const STASH_KEY = 'liveReferences';
/**
 * Agent job steps run on a worker thread the crawl's loop awaits, their heap passes in short
 * slices (shortCalls); 30 ms steps keep each /execute short, so progress and cancel stay prompt.
 */
export const REMOTE_JOB_STEP_BUDGET_MS = 30;
/** Characters per page: below the server's 64 KB cap with room for the header (replies are ASCII). */
export const PAGE_CHARS = 60_000;
/**
 * Replies longer than this stay in `stash` until read (or until the next call) even when they fit
 * one page, so a server that cuts output lower than 64 KB still gives them back whole.
 */
export const KEEP_OVER_CHARS = 1024;
const PAGE_HEADER = /^LRPAGE<(\d+)>/;
const TRUNCATION = /…\[truncated[^\]]*\]\s*$/;

const stash = `stash.setdefault(${JSON.stringify(STASH_KEY)}, {})`;

/**
 * Code that runs `expression` and prints a header with its length, then its first page. The agent
 * call runs on a worker thread the loop awaits (as under debugpy, whose evaluations run on its own
 * thread): the loop gets the GIL back every switch interval (5 ms) instead of waiting for the
 * whole call; only single long C calls (gc.get_objects() of a big heap) still hold it.
 */
export function callCode(expression: string, pageChars: number): string {
  return [
    `_lr = ${stash}`,
    `_lr.pop('page', None)`,
    `_r = await __import__('asyncio').to_thread(eval, ${pythonString(expression)}, {})`,
    `_r = _r if isinstance(_r, str) else repr(_r)`,
    `if len(_r) > ${KEEP_OVER_CHARS}: _lr['page'] = _r`,
    `print('LRPAGE<%d>' % len(_r) + _r[:${pageChars}], end='')`,
  ].join('\n');
}

/** Code that prints characters [from, to) of the stored reply, and drops it after its last page. */
export function pageCode(from: number, to: number): string {
  return [
    `_lr = ${stash}`,
    `_p = _lr.get('page')`,
    `if _p is None: raise LookupError('liveReferences: the paged reply is gone from stash')`,
    `print(_p[${from}:${to}], end='')`,
    `if ${to} >= len(_p): _lr.pop('page', None)`,
  ].join('\n');
}

/** Code that runs `code` (statements, nothing printed) on a worker thread while the loop keeps serving. */
export function threadedCode(code: string): string {
  return `await __import__('asyncio').to_thread(exec, ${pythonString(code)}, {'__name__': '_liveref_exec'})`;
}

/** A Python string literal of `text`: JSON with every non-ASCII character escaped is one. */
function pythonString(text: string): string {
  return JSON.stringify(text).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export interface RemoteControlEvaluatorOptions {
  l10n?: Localizer;
  /** sys.modules key of the agent: kept in `stash` after each install so the crawl's stash shows it is ours. */
  agentModuleKey?: string;
  defaultTimeoutMs?: number;
}

export class RemoteControlEvaluator implements Evaluator {
  readonly description: string;
  readonly jobStepBudgetMs = REMOTE_JOB_STEP_BUDGET_MS;
  /** Agent calls run beside the crawl's loop: their heap passes go in short slices. */
  readonly shortCalls = true;
  private queue: Promise<unknown> = Promise.resolve();
  private pageChars = PAGE_CHARS;
  private readonly l10n: Localizer;
  private closing: Promise<void> | undefined;

  constructor(readonly client: RemoteControlClient, private readonly options: RemoteControlEvaluatorOptions = {}) {
    this.l10n = options.l10n ?? english;
    this.description = `Scrapy remote control ${client.where}`;
  }

  evaluate(build: CallBuilder, _requestId: number, options: EvaluateOptions = {}): Promise<string> {
    return this.serial(() => this.callPaged(build('return'), options));
  }

  /**
   * Runs statements (the agent's install, releaseAll); rejects with 'remote' when they raised.
   * They run on a worker thread the loop awaits, so compiling the agent's modules (~150 ms in one
   * piece) leaves the loop the GIL between compiles instead of blocking it throughout.
   */
  execute(code: string, options: EvaluateOptions = {}): Promise<void> {
    const key = this.options.agentModuleKey;
    const keep = key ? `\n_m = __import__('sys').modules.get(${JSON.stringify(key)})\nif _m is not None: ${stash}['agent'] = _m` : '';
    return this.serial(async () => { this.check(await this.run(threadedCode(code) + keep, options), false); });
  }

  /** Raw /execute for the Debug Console: printed output, traceback and flags as the server sent them. */
  run(code: string, options: EvaluateOptions = {}): Promise<ExecuteResult> {
    return this.client.execute(code, { timeoutMs: options.timeoutMs ?? this.options.defaultTimeoutMs ?? 30_000, signal: options.signal });
  }

  /** Removes our `stash` entry, then closes the connection (the crawl keeps running). */
  close(): Promise<void> {
    this.closing ??= this.serial(() => this.run(`${JSON.stringify(STASH_KEY)} in stash and stash.pop(${JSON.stringify(STASH_KEY)})`, { timeoutMs: 5_000 }))
      .then(() => undefined, () => undefined)
      .finally(() => this.client.close());
    return this.closing;
  }

  dispose(): void {
    void this.close();
  }

  private serial<T>(task: () => Promise<T>): Promise<T> {
    const next = this.queue.then(task, task);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async callPaged(expression: string, options: EvaluateOptions): Promise<string> {
    const first = this.check(await this.run(callCode(expression, this.pageChars), options), true);
    const header = PAGE_HEADER.exec(first.text);
    if (!header) throw new TransportError('protocol', this.l10n.t('The crawl at {0} printed something unexpected for an agent call: {1}', this.client.where, first.text.slice(0, 200)));
    const total = Number(header[1]);
    let text = first.text.slice(header[0].length);
    if (first.truncated) this.shrinkPages(text.length, total);
    while (text.length < total) {
      const page = this.check(await this.run(pageCode(text.length, text.length + this.pageChars), { timeoutMs: 30_000, signal: options.signal }), true);
      if (!page.text.length) throw new TransportError('protocol', this.l10n.t('The crawl at {0} returned an empty page of a {1}-character reply.', this.client.where, total));
      text += page.text;
      if (page.truncated) this.shrinkPages(page.text.length, total);
    }
    return text;
  }

  /**
   * The server cut a page (a cap lower than 64 KB, e.g. an older or tuned server): later pages get
   * smaller. A reply too short to have been kept cannot be read again: say so.
   */
  private shrinkPages(received: number, total: number): void {
    this.pageChars = Math.max(512, Math.floor(received * 0.9));
    if (total <= KEEP_OVER_CHARS) {
      throw new TransportError('protocol', this.l10n.t('The crawl at {0} cut a reply at {1} KB (its REMOTE_CONTROL_OUTPUT_MAX_BYTES is below 64 KB). Pages are now {2} KB: try again.', this.client.where, Math.round(received / 1024), Math.round(this.pageChars / 1024)));
    }
  }

  /** Maps the server's status to text or a TransportError; a cut page keeps only what came whole. */
  private check(result: ExecuteResult, paged: boolean): { text: string; truncated: boolean } {
    switch (result.status) {
      case 'ok': break;
      case 'timeout':
        throw new TransportError('timeout', this.l10n.t('The code sent to the crawl at {0} ran past its timeout ({1} s) and was cancelled; the crawl keeps running.', this.client.where, result.elapsed_sec.toFixed(1)));
      default:
        throw new TransportError('remote', lastLine(result.traceback) ?? this.l10n.t('The code sent to the crawl at {0} failed ({1}).', this.client.where, result.status));
    }
    const truncated = result.output_truncated === true;
    if (!truncated) return { text: result.output, truncated };
    if (!paged) throw new TransportError('protocol', this.l10n.t('The crawl at {0} cut the output at 64 KB.', this.client.where));
    return { text: result.output.replace(TRUNCATION, ''), truncated };
  }
}

/** The exception line of a Python traceback. */
function lastLine(traceback: string | null): string | undefined {
  const lines = (traceback ?? '').trimEnd().split('\n').filter((l) => l.trim());
  const last = lines.pop();
  return last === undefined ? undefined : last.length > 500 ? `${last.slice(0, 500)}…` : last;
}
