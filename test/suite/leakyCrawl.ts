// Starts the fixture shop and the seed's leaky crawl under debugpy through
// vscode.debug.startDebugging, as a user pressing F5 would; shared by the product suites.
import * as vscode from 'vscode';
import { LEAKY_DIR, PYTHON, Site } from '../fixtures/fixtureSite';
import { CrawlFixture } from '../shared/crawlFixture';
import { startSession } from './debugSessions';
import type { LiveReferencesApi } from '../../extension/extension';

export const EXTENSION_ID = 'live-references.live-references';

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

export async function startLeakyCrawl(name: string, env: Record<string, string> = {}, python = PYTHON): Promise<LeakyCrawl> {
  // The shop of the crawl fixture; the crawl itself is VS Code's launch, not a process of ours.
  const shop = new CrawlFixture({ site: { products: 4000, delayMs: 30 } });
  const site = await shop.startSite();
  try {
    const launched = await startSession({
      type: 'debugpy', request: 'launch', name, module: 'scrapy', args: ['crawl', 'leaky'], cwd: LEAKY_DIR,
      python, console: 'internalConsole', justMyCode: true,
      env: { START_URL: site.firstProductUrl, LEAKY_TELNET: '0', LEAKY_TIMEOUT_S: '900', LEAKY_CONCURRENCY: '4', ...env },
    });
    return {
      site, session: launched.session, events: launched.events,
      stop: async () => {
        try {
          await launched.stop();
        } finally {
          await shop.stop();
        }
      },
    };
  } catch (error) {
    await shop.stop();
    throw error;
  }
}
