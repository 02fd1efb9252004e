// LiveRefsEngine for Node.js programs over the Chrome DevTools Protocol. Live counts come from the
// page hook (a registering Proxy per tracked class, seeded by queryObjects), objects are CDP
// remote objects in our own object groups, partitions and "why" come from a heap snapshot parsed
// in a worker. Knows CDP; knows nothing of VS Code.
import type {
  AgeHistogram, AgesRequest, EngineInfo, HeapMarkInfo, InspectResult, IterPage, LiveRefRow, LiveRefsSnapshot, ObjectHandle, ObjectSummary, Partition, PartitionRequest, RetainedRequest, RetainedResult, SourceInfo, WhyResult,
} from '../../core/types';
import { CallOptions, EngineError, IterRequest, LiveRefsEngine, LongCallOptions } from '../../core/liveRefsEngine';
import type { CdpConnection } from './cdp/cdpConnection';
import { TransportError } from '../../core/transportError';
import { PageCalls, PageError, RemoteObject } from './pageCalls';
import { CdpLocation, ScriptCatalog } from './scriptCatalog';
import { ClassTracker, TrackedClass } from './classTracker';
import { children, PropertyDescriptor, summarize } from './remoteObjects';
import { HeapAnalysis } from './heapAnalysis';

export interface NodeEngineOptions {
  /** Class names to track (module-scoped classes are found by name and source, not as globals). */
  trackedClasses?: () => readonly string[];
  /** How many of the most numerous user classes to track on top of those (once per engine). */
  discoverTop?: number;
  /**
   * A full GC before a count makes it exact; it is forced while the last one took at most this
   * many ms (default 100; 0: never). Programs whose live heap is big are not stalled every refresh.
   */
  gcBudgetMs?: number;
  log?: (line: string) => void;
}

interface PageMeta {
  typeName: string;
  repr: string;
  url?: string;
  /** null: created before Live References attached. */
  ageMs: number | null;
}

export class NodeEngine implements LiveRefsEngine {
  private readonly page: PageCalls;
  private readonly scripts: ScriptCatalog;
  private readonly tracker: ClassTracker;
  private readonly heap: HeapAnalysis;
  private ready: Promise<void> | undefined;
  private nextGroup = 1;
  private readonly groups = new Set<string>();
  private readonly cursors = new Map<string, string>();
  private readonly log: (line: string) => void;

  constructor(private readonly cdp: CdpConnection, private readonly options: NodeEngineOptions = {}) {
    this.log = options.log ?? (() => undefined);
    this.page = new PageCalls(cdp);
    this.scripts = new ScriptCatalog(cdp, this.page);
    this.tracker = new ClassTracker(cdp, this.page, this.scripts, this.log);
    this.heap = new HeapAnalysis(cdp, this.page, this.scripts, this.log);
  }

  async info(options?: CallOptions): Promise<EngineInfo> {
    await this.connect(options);
    const v = await this.guard(() => this.page.evaluate('JSON.stringify([process.version, process.pid])', { ...options, byValue: true }));
    const [version, pid] = JSON.parse(String(v.value)) as [string, number];
    return { runtime: 'node', version, trackref: true, tracemalloc: false, pid };
  }

  async liveRefs(ignore: readonly string[], options?: CallOptions): Promise<LiveRefsSnapshot> {
    await this.connect(options);
    return this.guard(async () => {
      await this.tracker.ensure(this.options.trackedClasses?.() ?? [], this.options.discoverTop ?? 10);
      const classes = this.tracker.list();
      await this.collectGarbageIfCheap(options);
      const json = await this.page.value<string>('return this.counts(args[0]);', [{ value: classes.map((c) => c.id) }], options);
      const counts = (JSON.parse(json) as Array<{ id: string; count: number; oldestAgeMs: number | null; beforeAttach?: number; installed: boolean } | null>).filter((c) => !!c);
      await this.tracker.checkInstalled(counts);
      const skip = new Set(ignore);
      const rows: LiveRefRow[] = [];
      for (const c of counts) {
        const tracked = classes.find((t) => t.id === c.id)!;
        if (skip.has(tracked.label) || skip.has(tracked.name)) continue;
        // Discovered classes with nothing alive are noise; configured ones show their zero.
        if (tracked.discovered && !c.count) continue;
        rows.push({ className: tracked.label, count: c.count, oldestAgeS: c.oldestAgeMs === null ? null : c.oldestAgeMs / 1000, ...(c.beforeAttach ? { beforeAttach: c.beforeAttach, oldestBeforeAttach: true } : {}) });
      }
      return { trackref: true, rows, takenAt: Date.now() };
    });
  }

  async oldest(className: string, options?: CallOptions): Promise<ObjectSummary | null> {
    const tracked = await this.trackedOrThrow(className);
    const page = await this.guard(() => this.objectsPage('return this.oldestPage(args[0]);', [{ value: tracked.id }], options));
    return page.items[0] ?? null;
  }

  async iterAll(request: IterRequest, options?: CallOptions): Promise<IterPage> {
    const tracked = await this.trackedOrThrow(request.className);
    return this.guard(async () => {
      let cursor = request.cursor && this.cursors.has(request.cursor) ? request.cursor : undefined;
      if (!cursor) {
        cursor = await this.page.value<string>('return this.openCursor(args[0], args[1], args[2], args[3], args[4]);', [
          { value: tracked.id }, { value: request.filter ?? '' }, { value: request.minAgeS ?? null }, { value: request.maxAgeS ?? null }, { value: request.ageAt ?? null },
        ], options);
        this.cursors.set(cursor, tracked.label);
      }
      const page = await this.objectsPage('return this.page(args[0], args[1], args[2]);', [{ value: cursor }, { value: request.offset }, { value: request.limit }], options);
      if (page.done) {
        this.cursors.delete(cursor);
        void this.page.value('return this.closeCursor(args[0]);', [{ value: cursor }]).catch(() => undefined);
      }
      return { cursor, total: page.total, offset: request.offset, items: page.items, done: page.done };
    });
  }

  async inspect(handle: ObjectHandle, offset: number, limit: number, options?: CallOptions): Promise<InspectResult> {
    return this.guard(async () => {
      const described = JSON.parse(await this.page.value<string>('return this.describe(args[0]);', [{ objectId: handle }], options)) as Omit<PageMeta, 'ageMs'>;
      const isArray = (await this.page.callOn(handle, 'function() { return Array.isArray(this); }', [], { ...options, byValue: true })).value === true;
      const reply = await this.cdp.send<{ result: PropertyDescriptor[]; internalProperties?: PropertyDescriptor[]; privateProperties?: PropertyDescriptor[] }>(
        'Runtime.getProperties', { objectId: handle, ownProperties: true, generatePreview: false }, options);
      const all = children([...reply.result, ...(reply.privateProperties ?? [])], reply.internalProperties ?? [], isArray);
      return {
        summary: { handle, type: described.typeName, typeName: described.typeName, repr: described.repr, url: described.url, expandable: all.length > 0 },
        children: all.slice(offset, offset + limit), total: all.length, offset,
      };
    });
  }

  async sourceOf(handle: ObjectHandle, options?: CallOptions): Promise<SourceInfo> {
    return this.guard(async () => {
      const group = this.group();
      try {
        const ctor = await this.page.callOn(handle, 'function() { const p = Object.getPrototypeOf(this); return p && Object.prototype.hasOwnProperty.call(p, "constructor") ? p.constructor : undefined; }', [], { ...options, group });
        if (!ctor.objectId) return { tracemalloc: false, allocationSitesSupported: false };
        const location = await this.tracker.functionLocation(ctor.objectId);
        const name = String((await this.page.callOn(ctor.objectId, 'function() { return this.name; }', [], { byValue: true })).value ?? '');
        const classDef = location ? await this.scripts.locate(await this.classLine(location, name), name) : undefined;
        return { tracemalloc: false, allocationSitesSupported: false, classDef };
      } finally {
        await this.releaseGroup(group);
      }
    });
  }

  why(handle: ObjectHandle, options?: LongCallOptions): Promise<WhyResult> {
    return this.guard(() => this.heap.why(handle, options));
  }

  async partition(request: PartitionRequest, options?: LongCallOptions): Promise<Partition> {
    await this.connect(options);
    const tracked = request.className ? await this.trackedOrThrow(request.className) : undefined;
    return this.guard(() => this.heap.partition(request, tracked, options));
  }

  async ages(request: AgesRequest, options?: CallOptions): Promise<AgeHistogram> {
    const tracked = await this.trackedOrThrow(request.className);
    const scale = request.scale === 'linear' ? 'linear' : 'log';
    const bins = Math.max(1, Math.min(200, Math.trunc(request.bins ?? 30)));
    const json = await this.guard(() => this.page.value<string>('return this.ages(args[0], args[1], args[2]);', [{ value: tracked.id }, { value: scale }, { value: bins }], options));
    return { className: request.className, scale, ...(JSON.parse(json) as Omit<AgeHistogram, 'className' | 'scale'>) };
  }

  async markHeap(options?: LongCallOptions): Promise<HeapMarkInfo> {
    await this.connect(options);
    return this.guard(() => this.heap.markHeap(options));
  }

  async heapMark(options?: CallOptions): Promise<HeapMarkInfo | null> {
    return this.guard(async () => (await this.heap.currentMark(options))?.info ?? null);
  }

  async retained(request: RetainedRequest, options?: LongCallOptions): Promise<RetainedResult> {
    await this.connect(options);
    const tracked = request.className ? await this.trackedOrThrow(request.className) : undefined;
    return this.guard(() => this.heap.retained(request, tracked, options));
  }

  async release(handles: readonly ObjectHandle[]): Promise<void> {
    if (this.cdp.closed) return;
    await Promise.all(handles.map((objectId) => this.cdp.send('Runtime.releaseObject', { objectId }, { timeoutMs: 5_000 }).catch(() => undefined)));
  }

  /** Releases every object group we made and removes the page's cursors (the hook stays). */
  async releaseAll(): Promise<void> {
    if (this.cdp.closed) return;
    await Promise.all([...this.groups].map((objectGroup) => this.cdp.send('Runtime.releaseObjectGroup', { objectGroup }, { timeoutMs: 5_000 }).catch(() => undefined)));
    this.groups.clear();
  }

  dispose(): void {
    this.tracker.dispose();
    this.heap.dispose();
  }

  /**
   * WeakRefs are cleared by a GC, and objects that lived long enough to be promoted wait for a
   * full one: a full GC before counting makes counts exact; where it is cheap it runs each
   * refresh, elsewhere counts include garbage until V8 collects it. An exact call always runs one
   * (a GC judged costly on a loaded machine skipped them for a minute, and the Refresh the user
   * clicked counted 80 Requests of which 5 were alive).
   */
  private async collectGarbageIfCheap(options?: CallOptions): Promise<void> {
    const budget = this.options.gcBudgetMs ?? 100;
    // A GC costs about the live heap, not the garbage: judge by the last one. An expensive one
    // is retried once a minute, in case the program shrank.
    if (!options?.exact && (!budget || (this.lastGcMs > budget && Date.now() - this.lastGcAt < 60_000))) return;
    await this.page.settle(300);
    // A busy program answers any call late (tens of ms): subtract a no-op's round trip.
    const t0 = Date.now();
    await this.cdp.send('Runtime.getHeapUsage', {}, options);
    const t1 = Date.now();
    await this.cdp.send('HeapProfiler.collectGarbage', {}, options);
    this.lastGcMs = Math.max(0, Date.now() - t1 - (t1 - t0));
    this.lastGcAt = Date.now();
  }

  private lastGcMs = 0;
  private lastGcAt = 0;

  /** [[FunctionLocation]] of a class is its constructor; the class is declared a few lines up. */
  private async classLine(location: CdpLocation, name: string): Promise<CdpLocation> {
    const source = await this.cdp.send<{ scriptSource: string }>('Debugger.getScriptSource', { scriptId: location.scriptId }).then((r) => r.scriptSource, () => undefined);
    if (!source || !/^[\w$]+$/.test(name)) return location;
    const lines = source.split('\n');
    const declaration = new RegExp(`\\bclass\\s+${name.replace(/\$/g, '\\$')}\\b`);
    for (let line = location.lineNumber; line >= 0 && line > location.lineNumber - 200; line--) {
      if (declaration.test(lines[line] ?? '')) return { scriptId: location.scriptId, lineNumber: line, columnNumber: Math.max(0, lines[line].search(declaration)) };
    }
    return location;
  }

  /** On our own inspector session the Debugger domain must be on for breakpoints and scripts;
   *  on js-debug's proxy it already is, and enabling it again would disturb the debugger. */
  private connect(options?: CallOptions): Promise<void> {
    if (!this.ready) {
      this.ready = this.cdp.shared ? Promise.resolve() : this.cdp.send('Debugger.enable', {}, { timeoutMs: options?.timeoutMs ?? 30_000 }).then(() => undefined);
      this.ready.catch(() => { this.ready = undefined; });
    }
    return this.ready;
  }

  private async trackedOrThrow(className: string): Promise<TrackedClass> {
    await this.connect();
    let tracked = this.tracker.byLabel(className);
    if (!tracked) {
      // A class named before any refresh (CLI, palette): track it now.
      await this.guard(() => this.tracker.ensure([...(this.options.trackedClasses?.() ?? []), className], this.options.discoverTop ?? 10, [className]));
      tracked = this.tracker.byLabel(className);
    }
    if (!tracked) throw new EngineError('unknownClass', `${className} is not a tracked class`);
    return tracked;
  }

  private group(): string {
    const group = `liveref-${this.nextGroup++}`;
    this.groups.add(group);
    return group;
  }

  private async releaseGroup(group: string): Promise<void> {
    this.groups.delete(group);
    await this.cdp.send('Runtime.releaseObjectGroup', { objectGroup: group }).catch(() => undefined);
  }

  /** A hook call that returns `{items, meta}`: the items become handles, the meta their summaries. */
  private async objectsPage(body: string, args: Parameters<PageCalls['call']>[1], options?: CallOptions): Promise<{ items: ObjectSummary[]; total: number; done: boolean }> {
    const group = this.group();
    const result = await this.page.call(body, args, { ...options, group });
    if (!result.objectId) return { items: [], total: 0, done: true };
    const props = await this.ownValues(result.objectId);
    const { meta, total, done } = JSON.parse(String(props.get('meta')?.value)) as { meta: PageMeta[]; total: number; done: boolean };
    const itemsId = props.get('items')?.objectId;
    const items = itemsId ? [...(await this.ownValues(itemsId))].filter(([k]) => /^\d+$/.test(k)).map(([, v]) => v) : [];
    // The containers would keep every item alive after the caller released the items' handles.
    for (const objectId of [result.objectId, itemsId]) if (objectId) void this.cdp.send('Runtime.releaseObject', { objectId }).catch(() => undefined);
    return {
      total, done,
      items: items.map((item, i) => ({ ...summarize(item), typeName: meta[i].typeName, type: meta[i].typeName, repr: meta[i].repr, url: meta[i].url, ...ageOf(meta[i].ageMs) })),
    };
  }

  private async ownValues(objectId: string): Promise<Map<string, RemoteObject>> {
    const reply = await this.cdp.send<{ result: PropertyDescriptor[] }>('Runtime.getProperties', { objectId, ownProperties: true });
    return new Map(reply.result.filter((p) => p.value).map((p) => [p.name, p.value!]));
  }

  /** Maps transport and page failures onto the engine's error codes. */
  private async guard<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof EngineError) throw error;
      if (error instanceof TransportError) {
        if (error.code === 'protocol' && /object with given id/i.test(error.message)) throw new EngineError('gone', error.message);
        throw error;
      }
      if (error instanceof PageError) {
        if (/unknownClass/.test(error.message)) throw new EngineError('unknownClass', error.message);
        if (/gone cursor/.test(error.message)) throw new EngineError('gone', error.message);
        throw new EngineError('agent', error.message);
      }
      throw error;
    }
  }
}

/** An object's age, or that it was created before Live References attached (no time known). */
function ageOf(ageMs: number | null): Pick<ObjectSummary, 'ageS' | 'createdBeforeAttach'> {
  return ageMs === null ? { createdBeforeAttach: true } : { ageS: ageMs / 1000 };
}
