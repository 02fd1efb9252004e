// Which classes the Node engine tracks and how: find each constructor by name among the program's
// functions (module-scoped classes are not globals: `Request` evaluated globally is fetch's), seed
// its live instances with Runtime.queryObjects, then arm one-shot conditional breakpoints at the
// `new Name` sites of its module. The first one that runs rebinds the module's `Name` to a
// registering Proxy and returns false, so the program never pauses; we then remove them all and
// seed once more for what was created in between.
import type { CdpConnection } from './cdp/cdpConnection';
import type { PageCalls, RemoteObject } from './pageCalls';
import { rebindCondition } from './pageHook';
import type { CdpLocation, ScriptCatalog } from './scriptCatalog';

export interface TrackedClass {
  /** Unique across clients of the same program: the page hook is shared. */
  id: string;
  name: string;
  /** Row label: the name, plus file:line when two tracked classes share it. */
  label: string;
  ctorId: string;
  location?: CdpLocation;
  breakpoints: string[];
  installed: boolean;
  discovered: boolean;
  /** Last time queryObjects seeded it (ms since epoch). */
  seededAt: number;
}

/** Where the handles to constructors and other long-lived objects live. */
const CLASS_GROUP = 'liveref-classes';
let tempGroups = 0;
/** A group of its own per operation, so releasing one never frees another's objects. */
const tempGroup = () => `liveref-temp-${++tempGroups}`;
const MAX_BREAKPOINTS = 200;
const DISCOVER_BELOW_BYTES = 256 * 1024 * 1024;
/** An unpatched class (not constructed through its module binding yet) is re-seeded this often. */
const RESEED_MS = 10_000;

export class ClassTracker {
  private nextId = 1;
  private readonly idPrefix = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}-`;
  private readonly classes: TrackedClass[] = [];
  private readonly resolvedNames = new Set<string>();
  /** Names not found yet (their module not loaded at attach): when they were last looked for. */
  private readonly missedAt = new Map<string, number>();
  private discoveredOnce = false;
  private poll: NodeJS.Timeout | undefined;
  /** ensure() and the install poll both seed: one at a time. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly cdp: CdpConnection,
    private readonly page: PageCalls,
    private readonly scripts: ScriptCatalog,
    private readonly log: (line: string) => void,
  ) {}

  list(): readonly TrackedClass[] {
    return this.classes;
  }

  byLabel(label: string): TrackedClass | undefined {
    return this.classes.find((c) => c.label === label) ?? this.classes.find((c) => c.name === label);
  }

  /**
   * Tracks `names` (new ones only) and, once per engine, the top `discover` classes by count. A
   * name not found (a program attached before its module loaded) is looked for again after a
   * while, or at once when it is in `now` (a class the user just named).
   */
  ensure(names: readonly string[], discover: number, now: readonly string[] = []): Promise<void> {
    return this.serial(() => this.ensureNow(names, discover, new Set(now)));
  }

  checkInstalled(rows: Array<{ id: string; installed: boolean }>): Promise<void> {
    return this.serial(() => this.checkInstalledNow(rows));
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async ensureNow(names: readonly string[], discover: number, now: ReadonlySet<string>): Promise<void> {
    const fresh = names.filter((n) => !this.resolvedNames.has(n) && (now.has(n) || Date.now() - (this.missedAt.get(n) ?? 0) > RESEED_MS));
    if (fresh.length) {
      const ctors = await this.findByName(fresh);
      for (const ctor of ctors) await this.add(ctor, false);
      for (const name of fresh) {
        if (this.classes.some((c) => c.name === name)) { this.resolvedNames.add(name); this.missedAt.delete(name); } else this.missedAt.set(name, Date.now());
      }
    }
    if (!this.discoveredOnce && discover > 0) {
      this.discoveredOnce = true;
      // The census walks every object once (and queryObjects forces a full GC): fine on demand,
      // too slow for a refresh of a big heap, where only the configured classes are tracked.
      const { usedSize } = await this.cdp.send<{ usedSize: number }>('Runtime.getHeapUsage', {});
      if (usedSize <= DISCOVER_BELOW_BYTES) for (const ctor of await this.discover(discover)) await this.add(ctor, true);
      else this.log(`heap of ${Math.round(usedSize / 1048576)} MB: no census of the most numerous classes; set liveReferences.trackedClasses`);
    }
    this.relabel();
    await this.reseedUnpatched();
  }

  /** Marks classes whose Proxy went in, removes their breakpoints and seeds the gap. */
  private async checkInstalledNow(rows: Array<{ id: string; installed: boolean }>): Promise<void> {
    for (const row of rows) {
      const tracked = this.classes.find((c) => c.id === row.id);
      if (!tracked || tracked.installed || !row.installed) continue;
      tracked.installed = true;
      await this.disarm(tracked);
      await this.seed(tracked);
      this.log(`${tracked.label}: constructions are counted through the module binding`);
    }
    if (this.classes.every((c) => c.installed)) this.stopPolling();
  }

  dispose(): void {
    this.stopPolling();
  }

  private async findByName(names: string[]): Promise<RemoteObject[]> {
    const fns = await this.globalOf('Function.prototype');
    try {
      const found = await this.page.call('return this.findClasses(args[0], args[1]);', [{ objectId: fns }, { value: names }], { group: CLASS_GROUP, timeoutMs: 60_000 });
      return await this.elements(found);
    } finally {
      void this.cdp.send('Runtime.releaseObject', { objectId: fns }).catch(() => undefined);
    }
  }

  private async discover(n: number): Promise<RemoteObject[]> {
    const all = await this.globalOf('Object.prototype');
    try {
      // Twice n candidates: node's own JS classes are dropped below by their script URL.
      const census = await this.page.call('return this.census(args[0], args[1]);', [{ objectId: all }, { value: 2 * n }], { group: CLASS_GROUP, timeoutMs: 60_000 });
      const props = await this.properties(census.objectId!);
      const ctors = await this.elements(props.get('ctors')!);
      const kept: RemoteObject[] = [];
      for (const ctor of ctors) {
        const location = await this.functionLocation(ctor.objectId!);
        const url = location ? await this.scripts.url(location.scriptId) : undefined;
        if (url && !url.startsWith('node:') && kept.length < n) kept.push(ctor);
      }
      return kept;
    } finally {
      void this.cdp.send('Runtime.releaseObject', { objectId: all }).catch(() => undefined);
    }
  }

  /** All objects whose prototype chain holds `protoExpression`: forces a full GC. */
  private async globalOf(protoExpression: string): Promise<string> {
    const TEMP_GROUP = tempGroup();
    const proto = await this.page.evaluate(protoExpression, { group: TEMP_GROUP });
    try {
      const reply = await this.cdp.send<{ objects: RemoteObject }>('Runtime.queryObjects', { prototypeObjectId: proto.objectId, objectGroup: CLASS_GROUP }, { timeoutMs: 60_000 });
      return reply.objects.objectId!;
    } finally {
      void this.cdp.send('Runtime.releaseObjectGroup', { objectGroup: TEMP_GROUP }).catch(() => undefined);
    }
  }

  private async add(ctor: RemoteObject, discovered: boolean): Promise<void> {
    if (!ctor.objectId) return;
    const location = await this.functionLocation(ctor.objectId);
    const url = location ? await this.scripts.url(location.scriptId) : undefined;
    if (url?.startsWith('node:')) return; // Node's own classes (fetch's Request) are never the user's.
    // The same constructor found twice (a name in the setting and in the census) is tracked once.
    for (const other of this.classes) {
      const same = await this.page.callOn(ctor.objectId, 'function(o) { return this === o; }', [{ objectId: other.ctorId }], { byValue: true });
      if (same.value) { if (!discovered) other.discovered = false; return; }
    }
    const name = String((await this.page.callOn(ctor.objectId, 'function() { return this.name; }', [], { byValue: true })).value ?? '?');
    const tracked: TrackedClass = { id: `${this.idPrefix}${this.nextId++}`, name, label: name, ctorId: ctor.objectId, location, breakpoints: [], installed: false, discovered, seededAt: 0 };
    const counted = await this.page.call('return this.track(args[0], args[1]);', [{ value: tracked.id }, { objectId: ctor.objectId }], { byValue: true });
    this.classes.push(tracked);
    // An earlier client's Proxy still counts constructions: nothing to arm.
    if (counted.value === true) tracked.installed = true;
    else await this.arm(tracked);
    await this.seed(tracked);
  }

  private async seed(tracked: TrackedClass): Promise<void> {
    const TEMP_GROUP = tempGroup();
    const proto = await this.page.callOn(tracked.ctorId, 'function() { return this.prototype; }', [], { group: TEMP_GROUP });
    try {
      const reply = await this.cdp.send<{ objects: RemoteObject }>('Runtime.queryObjects', { prototypeObjectId: proto.objectId, objectGroup: TEMP_GROUP }, { timeoutMs: 60_000 });
      const now = Date.now();
      // The first seed finds what existed before attach: no creation time is known for those.
      // Later ones (the install gap, unpatched classes) date what they find at the seed.
      const first = tracked.seededAt === 0;
      const added = await this.page.value<number>('return this.seed(args[0], args[1], args[2] ? null : Date.now());', [{ value: tracked.id }, { objectId: reply.objects.objectId! }, { value: first }]);
      tracked.seededAt = now;
      this.log(`${tracked.label}: seeded ${added} objects that existed ${first ? 'before attach' : 'since the last seed'}`);
    } finally {
      await this.cdp.send('Runtime.releaseObjectGroup', { objectGroup: TEMP_GROUP }).catch(() => undefined);
    }
  }

  private async reseedUnpatched(): Promise<void> {
    for (const tracked of this.classes) {
      if (!tracked.installed && Date.now() - tracked.seededAt > RESEED_MS) await this.seed(tracked);
    }
  }

  /** Breakpoints at every `new Name` in the class's script, outside the class body. */
  private async arm(tracked: TrackedClass): Promise<void> {
    if (!tracked.location) return;
    const { scriptId } = tracked.location;
    let source: string;
    try {
      source = (await this.cdp.send<{ scriptSource: string }>('Debugger.getScriptSource', { scriptId })).scriptSource;
    } catch (error) {
      this.log(`${tracked.label}: no script source (${(error as Error).message}); counting by re-seeding`);
      return;
    }
    const classText = String((await this.page.callOn(tracked.ctorId, 'function() { return Function.prototype.toString.call(this); }', [], { byValue: true })).value ?? '');
    const body = classRange(source, classText, tracked.location.lineNumber);
    const sites = constructionSites(source, tracked.name).filter((s) => s.offset < body.start || s.offset >= body.end).slice(0, MAX_BREAKPOINTS);
    const condition = rebindCondition(tracked.name, tracked.id);
    for (const site of sites) {
      try {
        const reply = await this.cdp.send<{ breakpointId: string }>('Debugger.setBreakpoint', { location: { scriptId, lineNumber: site.line, columnNumber: site.column }, condition });
        tracked.breakpoints.push(reply.breakpointId);
      } catch (error) {
        this.log(`${tracked.label}: breakpoint at line ${site.line + 1} refused: ${(error as Error).message}`);
      }
    }
    this.log(`${tracked.label}: ${tracked.breakpoints.length} one-shot rebinding breakpoints armed`);
    if (tracked.breakpoints.length) this.startPolling();
  }

  private async disarm(tracked: TrackedClass): Promise<void> {
    const ids = tracked.breakpoints.splice(0);
    await Promise.all(ids.map((breakpointId) => this.cdp.send('Debugger.removeBreakpoint', { breakpointId }).catch(() => undefined)));
  }

  /** Until every Proxy is in, a hot `new` site pays for the condition: poll to remove them fast. */
  private startPolling(): void {
    if (this.poll) return;
    // Beyond a minute a site that never ran is not hot: the refreshes notice the install then.
    const until = Date.now() + 60_000;
    // One question at a time: while a seed holds the page, ticks would otherwise queue up behind it.
    let asking = false;
    this.poll = setInterval(() => {
      if (Date.now() > until) return this.stopPolling();
      const armed = this.classes.filter((c) => !c.installed && c.breakpoints.length);
      if (!armed.length || this.cdp.closed) return this.stopPolling();
      if (asking) return;
      asking = true;
      this.page.value<string>('return this.installedOf(args[0]);', [{ value: armed.map((c) => c.id) }])
        .then((json) => this.checkInstalled((JSON.parse(json) as Array<{ id: string; installed: boolean } | null>).filter((r): r is { id: string; installed: boolean } => !!r)))
        .catch(() => undefined)
        .finally(() => { asking = false; });
    }, 200);
    this.poll.unref();
  }

  private stopPolling(): void {
    if (this.poll) clearInterval(this.poll);
    this.poll = undefined;
  }

  private relabel(): void {
    for (const tracked of this.classes) {
      const clash = this.classes.some((o) => o !== tracked && o.name === tracked.name);
      tracked.label = clash && tracked.location ? `${tracked.name} (line ${tracked.location.lineNumber + 1})` : tracked.name;
    }
  }

  async functionLocation(objectId: string): Promise<CdpLocation | undefined> {
    const reply = await this.cdp.send<{ internalProperties?: Array<{ name: string; value?: RemoteObject }> }>('Runtime.getProperties', { objectId, ownProperties: true });
    const location = reply.internalProperties?.find((p) => p.name === '[[FunctionLocation]]')?.value?.value as CdpLocation | undefined;
    return location ? { scriptId: String(location.scriptId), lineNumber: location.lineNumber, columnNumber: location.columnNumber } : undefined;
  }

  private async properties(objectId: string): Promise<Map<string, RemoteObject>> {
    const reply = await this.cdp.send<{ result: Array<{ name: string; value?: RemoteObject }> }>('Runtime.getProperties', { objectId, ownProperties: true });
    return new Map(reply.result.filter((p) => p.value).map((p) => [p.name, p.value!]));
  }

  private async elements(array: RemoteObject): Promise<RemoteObject[]> {
    if (!array.objectId) return [];
    const props = await this.properties(array.objectId);
    return [...props].filter(([k]) => /^\d+$/.test(k)).sort((a, b) => Number(a[0]) - Number(b[0])).map(([, v]) => v);
  }
}

/** The class's text in its script: the occurrence nearest the constructor's line. */
export function classRange(source: string, classText: string, line: number): { start: number; end: number } {
  if (!classText) return { start: 0, end: 0 };
  let lineStart = 0;
  for (let l = 0; l < line && lineStart >= 0; l++) lineStart = source.indexOf('\n', lineStart) + 1;
  let best = -1;
  for (let at = source.indexOf(classText); at >= 0; at = source.indexOf(classText, at + 1)) {
    if (best < 0 || Math.abs(at - lineStart) < Math.abs(best - lineStart)) best = at;
  }
  return best < 0 ? { start: 0, end: 0 } : { start: best, end: best + classText.length };
}

/** 0-based line and column of every `new Name(` in the source. */
export function constructionSites(source: string, name: string): Array<{ offset: number; line: number; column: number }> {
  const escaped = name.replace(/[$]/g, '\\$');
  const pattern = new RegExp(`\\bnew\\s+${escaped}\\b(?!\\s*\\.)`, 'g');
  const sites: Array<{ offset: number; line: number; column: number }> = [];
  let line = 0, lineStart = 0, scanned = 0;
  for (let match = pattern.exec(source); match; match = pattern.exec(source)) {
    for (; scanned < match.index; scanned++) if (source.charCodeAt(scanned) === 10) { line++; lineStart = scanned + 1; }
    sites.push({ offset: match.index, line, column: match.index - lineStart });
  }
  return sites;
}
