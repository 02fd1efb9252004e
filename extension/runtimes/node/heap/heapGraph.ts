// The heap snapshot as a graph over typed arrays: per node its class (constructor name, or the
// kind), edges and reverse edges, and reachability from the root over the edges the program
// holds. Its fields are read directly by the queries (heapQueries.ts, retainerChain.ts).
import type { ParsedSnapshot } from './snapshotParser';

export const NONE = 0xffffffff;

type Progress = (phase: string, done: number, total: number) => void;

export class HeapGraph {
  readonly nodeCount: number;
  readonly F: number;
  readonly E: number;
  readonly nodes: Uint32Array;
  readonly edges: Uint32Array;
  readonly strings: string[];
  readonly typeField: number;
  readonly nameField: number;
  readonly idField: number;
  readonly sizeField: number;
  readonly edgeTypeField: number;
  readonly edgeNameField: number;
  readonly edgeToField: number;
  readonly nodeTypes: string[];
  readonly edgeTypes: string[];
  readonly weak: number;
  readonly firstEdge: Uint32Array;
  readonly classOf: Uint32Array;
  readonly classNames: string[] = [];
  readonly locations: Map<number, { scriptId: number; line: number; column: number }>;
  retainerStart?: Uint32Array;
  retainerEdge?: Uint32Array;
  retainerFrom?: Uint32Array;
  byId?: Map<number, number>;

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
  className(n: number): string {
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
  sequentialId(n: number): boolean {
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

  edgeLabel(e: number): string {
    const type = this.edgeTypes[this.edges[e * this.E + this.edgeTypeField]];
    const nameOrIndex = this.edges[e * this.E + this.edgeNameField];
    return type === 'element' || type === 'hidden' ? `[${nameOrIndex}]` : this.strings[nameOrIndex];
  }

  target(e: number): number {
    return this.edges[e * this.E + this.edgeToField] / this.F;
  }

  isWeak(e: number): boolean {
    return this.edges[e * this.E + this.edgeTypeField] === this.weak;
  }

  /** Reverse edges (non-weak) in CSR form. */
  buildRetainers(): void {
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
  reachable(n: number): boolean {
    return this.distances()[n] !== NONE;
  }

  /**
   * The via label of an object: the names it is held under, sorted, at most four. The elements of
   * one container are one group, named by the container (`orders (Array) [*]`,
   * `customers (Map) entries`): a list or Map that only grows is one row, not one row per index.
   */
  viaLabel(n: number): string {
    this.buildRetainers();
    const rs = this.retainerStart!, re = this.retainerEdge!, rf = this.retainerFrom!;
    const labels = new Set<string>();
    for (let r = rs[n]; r < rs[n + 1]; r++) {
      const label = this.edgeLabel(re[r]);
      if (this.reachable(rf[r]) && !isDebuggerEdge(label)) labels.add(this.groupLabel(rf[r], re[r], label));
    }
    return [...labels].sort().slice(0, 4).join(', ');
  }

  /** A function's `prototype` object: V8 names a subclass's prototype after its parent class. */
  isPrototype(n: number): boolean {
    this.buildRetainers();
    const rs = this.retainerStart!, re = this.retainerEdge!, rf = this.retainerFrom!;
    for (let r = rs[n]; r < rs[n + 1]; r++) {
      if (this.edgeLabel(re[r]) === 'prototype' && this.nodeTypes[this.nodes[rf[r] * this.F + this.typeField]] === 'closure') return true;
    }
    return false;
  }

  /** The exact index edges an object is held by (`[1747]`), for the samples of a grouped row. */
  indexOf(n: number): string | undefined {
    this.buildRetainers();
    const rs = this.retainerStart!, re = this.retainerEdge!, rf = this.retainerFrom!;
    let backing: string | undefined;
    for (let r = rs[n]; r < rs[n + 1]; r++) {
      if (!this.reachable(rf[r])) continue;
      const type = this.edgeTypes[this.edges[re[r] * this.E + this.edgeTypeField]];
      if (type === 'element') return this.edgeLabel(re[r]);
      if (this.isBackingStore(rf[r]) && /^\d+$/.test(this.edgeLabel(re[r]))) backing ??= `[${this.edgeLabel(re[r])}]`;
    }
    return backing;
  }

  /** An element edge, or a numbered slot of a container's backing store, as its container's group. */
  private groupLabel(from: number, e: number, label: string): string {
    const type = this.edgeTypes[this.edges[e * this.E + this.edgeTypeField]];
    if (type === 'element') return containerLabel(this.heldAs(from), this.className(from), '[*]');
    if (type !== 'internal' || !/^\d+$/.test(label) || !this.isBackingStore(from)) return label;
    // A backing store (an array's elements, a Map's or Set's hash table) belongs to its owner.
    const rs = this.retainerStart!, re = this.retainerEdge!, rf = this.retainerFrom!;
    for (let r = rs[from]; r < rs[from + 1]; r++) {
      const slot = this.edgeLabel(re[r]);
      if (slot !== 'elements' && slot !== 'table') continue;
      const owner = rf[r];
      const kind = this.className(owner);
      const slots = slot === 'elements' ? '[*]' : kind === 'Map' ? mapSlot(Number(label), this.selfSize(from)) : 'entries';
      return containerLabel(this.heldAs(owner), kind, slots);
    }
    return label;
  }

  isBackingStore(n: number): boolean {
    return this.nodeTypes[this.nodes[n * this.F + this.typeField]] === 'array';
  }

  /** Containers' names, asked once per element: a container held from many places is scanned once. */
  private readonly heldAsCache = new Map<number, string>();

  /** The name a container is held under: a property or variable name (the first, sorted), else ''. */
  private heldAs(n: number): string {
    let name = this.heldAsCache.get(n);
    if (name === undefined) this.heldAsCache.set(n, (name = this.heldAsUncached(n)));
    return name;
  }

  private heldAsUncached(n: number): string {
    const rs = this.retainerStart!, re = this.retainerEdge!, rf = this.retainerFrom!;
    let best = '';
    for (let r = rs[n]; r < rs[n + 1]; r++) {
      const type = this.edgeTypes[this.edges[re[r] * this.E + this.edgeTypeField]];
      if (type !== 'property' && type !== 'context' && type !== 'shortcut') continue;
      const label = this.edgeLabel(re[r]);
      if (!this.reachable(rf[r]) || isDebuggerEdge(label)) continue;
      if (!best || label < best) best = label;
    }
    return best;
  }

  distanceCache?: Uint32Array;

  /** BFS distance from the root over non-weak edges (the root's children are the GC roots). */
  distances(): Uint32Array {
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

/**
 * Whether slot `index` of a Map's OrderedHashMap holds a key or a value. Its layout: 3 header
 * slots, `b` buckets, then 2b entries of (key, value, chain); so 3 + 7b slots after a 2-slot
 * header, which gives b from the table's size (8-byte slots, or 4 with pointer compression).
 */
export function mapSlot(index: number, tableBytes: number): string {
  for (const slot of [8, 4]) {
    const b = (tableBytes / slot - 2 - 3) / 7;
    if (!Number.isInteger(b) || b < 1 || (b & (b - 1)) !== 0 || index < 3 + b) continue;
    const field = (index - 3 - b) % 3;
    return field === 0 ? 'keys' : field === 1 ? 'values' : 'entries';
  }
  return 'entries';
}

/** `orders (Array) [*]`; `(Array) [*]` when nothing names the container. */
function containerLabel(name: string, kind: string, slots: string): string {
  return name ? `${name} (${kind}) ${slots}` : `(${kind}) ${slots}`;
}

/** Handles a debugger holds (ours included) and our own page hook are not why the program keeps an object. */
export function isDebuggerEdge(label: string): boolean {
  // weak_refs_keep_during_job: V8 keeps a WeakRef's target until the end of the job that called
  // deref() — our page hook's own derefs while it counts; it is no reason the program keeps it.
  return label.includes('DevTools console') || label.includes('liveref.node') || label === 'weak_refs_keep_during_job';
}
