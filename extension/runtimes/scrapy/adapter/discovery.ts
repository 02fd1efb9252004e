// Finds Scrapy telnet consoles: Scrapy listens on the first free port of 6023–6073 (its
// TELNETCONSOLE_PORT default), so a crawl running on this machine is one connect away. A port
// counts as a console when it starts a telnet login (IAC negotiation or "Username:"); the spider
// and uptime are read after a login, for ports whose password we have.
import * as net from 'node:net';
import { TelnetClient } from '../telnet/telnetClient';
import type { Target } from './attachTarget';
import { CRAWL_INFO_LINE, CrawlInfo, parseJsonReply } from './consoleCode';

export const SCRAPY_PORT_RANGE: readonly [number, number] = [6023, 6073];
const IAC = 255;

/** True when `host:port` accepts a connection and starts a telnet login within `timeoutMs`. */
export function isTelnetConsole(target: Target, timeoutMs = 800): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: target.host, port: target.port });
    let seen = Buffer.alloc(0);
    const done = (value: boolean) => { clearTimeout(timer); socket.destroy(); resolve(value); };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.on('data', (chunk: Buffer) => {
      seen = Buffer.concat([seen, chunk]).subarray(-256);
      if (seen.includes(IAC) || seen.toString('latin1').includes('Username:')) done(true);
    });
    socket.once('error', () => done(false));
    socket.once('close', () => done(false));
  });
}

/** Telnet consoles on `host` ports `from`–`to`, probed in parallel, in port order. */
export async function scanTelnetConsoles(host = '127.0.0.1', [from, to] = SCRAPY_PORT_RANGE, timeoutMs = 800): Promise<Target[]> {
  const ports = Array.from({ length: to - from + 1 }, (_, i) => from + i);
  const found = await Promise.all(ports.map(async (port) => ((await isTelnetConsole({ host, port }, timeoutMs)) ? port : undefined)));
  return found.filter((p): p is number => p !== undefined).map((port) => ({ host, port }));
}

/** Logs in, reads spider / uptime / pid, logs out. Rejects like TelnetClient.connect ('auth', 'connect'…). */
export async function readCrawlInfo(target: Target, password: string, timeoutMs = 3_000): Promise<CrawlInfo | undefined> {
  const client = await TelnetClient.connect({ ...target, password, timeoutMs });
  try {
    return parseJsonReply<CrawlInfo>(await client.run(CRAWL_INFO_LINE, { timeoutMs }));
  } finally {
    client.close();
  }
}
