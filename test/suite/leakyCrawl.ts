// Starts the fixture shop and the seed's leaky crawl under debugpy through
// vscode.debug.startDebugging, as a user pressing F5 would; shared by the product suites.
import * as vscode from 'vscode';
import { LEAKY_DIR, startSite, Site } from '../fixtures/fixtureSite';
import type { LiveReferencesApi } from '../../extension/extension';

export const EXTENSION_ID = 'live-references.live-references';
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function waitFor<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 30_000, pollMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(pollMs);
  }
}

export async function api(): Promise<LiveReferencesApi> {
  const ext = vscode.extensions.getExtension<LiveReferencesApi>(EXTENSION_ID);
  if (!ext) throw new Error(`${EXTENSION_ID} is not installed`);
  return ext.activate();
}

export interface LeakyCrawl {
  site: Site;
  session: vscode.DebugSession;
  /** DAP events the adapter sent for this session (stopped, continued, output…). */
  events: string[];
  stop(): Promise<void>;
}

export async function startLeakyCrawl(name: string, env: Record<string, string> = {}): Promise<LeakyCrawl> {
  const site = await startSite({ products: 4000, delayMs: 30 });
  const events: string[] = [];
  const tracker = vscode.debug.registerDebugAdapterTrackerFactory('debugpy', {
    createDebugAdapterTracker: (s) => (s.name === name ? { onDidSendMessage: (m: { type?: string; event?: string }) => { if (m.type === 'event' && m.event) events.push(m.event); } } : undefined),
  });
  const started = new Promise<vscode.DebugSession>((resolve) => {
    const sub = vscode.debug.onDidStartDebugSession((s) => { if (s.name === name) { sub.dispose(); resolve(s); } });
  });
  const ok = await vscode.debug.startDebugging(undefined, {
    type: 'debugpy', request: 'launch', name, module: 'scrapy', args: ['crawl', 'leaky'], cwd: LEAKY_DIR,
    python: '/usr/bin/python3', console: 'internalConsole', justMyCode: true,
    env: { START_URL: site.firstProductUrl, LEAKY_TELNET: '0', LEAKY_TIMEOUT_S: '300', LEAKY_CONCURRENCY: '4', ...env },
  });
  if (!ok) throw new Error('startDebugging returned false');
  const session = await Promise.race([started, sleep(30_000).then(() => { throw new Error('no debug session within 30 s'); })]);
  const terminated = new Promise<void>((resolve) => {
    const sub = vscode.debug.onDidTerminateDebugSession((s) => { if (s.id === session.id) { sub.dispose(); resolve(); } });
  });
  return {
    site, session, events,
    stop: async () => {
      try {
        await Promise.race([vscode.debug.stopDebugging(session), sleep(10_000)]);
        await Promise.race([terminated, sleep(15_000)]);
      } finally {
        tracker.dispose();
        await site.stop();
      }
    },
  };
}
