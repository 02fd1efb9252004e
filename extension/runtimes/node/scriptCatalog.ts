// scriptId → URL, and CDP locations → SourceLocations with source maps honoured. On our own
// inspector session the URLs come from Debugger.scriptParsed; over js-debug's proxy the debugger
// already consumed those events, so the page hook asks an in-process inspector session instead.
import type { SourceLocation } from '../../core/types';
import type { CdpConnection } from './cdp/cdpConnection';
import type { PageCalls } from './pageCalls';
import { loadSourceMap, SourceMap, urlToPath } from './sourceMap';

export interface CdpLocation {
  scriptId: string;
  lineNumber: number;
  columnNumber?: number;
}

interface ScriptEntry {
  url: string;
  sourceMapUrl: string;
  map?: SourceMap | null;
}

export class ScriptCatalog {
  private readonly scripts = new Map<string, ScriptEntry>();
  private fetched: Promise<void> | undefined;

  constructor(cdp: CdpConnection, private readonly page: PageCalls) {
    cdp.on('Debugger.scriptParsed', (p) => {
      this.scripts.set(String(p.scriptId), { url: String(p.url ?? ''), sourceMapUrl: String(p.sourceMapURL ?? '') });
    });
  }

  async url(scriptId: string): Promise<string | undefined> {
    if (!this.scripts.has(scriptId)) await this.refetch();
    return this.scripts.get(scriptId)?.url;
  }

  /** A 0-based CDP location as a 1-based SourceLocation in the original source. */
  async locate(location: CdpLocation, name?: string): Promise<SourceLocation | undefined> {
    if (!this.scripts.has(location.scriptId)) await this.refetch();
    const entry = this.scripts.get(location.scriptId);
    if (!entry?.url) return undefined;
    if (entry.sourceMapUrl && entry.map === undefined) entry.map = loadSourceMap(entry.url, entry.sourceMapUrl) ?? null;
    const original = entry.map?.original(location.lineNumber, location.columnNumber ?? 0);
    if (original) return { path: urlToPath(original.url), line: original.line + 1, name };
    return { path: urlToPath(entry.url), line: location.lineNumber + 1, name };
  }

  private refetch(): Promise<void> {
    this.fetched ??= this.page.value<string>('return this.scripts();', [], { timeoutMs: 10_000 }).then((json) => {
      for (const [id, [url, sourceMapUrl]] of Object.entries(JSON.parse(json) as Record<string, [string, string]>)) {
        if (!this.scripts.has(id)) this.scripts.set(id, { url, sourceMapUrl });
      }
    }).finally(() => {
      // Allow one more lookup later for scripts loaded after this one.
      setTimeout(() => { this.fetched = undefined; }, 2000).unref();
    });
    return this.fetched;
  }
}
