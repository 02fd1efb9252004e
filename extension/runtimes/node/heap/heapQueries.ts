// Queries on a HeapGraph: the partitions the views show (by type, by via, since a heap mark), the
// mark itself, and exact retained sets (everything that becomes unreachable when a walk from the
// root may not enter the set).
import { HeapGraph, isDebuggerEdge, NONE } from './heapGraph';

export interface GraphRow {
  label: string;
  count: number;
  size: number;
  /** Snapshot ids of a few members, for drill-down. */
  sampleIds: number[];
  /** By via: the exact index each sample is held at in a grouped container row (`[1747]`). */
  sampleVias?: Array<string | undefined>;
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

export function byType(g: HeapGraph, limit: number, samples: number): GraphPartition {
  const k = g.classNames.length;
  const counts = new Float64Array(k), sizes = new Float64Array(k);
  const sampleIds: number[][] = Array.from({ length: k }, () => []);
  let totalCount = 0, totalSize = 0;
  for (let n = 0; n < g.nodeCount; n++) {
    if (!g.reachable(n)) continue;
    const c = g.classOf[n];
    counts[c]++; sizes[c] += g.selfSize(n);
    totalCount++; totalSize += g.selfSize(n);
    if (sampleIds[c].length < samples) sampleIds[c].push(g.idOf(n));
  }
  const rows: GraphRow[] = [];
  for (let c = 0; c < k; c++) {
    if (counts[c]) rows.push({ label: g.classNames[c], count: counts[c], size: sizes[c], sampleIds: sampleIds[c] });
  }
  return { totalCount, totalSize, rows: sortRows(rows).slice(0, limit) };
}

/** The members of one class, grouped by the set of names their referrers hold them under. */
export function byVia(g: HeapGraph, className: string, limit: number, samples: number, instances = false): GraphPartition {
  const c = g.classNames.indexOf(className);
  const groups = new Map<string, GraphRow>();
  let totalCount = 0, totalSize = 0;
  if (c < 0) return { totalCount, totalSize, rows: [] };
  for (let n = 0; n < g.nodeCount; n++) {
    if (g.classOf[n] !== c || !g.reachable(n) || (instances && g.isPrototype(n))) continue;
    const label = g.viaLabel(n);
    let row = groups.get(label);
    if (!row) { row = { label, count: 0, size: 0, sampleIds: [], sampleVias: [] }; groups.set(label, row); }
    const size = g.selfSize(n);
    row.count++; row.size += size;
    totalCount++; totalSize += size;
    if (row.sampleIds.length < samples) { row.sampleIds.push(g.idOf(n)); row.sampleVias!.push(g.indexOf(n)); }
  }
  return { totalCount, totalSize, rows: sortRows([...groups.values()]).slice(0, limit) };
}

/** What a heap mark keeps: the largest object id so far and the live count and size per type. */
export function mark(g: HeapGraph): HeapMarkData {
  let maxId = 0;
  for (let n = 0; n < g.nodeCount; n++) if (g.sequentialId(n) && g.idOf(n) > maxId) maxId = g.idOf(n);
  const { rows, totalCount, totalSize } = byType(g, Infinity, 0);
  return { maxId, count: totalCount, size: totalSize, types: rows.map((r) => [r.label, r.count, r.size]) };
}

/**
 * The heap by type against a mark: V8 hands out object ids in increasing order, so an id above
 * the mark's largest is an object created after it — exact, whatever reuses the memory.
 */
export function sinceMark(g: HeapGraph, mark: HeapMarkData, limit: number, samples: number): SinceMarkPartition {
  const k = g.classNames.length;
  const count = new Float64Array(k), size = new Float64Array(k), fresh = new Float64Array(k), freshSize = new Float64Array(k);
  const sampleIds: number[][] = Array.from({ length: k }, () => []);
  let totalCount = 0, totalSize = 0;
  for (let n = 0; n < g.nodeCount; n++) {
    if (!g.reachable(n)) continue;
    const c = g.classOf[n], s = g.selfSize(n);
    count[c]++; size[c] += s; totalCount++; totalSize += s;
    if (g.sequentialId(n) && g.idOf(n) > mark.maxId) {
      fresh[c]++; freshSize[c] += s;
      if (sampleIds[c].length < samples) sampleIds[c].push(g.idOf(n));
    }
  }
  const before = new Map(mark.types.map(([label, n, s]) => [label, [n, s]]));
  const rows: Array<GraphRow & SinceMarkFields> = [];
  const seen = new Set<string>();
  for (let c = 0; c < k; c++) {
    const label = g.classNames[c];
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

/** Members of a set the views name: a class (type row), optionally one of its via rows, or one object. */
export function memberTest(g: HeapGraph, set: { className?: string; instances?: boolean; via?: string; id?: number }): (n: number) => boolean {
  if (set.id !== undefined) {
    const node = g.nodeById(set.id);
    return (n) => n === node;
  }
  const c = g.classNames.indexOf(set.className ?? '');
  const ofClass = set.instances ? (n: number) => g.classOf[n] === c && !g.isPrototype(n) : (n: number) => g.classOf[n] === c;
  if (set.via === undefined) return ofClass;
  const mask = new Uint8Array(g.nodeCount);
  for (let n = 0; n < g.nodeCount; n++) if (ofClass(n) && g.viaLabel(n) === set.via) mask[n] = 1;
  return (n) => mask[n] === 1;
}

/**
 * What releasing `members` would free, exactly: everything reachable now that is no longer
 * reachable when the walk from the root may not enter a member (the members included).
 */
export function retainedBy(g: HeapGraph, isMember: (n: number) => boolean, largest = 0): GraphRetained {
  const distance = g.distances();
  const seen = new Uint8Array(g.nodeCount);
  const queue = new Uint32Array(g.nodeCount);
  let head = 0, tail = 0;
  seen[0] = 1;
  queue[tail++] = 0;
  while (head < tail) {
    const n = queue[head++];
    for (let e = g.firstEdge[n]; e < g.firstEdge[n + 1]; e++) {
      if (g.isWeak(e) || isDebuggerEdge(g.edgeLabel(e))) continue;
      const t = g.target(e);
      if (seen[t] || isMember(t)) continue;
      seen[t] = 1;
      queue[tail++] = t;
    }
  }
  let count = 0, size = 0, setCount = 0;
  const byClass = new Map<number, { count: number; size: number }>();
  const freed: number[] = [];
  for (let n = 0; n < g.nodeCount; n++) {
    if (seen[n] || distance[n] === NONE) continue;
    const s = g.selfSize(n);
    count++; size += s;
    if (isMember(n)) setCount++;
    const row = byClass.get(g.classOf[n]) ?? { count: 0, size: 0 };
    row.count++; row.size += s;
    byClass.set(g.classOf[n], row);
    // Only JS objects can be handed to the views as handles.
    if (largest && g.nodeTypes[g.nodes[n * g.F + g.typeField]] === 'object' && !g.classNames[g.classOf[n]].startsWith('system /')) freed.push(n);
  }
  const largestIds = freed.sort((a, b) => g.selfSize(b) - g.selfSize(a)).slice(0, largest).map((n) => g.idOf(n));
  const byType = [...byClass].map(([c, r]) => ({ label: g.classNames[c], ...r })).sort((a, b) => b.size - a.size || b.count - a.count);
  return { count, size, setCount, byType, largestIds };
}

function sortRows(rows: GraphRow[]): GraphRow[] {
  return rows.sort((a, b) => b.size - a.size || b.count - a.count);
}
