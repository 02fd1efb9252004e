// The heap snapshot as a graph over typed arrays: class names, reachability, dominators and
// retained sizes (Cooper–Harvey–Kennedy on the postorder), and the two partitions the views
// show — by type (constructor name) and, for one type, by via (names of the incoming edges).
import type { ParsedSnapshot } from './snapshotParser';

const NONE = 0xffffffff;

export interface GraphRow {
  label: string;
  count: number;
  size: number;
  retainedSize: number;
  /** Snapshot ids of a few members, for drill-down. */
  sampleIds: number[];
}

export interface GraphPartition {
  totalCount: number;
  totalSize: number;
  totalRetained: number;
  rows: GraphRow[];
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
  private post?: Uint32Array;
  private dom?: Uint32Array;
  private retained?: Float64Array;
  private topOfClass?: Uint8Array;
  private classRetained?: Float64Array;
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
    this.classOf = new Uint32Array(this.nodeCount);
    const classIndex = new Map<string, number>();
    for (let n = 0; n < this.nodeCount; n++) {
      const name = this.className(n);
      let index = classIndex.get(name);
      if (index === undefined) { index = this.classNames.length; this.classNames.push(name); classIndex.set(name, index); }
      this.classOf[n] = index;
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

  /** Postorder from the root over non-weak edges, dominators, retained sizes. */
  analyze(): void {
    if (this.retained) return;
    this.buildRetainers();
    const N = this.nodeCount;
    this.progress('ordering', 0, 3);
    const post = new Uint32Array(N).fill(NONE);
    const order = new Uint32Array(N);
    const visited = new Uint8Array(N);
    const stack = new Uint32Array(N);
    const cursor = new Uint32Array(N);
    let top = 0, count = 0;
    stack[top++] = 0; visited[0] = 1; cursor[0] = this.firstEdge[0];
    while (top) {
      const n = stack[top - 1];
      let pushed = false;
      while (cursor[n] < this.firstEdge[n + 1]) {
        const e = cursor[n]++;
        if (this.isWeak(e)) continue;
        const t = this.target(e);
        if (visited[t]) continue;
        visited[t] = 1;
        cursor[t] = this.firstEdge[t];
        stack[top++] = t;
        pushed = true;
        break;
      }
      if (!pushed) { top--; post[n] = count; order[count++] = n; }
    }
    this.progress('dominators', 1, 3);
    const dom = new Uint32Array(count).fill(NONE);
    const root = count - 1;
    dom[root] = root;
    const rs = this.retainerStart!, rf = this.retainerFrom!;
    for (let changed = true; changed;) {
      changed = false;
      for (let p = root - 1; p >= 0; p--) {
        const n = order[p];
        let idom = NONE;
        for (let r = rs[n]; r < rs[n + 1]; r++) {
          let a = post[rf[r]];
          if (a === NONE || dom[a] === NONE) continue;
          if (idom === NONE) { idom = a; continue; }
          let b = idom;
          while (a !== b) {
            while (a < b) a = dom[a];
            while (b < a) b = dom[b];
          }
          idom = a;
        }
        if (idom !== NONE && dom[p] !== idom) { dom[p] = idom; changed = true; }
      }
    }
    this.progress('retained sizes', 2, 3);
    const retained = new Float64Array(count);
    for (let p = 0; p < count; p++) retained[p] = this.selfSize(order[p]);
    for (let p = 0; p < root; p++) if (dom[p] !== NONE) retained[dom[p]] += retained[p];
    this.post = post;
    this.dom = dom;
    this.retained = retained;
    this.classTops(order, count);
    this.progress('done', 3, 3);
  }

  /** A node is its class's "top" when no dominator above it has the same class (DevTools' rule). */
  private classTops(order: Uint32Array, count: number): void {
    const dom = this.dom!;
    const root = count - 1;
    const childCount = new Uint32Array(count + 1);
    for (let p = 0; p < root; p++) if (dom[p] !== NONE) childCount[dom[p] + 1]++;
    for (let p = 0; p < count; p++) childCount[p + 1] += childCount[p];
    const fill = childCount.slice(0, count);
    const children = new Uint32Array(childCount[count]);
    for (let p = 0; p < root; p++) if (dom[p] !== NONE) children[fill[dom[p]]++] = p;
    const onPath = new Uint32Array(this.classNames.length);
    const top = new Uint8Array(this.nodeCount);
    const classRetained = new Float64Array(this.classNames.length);
    const stack = new Uint32Array(count);
    const next = new Uint32Array(count);
    let depth = 0;
    stack[depth++] = root;
    next[root] = childCount[root];
    const enter = (p: number) => {
      const c = this.classOf[order[p]];
      if (onPath[c]++ === 0) { top[order[p]] = 1; classRetained[c] += this.retained![p]; }
    };
    enter(root);
    while (depth) {
      const p = stack[depth - 1];
      if (next[p] < childCount[p + 1]) {
        const child = children[next[p]++];
        next[child] = childCount[child];
        stack[depth++] = child;
        enter(child);
      } else {
        depth--;
        onPath[this.classOf[order[p]]]--;
      }
    }
    this.topOfClass = top;
    this.classRetained = classRetained;
  }

  private reachable(n: number): boolean {
    return this.post![n] !== NONE;
  }

  retainedSize(n: number): number {
    return this.reachable(n) ? this.retained![this.post![n]] : 0;
  }

  byType(limit: number, samples: number): GraphPartition {
    this.analyze();
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
      if (counts[c]) rows.push({ label: this.classNames[c], count: counts[c], size: sizes[c], retainedSize: this.classRetained![c], sampleIds: sampleIds[c] });
    }
    return { totalCount, totalSize, totalRetained: this.retainedSize(0), rows: sortRows(rows).slice(0, limit) };
  }

  /** The members of one class, grouped by the set of names their referrers hold them under. */
  byVia(className: string, limit: number, samples: number): GraphPartition {
    this.analyze();
    const c = this.classNames.indexOf(className);
    const groups = new Map<string, GraphRow>();
    let totalCount = 0, totalSize = 0, totalRetained = 0;
    if (c < 0) return { totalCount, totalSize, totalRetained, rows: [] };
    const rs = this.retainerStart!, re = this.retainerEdge!, rf = this.retainerFrom!;
    for (let n = 0; n < this.nodeCount; n++) {
      if (this.classOf[n] !== c || !this.reachable(n)) continue;
      const labels = new Set<string>();
      for (let r = rs[n]; r < rs[n + 1]; r++) {
        const label = this.edgeLabel(re[r]);
        if (this.reachable(rf[r]) && !isDebuggerEdge(label)) labels.add(label);
      }
      const label = [...labels].sort().slice(0, 4).join(', ');
      let row = groups.get(label);
      if (!row) { row = { label, count: 0, size: 0, retainedSize: 0, sampleIds: [] }; groups.set(label, row); }
      const size = this.selfSize(n);
      const retained = this.topOfClass![n] ? this.retainedSize(n) : 0;
      row.count++; row.size += size; row.retainedSize += retained;
      totalCount++; totalSize += size; totalRetained += retained;
      if (row.sampleIds.length < samples) row.sampleIds.push(this.idOf(n));
    }
    return { totalCount, totalSize, totalRetained, rows: sortRows([...groups.values()]).slice(0, limit) };
  }

  /** A shortest retainer chain from the root to the object, preferring named edges. */
  why(id: number, maxDepth = 12): GraphWhy {
    this.analyze();
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
