// Heap snapshot work for the Node engine: HeapProfiler.takeHeapSnapshot streams chunks over CDP
// straight into a worker thread that parses them as they come (heap/heapWorker.ts); partitions
// and retainer chains are answered there. A snapshot is reused for drill-downs and "why" for a
// short while, so a by-type → by-via walk costs one snapshot.
import { basename } from 'node:path';
import { Worker } from 'node:worker_threads';
import { findHeapWorker, SnapshotWorker } from './snapshotWorker';
import type { HeapMarkInfo, ObjectSummary, SourceLocation, Partition, PartitionRequest, RetainedRequest, RetainedResult, RetainedSize, WhyHop, WhyResult } from '../../core/types';
import type { CdpConnection } from './cdp/cdpConnection';
import { TransportError } from '../../core/transportError';
import { EngineError, LongCallOptions } from '../../core/liveRefsEngine';
import type { TrackedClass } from './classTracker';
import type { GraphPartition, GraphRetained, HeapMarkData, SinceMarkPartition } from './heap/heapQueries';
import type { GraphWhy } from './heap/retainerChain';
import type { GraphHolder } from './heap/holders';
import { declarationLine, staticLine } from './holderSource';
import type { PageCalls, RemoteObject } from './pageCalls';
import { summarize } from './remoteObjects';
import type { ScriptCatalog } from './scriptCatalog';

/** A snapshot younger than this serves drill-downs and "why" without taking a new one. */
const REUSE_MS = 60_000;
// getObjectByHeapObjectId walks the heap per call: samples for the top rows, a few each.
const SAMPLE_ROWS = 10;
const SAMPLES_PER_ROW = 3;
const HANDLE_HOPS = 3;

/** How many rows to send: `limit` 0 (or less) means every row, as in the Python engine. */
export function rowLimit(limit: number | undefined, fallback: number): number {
  return limit === undefined ? fallback : limit > 0 ? limit : Infinity;
}

function snapshotSummary(className: string, name: string): ObjectSummary {
  return { type: className, typeName: className, repr: name && name !== className ? `${className} ${name}` : className, expandable: false };
}

/** The text of the function starting at (line, column): up to its matching closing brace. */
export function functionTextAt(source: string, line: number, column: number): string | undefined {
  let at = 0;
  for (let l = 0; l < line; l++) { at = source.indexOf('\n', at) + 1; if (!at) return undefined; }
  at += column;
  const open = source.indexOf('{', at);
  if (open < 0) return undefined;
  let depth = 0;
  let quote = '';
  for (let i = open; i < source.length; i++) {
    const c = source[i];
    if (quote) { if (c === '\\') i++; else if (c === quote) quote = ''; continue; }
    if (c === '"' || c === "'" || c === '`') quote = c;
    else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return source.slice(at, i + 1);
  }
  return undefined;
}

export class HeapAnalysis {
  private last: SnapshotWorker | undefined;
  private nextGroup = 1;
  /** V8 forgets its object ids when an inspector session closes: a mark's ids hold for this client only. */
  private readonly owner = `${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;

  constructor(
    private readonly cdp: CdpConnection,
    private readonly page: PageCalls,
    private readonly scripts: ScriptCatalog,
    private readonly log: (line: string) => void,
    private readonly workerPath: () => string = () => findHeapWorker(),
  ) {}

  /**
   * A fresh snapshot's largest object id and per-type totals. Kept in the page hook as one JSON
   * string (a few kB), so the mark outlives this client: `liveref mark` then `liveref diff`.
   */
  async markHeap(options: LongCallOptions = {}): Promise<HeapMarkInfo> {
    const started = Date.now();
    const snapshot = await this.take(options);
    const data = await this.race(snapshot.request<HeapMarkData>({ type: 'mark' }), options);
    const info: HeapMarkInfo = { markedAt: snapshot.takenAt / 1000, count: data.count, size: data.size, elapsedMs: Date.now() - started, markBytes: 0 };
    const json = JSON.stringify({ info, data, owner: this.owner });
    info.markBytes = 2 * json.length;
    await this.page.value('this.heapMark = args[0]; return true;', [{ value: JSON.stringify({ info, data, owner: this.owner }) }], options);
    return info;
  }

  async currentMark(options?: LongCallOptions): Promise<{ info: HeapMarkInfo; data: HeapMarkData; owner: string } | null> {
    const json = await this.page.value<string | undefined>('return this.heapMark;', [], options);
    return json ? JSON.parse(json) as { info: HeapMarkInfo; data: HeapMarkData; owner: string } : null;
  }

  async partition(request: PartitionRequest, tracked: TrackedClass | undefined, options: LongCallOptions = {}): Promise<Partition> {
    const started = Date.now();
    if (request.sinceMark) return this.sinceMark(request, options);
    const className = tracked?.name ?? request.type;
    const drill = request.by === 'via' && !!className;
    const ask = (snapshot: SnapshotWorker) => {
      snapshot.onProgress = options.onProgress;
      return this.race(snapshot.request<GraphPartition & { retained: RetainedSize[] }>({
        type: 'partition', by: drill ? 'via' : 'type', className, instances: !!tracked, limit: rowLimit(request.limit, 50), samples: request.samples ?? 0,
        retainedRows: request.retained ? request.retainedRows ?? 10 : 0,
      }), options);
    };
    const reused = drill && this.fresh();
    let result = await ask(reused ? this.last! : await this.take(options));
    // A drill-down reuses the last snapshot; one taken before the class had objects has none.
    if (reused && !result.totalCount) result = await ask(await this.take(options));
    const set = tracked ? `class ${tracked.label}` : request.type ? `type ${request.type}` : 'heap';
    const rows = await Promise.all(result.rows.map(async (row, i) => ({
      label: row.label, count: row.count, size: row.size, retained: result.retained[i],
      samples: i < SAMPLE_ROWS && row.sampleIds.length ? await this.samples(row.sampleIds.slice(0, SAMPLES_PER_ROW), row.sampleVias) : undefined,
    })));
    return { by: drill ? 'via' : 'type', set, totalCount: result.totalCount, totalSize: result.totalSize, rows, elapsedMs: Date.now() - started };
  }

  async why(handle: string, options: LongCallOptions = {}): Promise<WhyResult> {
    const started = Date.now();
    // V8 follows objects the GC moves only once a snapshot was taken: before the first one, an id
    // handed out now would not survive the snapshot's own GC. So: snapshot first, then the id.
    const snapshot = this.fresh() ? this.last! : await this.take(options);
    const idOf = async () => Number((await this.cdp.send<{ heapSnapshotObjectId: string }>('HeapProfiler.getHeapObjectId', { objectId: handle }, options)).heapSnapshotObjectId);
    let graph = await this.race(snapshot.request<GraphWhy>({ type: 'why', nodeId: await idOf() }), options);
    // Younger than the snapshot we had: take one that includes it.
    if (!graph.found) graph = await this.race((await this.take(options)).request<GraphWhy>({ type: 'why', nodeId: await idOf() }), options);
    this.log(`why: retainer chain of ${graph.hops.length} hops after ${Date.now() - started} ms`);
    const target = await this.summaryOf(handle, graph.className);
    if (!graph.found) return { target, hops: [], rootKind: 'none', tracemalloc: false, allocationSitesSupported: false };
    const hops: WhyHop[] = [];
    let leakSite: WhyResult['leakSite'];
    const holder = await this.holderOf(graph.holders ?? []);
    for (const hop of graph.hops) {
      const allocation = hop.location ? await this.locate(hop.location, hop.name) : undefined;
      // The leak site is the function that keeps the object: for a closure scope, the function
      // sharing it whose code names the variable the chain goes through.
      if (!leakSite && hop.closures) leakSite = await this.closureUsing(hop.closures, hop.via);
      leakSite ??= allocation && !allocation.path.startsWith('node:') ? allocation : undefined;
      // Resolving a heap id to an object walks the heap: handles only for the nearest hops.
      const referrer = hops.length < HANDLE_HOPS ? await this.referrer(hop.id, hop.className, hop.name) : snapshotSummary(hop.className, hop.name);
      const label = holder?.hop === hops.length && holder.kind !== 'static' ? `module ${basename(holder.location.path)}` : hop.label;
      hops.push({ referrer, via: hop.via, allocation, ...(label ? { label } : {}) });
    }
    this.log(`why: summaries and leak site after ${Date.now() - started} ms`);
    const rootKind = graph.hops.length >= 12 ? 'depth' : graph.rootName ? 'root' : 'none';
    return {
      target, hops, rootKind, rootName: graph.rootName || undefined, leakSite, ...(holder ? { holder: holder.location } : {}),
      tracemalloc: false, allocationSitesSupported: false,
    };
  }

  /**
   * The nearest holder in the program's own code (not one of Node's internal modules), and the
   * line that declares it, found in its script's source.
   */
  private async holderOf(holders: GraphHolder[]): Promise<{ hop: number; kind: GraphHolder['kind']; location: SourceLocation } | undefined> {
    for (const holder of holders) {
      const { scriptId, line: at } = holder.location;
      const source = await this.scriptSource(String(scriptId));
      if (source === undefined) continue;
      const line = holder.kind === 'static'
        ? staticLine(source, at, holder.name.slice(0, holder.name.length - holder.property!.length - 1), holder.property!)
        : declarationLine(source, holder.name) ?? 0;
      const location = await this.locate({ scriptId, line, column: 0 }, holder.name);
      if (location && !location.path.startsWith('node:')) return { hop: holder.hop, kind: holder.kind, location };
    }
    return undefined;
  }

  private async sinceMark(request: PartitionRequest, options: LongCallOptions): Promise<Partition> {
    const started = Date.now();
    const mark = await this.currentMark(options);
    if (!mark) throw new EngineError('unavailable', 'No heap mark in this program: run Mark Heap first.');
    const snapshot = await this.take(options);
    const result = await this.race(snapshot.request<SinceMarkPartition>({
      type: 'partition', by: 'type', limit: rowLimit(request.limit, 200), samples: request.samples ?? 0, retainedRows: 0, sinceMark: mark.data,
    }), options);
    // Counts per type compare across clients; which objects are new only within the client that
    // marked (V8 renumbers objects when an inspector session closes).
    const ownIds = mark.owner === this.owner;
    const rows = await Promise.all(result.rows.map(async (row, i) => ({
      label: row.label, count: row.count, size: row.size, countDelta: row.countDelta, sizeDelta: row.sizeDelta,
      ...(ownIds ? { newCount: row.newCount, newSize: row.newSize } : {}),
      samples: ownIds && i < SAMPLE_ROWS && row.sampleIds.length ? await this.samples(row.sampleIds.slice(0, SAMPLES_PER_ROW)) : undefined,
    })));
    return { by: 'type', set: 'heap since mark', totalCount: result.totalCount, totalSize: result.totalSize, rows, elapsedMs: Date.now() - started, markedAt: mark.info.markedAt };
  }

  /** Exact: everything no longer reachable once the set may not be entered (the set included). */
  async retained(request: RetainedRequest, tracked: TrackedClass | undefined, options: LongCallOptions = {}): Promise<RetainedResult> {
    const started = Date.now();
    const reused = this.fresh();
    const snapshot = reused ? this.last! : await this.take(options);
    const className = tracked?.name ?? request.type;
    const id = request.handle
      ? Number((await this.cdp.send<{ heapSnapshotObjectId: string }>('HeapProfiler.getHeapObjectId', { objectId: request.handle }, options)).heapSnapshotObjectId)
      : undefined;
    const ask = (worker: SnapshotWorker) => {
      worker.onProgress = options.onProgress;
      return this.race(worker.request<GraphRetained>({ type: 'retained', set: { className, instances: !!tracked, via: request.via, id }, largest: request.largest ?? 5 }), options);
    };
    let result = await ask(snapshot);
    // The set (a class, an object) is younger than the reused snapshot: take one that has it.
    if (reused && !result.setCount) result = await ask(await this.take(options));
    const set = request.handle ? 'one object' : `${tracked ? `class ${tracked.label}` : `type ${request.type}`}${request.via !== undefined ? ` via ${request.via}` : ''}`;
    const largest: ObjectSummary[] = [];
    for (const heapId of result.largestIds) {
      const remote = await this.byHeapId(heapId);
      if (remote?.objectId) largest.push(await this.summaryOf(remote.objectId, remote.className ?? 'Object', remote));
    }
    return { set, setCount: result.setCount, count: result.count, size: result.size, exact: true, byType: result.byType.slice(0, 20), largest, elapsedMs: Date.now() - started };
  }

  private locate(location: { scriptId: number; line: number; column: number }, name: string) {
    return this.scripts.locate({ scriptId: String(location.scriptId), lineNumber: location.line, columnNumber: location.column }, name || undefined);
  }

  /**
   * The first of the functions sharing a closure scope whose body names `variable`. Bodies come
   * from the script source (one fetch per script) rather than from the functions themselves:
   * finding an object by heap id walks the whole heap each time.
   */
  private async closureUsing(closures: NonNullable<GraphWhy['hops'][number]['closures']>, variable: string): Promise<WhyResult['leakSite']> {
    if (!/^[A-Za-z_$][\w$]*$/.test(variable)) return undefined;
    const uses = new RegExp(`(^|[^\\w$.])${variable.replace(/\$/g, '\\$')}(?![\\w$])`);
    for (const closure of closures) {
      const source = await this.scriptSource(String(closure.location.scriptId));
      const body = source === undefined ? undefined : functionTextAt(source, closure.location.line, closure.location.column);
      if (!body || /^\s*class\b/.test(body) || !uses.test(body)) continue;
      const site = await this.locate(closure.location, closure.name);
      if (site && !site.path.startsWith('node:')) return site;
    }
    return undefined;
  }

  private readonly sources = new Map<string, Promise<string | undefined>>();

  private scriptSource(scriptId: string): Promise<string | undefined> {
    let source = this.sources.get(scriptId);
    if (!source) {
      source = this.cdp.send<{ scriptSource: string }>('Debugger.getScriptSource', { scriptId }).then((r) => r.scriptSource, () => undefined);
      this.sources.set(scriptId, source);
    }
    return source;
  }

  dispose(): void {
    this.last?.terminate();
    this.last = undefined;
  }

  private fresh(): boolean {
    return !!this.last && Date.now() - this.last.takenAt < REUSE_MS;
  }

  /** Takes a snapshot, streaming its chunks into a new worker; cancellable at any point. */
  private async take(options: LongCallOptions): Promise<SnapshotWorker> {
    this.last?.terminate();
    this.last = undefined;
    const snapshot = new SnapshotWorker(new Worker(this.workerPath()));
    snapshot.onProgress = options.onProgress;
    const offChunk = this.cdp.on('HeapProfiler.addHeapSnapshotChunk', (p) => snapshot.send({ type: 'chunk', text: String(p.chunk) }));
    const offProgress = this.cdp.on('HeapProfiler.reportHeapSnapshotProgress', (p) => options.onProgress?.({ phase: 'snapshot', done: Number(p.done), total: Number(p.total) }));
    const started = Date.now();
    try {
      await this.page.settle(1000);
      await this.cdp.send('HeapProfiler.takeHeapSnapshot', { reportProgress: true, captureNumericValue: false }, { timeoutMs: 30 * 60_000, signal: options.signal });
      // Its age counts from here: a big heap takes minutes to write, and its drill-downs reuse it.
      snapshot.takenAt = Date.now();
      options.onProgress?.({ phase: 'parsing', done: 0, total: 1 });
      const parsed = snapshot.parsed();
      snapshot.send({ type: 'end' });
      await this.race(parsed, options);
      this.log(`heap snapshot taken and parsed in ${Date.now() - started} ms`);
      this.last = snapshot;
      return snapshot;
    } catch (error) {
      snapshot.terminate();
      throw error;
    } finally {
      offChunk();
      offProgress();
    }
  }

  /** Rejects with 'cancelled' when the signal fires and with 'disconnected' when the program goes. */
  private race<T>(work: Promise<T>, options: LongCallOptions): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => reject(new TransportError('cancelled', 'Cancelled.'));
      if (options.signal?.aborted) return onAbort();
      options.signal?.addEventListener('abort', onAbort, { once: true });
      const offClose = this.cdp.onClose((reason) => reject(new TransportError('disconnected', reason)));
      work.then(resolve, reject).finally(() => { options.signal?.removeEventListener('abort', onAbort); offClose(); });
    });
  }

  private async samples(ids: number[], vias?: Array<string | undefined>): Promise<ObjectSummary[]> {
    const out: ObjectSummary[] = [];
    for (const [i, id] of ids.entries()) {
      const remote = await this.byHeapId(id);
      const via = vias?.[i];
      if (remote?.objectId) out.push({ ...await this.summaryOf(remote.objectId, remote.className ?? 'Object', remote), ...(via ? { via } : {}) });
    }
    return out;
  }

  private async byHeapId(id: number): Promise<RemoteObject | undefined> {
    try {
      const reply = await this.cdp.send<{ result: RemoteObject }>('HeapProfiler.getObjectByHeapObjectId', { objectId: String(id), objectGroup: `liveref-heap-${this.nextGroup++}` });
      return reply.result;
    } catch {
      return undefined; // internal nodes ((system), code) have no JS object to hand out
    }
  }

  private async referrer(id: number, className: string, name: string): Promise<ObjectSummary> {
    const internal = className.startsWith('(') || className.startsWith('system /');
    const remote = internal ? undefined : await this.byHeapId(id);
    if (remote?.objectId) return this.summaryOf(remote.objectId, className, remote);
    return snapshotSummary(className, name);
  }

  private async summaryOf(objectId: string, className: string, remote?: RemoteObject): Promise<ObjectSummary> {
    const base = remote ? summarize(remote) : { handle: objectId, type: className, typeName: className, repr: className, expandable: true };
    try {
      const described = JSON.parse(await this.page.value<string>('return this.describe(args[0]);', [{ objectId }])) as { typeName: string; repr: string; url?: string };
      return { ...base, handle: objectId, typeName: described.typeName, type: described.typeName, repr: described.repr, url: described.url };
    } catch {
      return base;
    }
  }
}
