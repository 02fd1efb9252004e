// Reads the telnet console's address and password from a crawl's log file: Scrapy logs
// `Telnet Password: <16 hex>` when the extension starts (TELNETCONSOLE_PASSWORD unset) and
// `Telnet console listening on HOST:PORT` once the engine has started. A log file that several
// runs appended to holds several pairs: the last password wins, with the first listening line
// after it (the same run).
import { promises as fs } from 'node:fs';

export interface LogCredentials {
  password?: string;
  host?: string;
  port?: number;
}

/**
 * Only the last 64 MB are read (the latest run is at the end of an appended log); a single run
 * that logged more than that since it started needs passwordEnv instead.
 */
const MAX_READ = 64 * 1024 * 1024;

export function parseCrawlLog(text: string): LogCredentials {
  const passwords = [...text.matchAll(/Telnet Password: (\S+)/g)];
  const last = passwords[passwords.length - 1];
  const from = last ? (last.index ?? 0) : 0;
  const listening = /Telnet console listening on (\S+):(\d+)/.exec(text.slice(from))
    // A fixed TELNETCONSOLE_PASSWORD is never logged: then the last listening line is the address.
    ?? (last ? undefined : [...text.matchAll(/Telnet console listening on (\S+):(\d+)/g)].pop());
  return {
    password: last?.[1],
    host: listening?.[1],
    port: listening ? Number(listening[2]) : undefined,
  };
}

/** Reads and parses the log; an error carries the errno code (ENOENT…), never the file's content. */
export async function readCrawlLog(file: string): Promise<LogCredentials> {
  let text: string;
  try {
    const handle = await fs.open(file, 'r');
    try {
      const { size } = await handle.stat();
      const start = Math.max(0, size - MAX_READ);
      const buffer = Buffer.alloc(size - start);
      await handle.read(buffer, 0, buffer.length, start);
      text = buffer.toString('utf8');
    } finally {
      await handle.close();
    }
  } catch (error) {
    throw new Error((error as NodeJS.ErrnoException).code ?? (error as Error).message);
  }
  return parseCrawlLog(text);
}
