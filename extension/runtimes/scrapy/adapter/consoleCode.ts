// The Python lines the scrapy-telnet adapter types into the crawl's telnet console. The manhole
// takes one line of printable ASCII at a time, so anything else (pasted blocks, non-ASCII text)
// travels as base64 and runs through `exec` in the console's own namespace, compiled in 'single'
// mode so top-level expressions print their value exactly as the console would.
import { lineProblem } from '../telnet/telnetClient';

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

/** A line that runs `code` in the console namespace; `code` itself when it can be typed as is. */
export function consoleLine(code: string): string {
  const trimmed = code.replace(/\s+$/, '');
  if (!trimmed.includes('\n') && !lineProblem(trimmed)) return trimmed;
  const source = `__import__('base64').b64decode('${b64(trimmed)}').decode()`;
  return `exec(compile(__import__('ast').Interactive(__import__('ast').parse(${source}, '<console>').body), '<console>', 'single'), globals())`;
}

/** Marks a JSON reply in console output, like the agent's LRB64 marking (survives echo and escapes). */
const INFO_BEGIN = 'LRINFO<';
const INFO_END = '>LRINFO';

function printJson(expression: string): string {
  // print() returns None, so the console's `_` is left alone.
  return `print('${INFO_BEGIN}' + __import__('base64').b64encode(__import__('json').dumps(${expression}, default=str).encode()).decode() + '${INFO_END}')`;
}

export function parseJsonReply<T>(output: string): T | undefined {
  const start = output.indexOf(INFO_BEGIN);
  const end = output.indexOf(INFO_END, start + INFO_BEGIN.length);
  if (start < 0 || end < 0) return undefined;
  try {
    return JSON.parse(Buffer.from(output.slice(start + INFO_BEGIN.length, end), 'base64').toString('utf8')) as T;
  } catch {
    return undefined;
  }
}

export interface CrawlInfo {
  /** `crawler.spider.name`, or undefined outside a Scrapy console. */
  spider?: string;
  /** Seconds since the stats' start_time (spider opened). */
  uptimeS?: number;
  pid: number;
  scrapy?: string;
}

/**
 * Reads the spider name and uptime through the console's `crawler` variable. start_time is naive
 * UTC in Scrapy 2.8 and aware in newer versions; both are handled. Never raises.
 */
export const CRAWL_INFO_LINE = printJson(
  "(lambda c, D, utc: {'pid': __import__('os').getpid(), "
  + "'spider': getattr(getattr(c, 'spider', None), 'name', None), "
  + "'scrapy': getattr(__import__('sys').modules.get('scrapy'), '__version__', None), "
  + "'uptimeS': (lambda st: ((D.now(utc).replace(tzinfo=None) if st.tzinfo is None else D.now(st.tzinfo)) - st).total_seconds() if isinstance(st, D) else None)"
  + "(getattr(getattr(c, 'stats', None), 'get_value', lambda k: None)('start_time'))})"
  + "(globals().get('crawler'), __import__('datetime').datetime, __import__('datetime').timezone.utc)",
);

/**
 * Completion candidates for `prefix` (the dotted name being typed) from the console namespace,
 * through rlcompleter as the Python REPL does (it evaluates the part before the last dot).
 */
export function completionsLine(prefix: string): string {
  return printJson(
    `(lambda c, t: [m for m in (c.complete(t, i) for i in range(300)) if m is not None])`
    + `(__import__('rlcompleter').Completer(globals()), __import__('base64').b64decode('${b64(prefix)}').decode())`,
  );
}

/** The dotted name just before `column` (0-based) of `text`: what the user is completing. */
export function completionPrefix(text: string, column: number): string {
  const before = text.slice(0, column);
  return /[A-Za-z_][\w.]*$|\.?$/.exec(before)?.[0] ?? '';
}

/** "3h 05m", "4m 12s", "9s". */
export function formatUptime(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  if (s >= 3600) return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  if (s >= 60) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  return `${s}s`;
}
