// The heap snapshot as a graph over typed arrays: class names, reachability from the root over
// the edges the program holds, the two partitions the views show — by type (constructor name)
// and, for one type, by via (names of the incoming edges) — exact retained sets (a second walk
// that may not enter the set), and retainer chains.
import type { ParsedSnapshot } from './snapshotParser';

const NONE = 0xffffffff;

export interface GraphRow {
  label: string;
  count: number;
  size: number;
  /** Snapshot ids of a few members, for drill-down. */
  sampleIds: number[];
}

export interface GraphPartition {
  totalCount: number;
  totalSize: number;
  rows: GraphRow[];
}

export interface HeapMarkData {
  maxId: number;
  count: number;
  size: number;
  /** [label, count, size] per type at the mark. */
  types: Array<[string, number, number]>;
}

export interface SinceMarkFields {
  countDelta: number;
  sizeDelta: number;
  newCount: number;
  newSize: number;
}

export type SinceMarkPartition = Omit<GraphPartition, 'rows'> & { rows: Array<GraphRow & SinceMarkFields> };

export interface GraphRetained {
  count: number;
  size: number;
  setCount: number;
  byType: Array<{ label: string; count: number; size: number }>;
  largestIds: number[];
}

export interface GraphHop {
  /** The referrer (one hop further from the target). */
  id: number;
  className: string;
  name: string;
  /** Label of the edge from the referrer to the previous object. */
  via: string;
  /** Script location when the referrer is a function (0-based line). */
  location?: { scriptId: number; line: number; column: number };
  /** When the referrer is a closure scope (Context): functions sharing it, which may use `via`. */
  closures?: Array<{ id: number; name: string; location: { scriptId: number; line: number; column: number } }>;
}

export interface GraphWhy {
  found: boolean;
  className: string;
  hops: GraphHop[];
  rootName: string;
}

type Progress = (phase: string, done: number, total: number) => void;

export class HeapGraph {
  readonly nodeCount: number;
  private readonly F: number;
  private readonly E: number;
  private readonly nodes: Uint32Array;
  private readonly edges: Uint32Array;
  private readonly strings: string[];
  private readonly typeField: number;
  private readonly nameField: number;
  private readonly idField: number;
  private readonly sizeField: number;
  private readonly edgeTypeField: number;
  private readonly edgeNameField: number;
  private readonly edgeToField: number;
  private readonly nodeTypes: string[];
  private readonly edgeTypes: string[];
  private readonly weak: number;
  private readonly firstEdge: Uint32Array;
  private readonly classOf: Uint32Array;
  readonly classNames: string[] = [];
  private readonly locations: Map<number, { scriptId: number; line: number; column: number }>;
  private retainerStart?: Uint32Array;
  private retainerEdge?: Uint32Array;
  private retainerFrom?: Uint32Array;
  private byId?: Map<number, number>;

  constructor(snapshot: ParsedSnapshot, private readonly progress: Progress = () => undefined) {
    const { meta } = snapshot;
    this.nodes = snapshot.nodes;
    this.edges = snapshot.edges;
    this.strings = snapshot.strings;
    this.F = meta.node_fields.length;
    this.E = meta.edge_fields.length;
    this.nodeCount = snapshot.nodeCount;
    this.typeField = meta.node_fields.indexOf('type');
    this.nameField = meta.node_fields.indexOf('name');
    this.idField = meta.node_fields.indexOf('id');
    this.sizeField = meta.node_fields.indexOf('self_size');
    const edgeCountField = meta.node_fields.indexOf('edge_count');
    this.edgeTypeField = meta.edge_fields.indexOf('type');
    this.edgeNameField = meta.edge_fields.indexOf('name_or_index');
    this.edgeToField = meta.edge_fields.indexOf('to_node');
    this.nodeTypes = meta.node_types[0];
    this.edgeTypes = meta.edge_types[0];
    this.weak = this.edgeTypes.indexOf('weak');
    this.firstEdge = new Uint32Array(this.nodeCount + 1);
    for (let n = 0, e = 0; n < this.nodeCount; n++) {
      this.firstEdge[n] = e;
      e += this.nodes[n * this.F + edgeCountField];
      this.firstEdge[n + 1] = e;
    }
    // Class of every node without a string lookup per node: objects are named by their name's
    // string index, every other kind by its type.
    this.classOf = new Uint32Array(this.nodeCount);
    const classIndex = new Map<string, number>();
    const byNameIndex = new Int32Array(this.strings.length).fill(-1);
    const byType = new Int32Array(this.nodeTypes.length).fill(-1);
    const named = this.nodeTypes.map((t) => t === 'object' || t === 'native' || t === 'synthetic');
    const indexOf = (name: string) => {
      let index = classIndex.get(name);
      if (index === undefined) { index = this.classNames.length; this.classNames.push(name); classIndex.set(name, index); }
      return index;
    };
    for (let n = 0; n < this.nodeCount; n++) {
      const type = this.nodes[n * this.F + this.typeField];
      if (named[type]) {
        const name = this.nodes[n * this.F + this.nameField];
        if (byNameIndex[name] < 0) byNameIndex[name] = indexOf(this.className(n));
        this.classOf[n] = byNameIndex[name];
      } else {
        if (byType[type] < 0) byType[type] = indexOf(this.className(n));
        this.classOf[n] = byType[type];
      }
    }
    this.locations = new Map();
    const L = meta.location_fields?.length ?? 4;
    for (let i = 0; i + 3 < snapshot.locations.length; i += L) {
      this.locations.set(snapshot.locations[i] / this.F, { scriptId: snapshot.locations[i + 1], line: snapshot.locations[i + 2], column: snapshot.locations[i + 3] });
    }
  }

  /** DevTools' grouping: objects by constructor name, everything else by kind. */
  private className(n: number): string {
    const type = this.nodeTypes[this.nodes[n * this.F + this.typeField]];
    const name = this.strings[this.nodes[n * this.F + this.nameField]];
    switch (type) {
      case 'object': case 'native': return name;
      case 'closure': return '(closure)';
      case 'hidden': return '(system)';
      case 'code': return '(compiled code)';
      case 'synthetic': return name;
      case 'regexp': return 'RegExp';
      default: return `(${type})`;
    }
  }

  /** Embedder (native) and synthetic nodes get hashed or fixed ids, not V8's increasing ones. */
  private sequentialId(n: number): boolean {
    const type = this.nodeTypes[this.nodes[n * this.F + this.typeField]];
    return type !== 'native' && type !== 'synthetic';
  }

  idOf(n: number): number {
    return this.nodes[n * this.F + this.idField];
  }

  selfSize(n: number): number {
    return this.nodes[n * this.F + this.sizeField];
  }

  nodeById(id: number): number | undefined {
    if (!this.byId) {
      this.byId = new Map();
      for (let n = 0; n < this.nodeCount; n++) this.byId.set(this.idOf(n), n);
    }
    return this.byId.get(id);
  }

  private edgeLabel(e: number): string {
    const type = this.edgeTypes[this.edges[e * this.E + this.edgeTypeField]];
    const nameOrIndex = this.edges[e * this.E + this.edgeNameField];
    return type === 'element' || type === 'hidden' ? `[${nameOrIndex}]` : this.strings[nameOrIndex];
  }

  private target(e: number): number {
    return this.edges[e * this.E + this.edgeToField] / this.F;
  }

  private isWeak(e: number): boolean {
    return this.edges[e * this.E + this.edgeTypeField] === this.weak;
  }

  /** Reverse edges (non-weak) in CSR form. */
  private buildRetainers(): void {
    if (this.retainerStart) return;
    const counts = new Uint32Array(this.nodeCount + 1);
    for (let n = 0; n < this.nodeCount; n++) {
      for (let e = this.firstEdge[n]; e < this.firstEdge[n + 1]; e++) if (!this.isWeak(e)) counts[this.target(e) + 1]++;
    }
    for (let n = 0; n < this.nodeCount; n++) counts[n + 1] += counts[n];
    const fill = counts.slice(0, this.nodeCount);
    const total = counts[this.nodeCount];
    this.retainerEdge = new Uint32Array(total);
    this.retainerFrom = new Uint32Array(total);
    for (let n = 0; n < this.nodeCount; n++) {
      for (let e = this.firstEdge[n]; e < this.firstEdge[n + 1]; e++) {
        if (this.isWeak(e)) continue;
        const slot = fill[this.target(e)]++;
        this.retainerEdge[slot] = e;
        this.retainerFrom[slot] = n;
      }
    }
    this.retainerStart = counts;
  }

  /** Reachable from the root over strong edges the program holds (not the debugger's handles). */
  private reachable(n: number): boolean {
    return this.distances()[n] !== NONE;
  }

  /**
   * What releasing `members` would free, exactly: everything reachable now that is no longer
   * reachable when the walk from the root may not enter a member (the members included).
   */
  retainedBy(isMember: (n: number) => boolean, largest = 0): GraphRetained {
    const distance = this.distances();
    const seen = new Uint8Array(this.nodeCount);
    const queue = new Uint32Array(this.nodeCount);
    let head = 0, tail = 0;
    seen[0] = 1;
    queue[tail++] = 0;
    while (head < tail) {
      const n = queue[head++];
      for (let e = this.firstEdge[n]; e < this.firstEdge[n + 1]; e++) {
        if (this.isWeak(e) || isDebuggerEdge(this.edgeLabel(e))) continue;
        const t = this.target(e);
        if (seen[t] || isMember(t)) continue;
        seen[t] = 1;
        queue[tail++] = t;
      }
    }
    let count = 0, size = 0, setCount = 0;
    const byClass = new Map<number, { count: number; size: number }>();
    const freed: number[] = [];
    for (let n = 0; n < this.nodeCount; n++) {
      if (seen[n] || distance[n] === NONE) continue;
      const s = this.selfSize(n);
      count++; size += s;
      if (isMember(n)) setCount++;
      const row = byClass.get(this.classOf[n]) ?? { count: 0, size: 0 };
      row.count++; row.size += s;
      byClass.set(this.classOf[n], row);
      // Only JS objects can be handed to the views as handles.
      if (largest && this.nodeTypes[this.nodes[n * this.F + this.typeField]] === 'object' && !this.classNames[this.classOf[n]].startsWith('system /')) freed.push(n);
    }
    const largestIds = freed.sort((a, b) => this.selfSize(b) - this.selfSize(a)).slice(0, largest).map((n) => this.idOf(n));
    const byType = [...byClass].map(([c, r]) => ({ label: this.classNames[c], ...r })).sort((a, b) => b.size - a.size || b.count - a.count);
    return { count, size, setCount, byType, largestIds };
  }

  /** Members of a set the views name: a class (type row), optionally one of its via rows, or one object. */
  memberTest(set: { className?: string; via?: string; id?: number }): (n: number) => boolean {
    if (set.id !== undefined) {
      const node = this.nodeById(set.id);
      return (n) => n === node;
    }
    const c = this.classNames.indexOf(set.className ?? '');
    if (set.via === undefined) return (n) => this.classOf[n] === c;
    const mask = new Uint8Array(this.nodeCount);
    for (let n = 0; n < this.nodeCount; n++) if (this.classOf[n] === c && this.viaLabel(n) === set.via) mask[n] = 1;
    return (n) => mask[n] === 1;
  }

  /** The via label of an object: the names it is held under, sorted, at most four. */
  private viaLabel(n: number): string {
    this.buildRetainers();
    const rs = this.retainerStart!, re = this.retainerEdge!, rf = this.retainerFrom!;
    const labels = new Set<string>();
    for (let r = rs[n]; r < rs[n + 1]; r++) {
      const label = this.edgeLabel(re[r]);
      if (this.reachable(rf[r]) && !isDebuggerEdge(label)) labels.add(label);
    }
    return [...labels].sort().slice(0, 4).join(', ');
  }

  byType(limit: number, samples: number): GraphPartition {
    const k = this.classNames.length;
    const counts = new Float64Array(k), sizes = new Float64Array(k);
    const sampleIds: number[][] = Array.from({ length: k }, () => []);
    let totalCount = 0, totalSize = 0;
    for (let n = 0; n < this.nodeCount; n++) {
      if (!this.reachable(n)) continue;
      const c = this.classOf[n];
      counts[c]++; sizes[c] += this.selfSize(n);
      totalCount++; totalSize += this.selfSize(n);
      if (sampleIds[c].length < samples) sampleIds[c].push(this.idOf(n));
    }
    const rows: GraphRow[] = [];
    for (let c = 0; c < k; c++) {
      if (counts[c]) rows.push({ label: this.classNames[c], count: counts[c], size: sizes[c], sampleIds: sampleIds[c] });
    }
    return { totalCount, totalSize, rows: sortRows(rows).slice(0, limit) };
  }

  /** What a heap mark keeps: the largest object id so far and the live count and size per type. */
  mark(): HeapMarkData {
    let maxId = 0;
    for (let n = 0; n < this.nodeCount; n++) if (this.sequentialId(n) && this.idOf(n) > maxId) maxId = this.idOf(n);
    const { rows, totalCount, totalSize } = this.byType(Infinity, 0);
    return { maxId, count: totalCount, size: totalSize, types: rows.map((r) => [r.label, r.count, r.size]) };
  }

  /**
   * The heap by type against a mark: V8 hands out object ids in increasing order, so an id above
   * the mark's largest is an object created after it — exact, whatever reuses the memory.
   */
  sinceMark(mark: HeapMarkData, limit: number, samples: number): SinceMarkPartition {
    const k = this.classNames.length;
    const count = new Float64Array(k), size = new Float64Array(k), fresh = new Float64Array(k), freshSize = new Float64Array(k);
    const sampleIds: number[][] = Array.from({ length: k }, () => []);
    let totalCount = 0, totalSize = 0;
    for (let n = 0; n < this.nodeCount; n++) {
      if (!this.reachable(n)) continue;
      const c = this.classOf[n], s = this.selfSize(n);
      count[c]++; size[c] += s; totalCount++; totalSize += s;
      if (this.sequentialId(n) && this.idOf(n) > mark.maxId) {
        fresh[c]++; freshSize[c] += s;
        if (sampleIds[c].length < samples) sampleIds[c].push(this.idOf(n));
      }
    }
    const before = new Map(mark.types.map(([label, n, s]) => [label, [n, s]]));
    const rows: Array<GraphRow & SinceMarkFields> = [];
    const seen = new Set<string>();
    for (let c = 0; c < k; c++) {
      const label = this.classNames[c];
      const [n0, s0] = before.get(label) ?? [0, 0];
      if (!count[c] && !n0) continue;
      seen.add(label);
      rows.push({ label, count: count[c], size: size[c], countDelta: count[c] - n0, sizeDelta: size[c] - s0, newCount: fresh[c], newSize: freshSize[c], sampleIds: sampleIds[c] });
    }
    for (const [label, n0, s0] of mark.types) {
      if (!seen.has(label)) rows.push({ label, count: 0, size: 0, countDelta: -n0, sizeDelta: -s0, newCount: 0, newSize: 0, sampleIds: [] });
    }
    rows.sort((a, b) => b.countDelta - a.countDelta || b.sizeDelta - a.sizeDelta || (a.label < b.label ? -1 : 1));
    return { totalCount, totalSize, rows: rows.slice(0, limit) };
  }

  /** The members of one class, grouped by the set of names their referrers hold them under. */
  byVia(className: string, limit: number, samples: number): GraphPartition {
    const c = this.classNames.indexOf(className);
    const groups = new Map<string, GraphRow>();
    let totalCount = 0, totalSize = 0;
    if (c < 0) return { totalCount, totalSize, rows: [] };
    for (let n = 0; n < this.nodeCount; n++) {
      if (this.classOf[n] !== c || !this.reachable(n)) continue;
      const label = this.viaLabel(n);
      let row = groups.get(label);
      if (!row) { row = { label, count: 0, size: 0, sampleIds: [] }; groups.set(label, row); }
      const size = this.selfSize(n);
      row.count++; row.size += size;
      totalCount++; totalSize += size;
      if (row.sampleIds.length < samples) row.sampleIds.push(this.idOf(n));
    }
    return { totalCount, totalSize, rows: sortRows([...groups.values()]).slice(0, limit) };
  }

  /** A shortest retainer chain from the root to the object, preferring named edges. */
  why(id: number, maxDepth = 12): GraphWhy {
    this.buildRetainers();
    const target = this.nodeById(id);
    if (target === undefined || !this.reachable(target)) return { found: false, className: '', hops: [], rootName: '' };
    const distance = this.distances();
    const rs = this.retainerStart!, re = this.retainerEdge!, rf = this.retainerFrom!;
    const hops: GraphHop[] = [];
    let current = target;
    while (hops.length < maxDepth && distance[current] > 1) {
      let best = -1, bestScore = -1;
      for (let r = rs[current]; r < rs[current + 1]; r++) {
        const from = rf[r];
        if (distance[from] !== distance[current] - 1) continue;
        const type = this.edgeTypes[this.edges[re[r] * this.E + this.edgeTypeField]];
        const score = type === 'property' || type === 'element' ? 3 : type === 'context' ? 2 : type === 'internal' ? 1 : 0;
        if (score > bestScore) { best = r; bestScore = score; }
      }
      if (best < 0) break;
      const from = rf[best];
      const name = this.strings[this.nodes[from * this.F + this.nameField]];
      hops.push({
        id: this.idOf(from), className: this.classNames[this.classOf[from]], name, via: this.edgeLabel(re[best]), location: this.locations.get(from),
        closures: name === 'system / Context' ? this.closuresOf(from) : undefined,
      });
      current = from;
    }
    const rootName = distance[current] <= 1 ? this.strings[this.nodes[current * this.F + this.nameField]] : '';
    return { found: true, className: this.classNames[this.classOf[target]], hops, rootName };
  }

  /** Functions whose scope is this Context (their internal `context` edge points at it). */
  private closuresOf(context: number): GraphHop['closures'] {
    const out: NonNullable<GraphHop['closures']> = [];
    const rs = this.retainerStart!, re = this.retainerEdge!, rf = this.retainerFrom!;
    for (let r = rs[context]; r < rs[context + 1] && out.length < 32; r++) {
      const from = rf[r];
      const location = this.locations.get(from);
      if (location && this.edgeLabel(re[r]) === 'context') out.push({ id: this.idOf(from), name: this.strings[this.nodes[from * this.F + this.nameField]], location });
    }
    return out;
  }

  private distanceCache?: Uint32Array;

  /** BFS distance from the root over non-weak edges (the root's children are the GC roots). */
  private distances(): Uint32Array {
    if (this.distanceCache) return this.distanceCache;
    this.progress('reachability', 0, 1);
    const distance = new Uint32Array(this.nodeCount).fill(NONE);
    const queue = new Uint32Array(this.nodeCount);
    let head = 0, tail = 0;
    distance[0] = 0;
    queue[tail++] = 0;
    while (head < tail) {
      const n = queue[head++];
      for (let e = this.firstEdge[n]; e < this.firstEdge[n + 1]; e++) {
        // Handles a debugger holds (ours included) are not why the program keeps an object.
        if (this.isWeak(e) || isDebuggerEdge(this.edgeLabel(e))) continue;
        const t = this.target(e);
        if (distance[t] !== NONE) continue;
        distance[t] = distance[n] + 1;
        queue[tail++] = t;
      }
    }
    this.distanceCache = distance;
    this.progress('reachability', 1, 1);
    return distance;
  }
}

function sortRows(rows: GraphRow[]): GraphRow[] {
  return rows.sort((a, b) => b.size - a.size || b.count - a.count);
}

/** Handles a debugger holds (ours included) and our own page hook are not why the program keeps an object. */
function isDebuggerEdge(label: string): boolean {
  return label.includes('DevTools console') || label.includes('liveref.node');
}
