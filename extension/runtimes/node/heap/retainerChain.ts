// "Why is this alive?" on a HeapGraph: a shortest chain of retainers from the root to the object,
// preferring named edges, with the functions that share a closure scope on the way (one of them
// is where the leak is).
import { HeapGraph, mapSlot } from './heapGraph';
import { GraphHolder, holderAt, shortLabel } from './holders';

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
  /** A container's size, or a class's name, instead of its contents: `seen (Array(100))`. */
  label?: string;
}

export interface GraphWhy {
  found: boolean;
  className: string;
  hops: GraphHop[];
  rootName: string;
  /** The module variables, exports and static properties on the chain, nearest first. */
  holders?: GraphHolder[];
}

/** A shortest retainer chain from the root to the object, preferring named edges. */
export function why(g: HeapGraph, id: number, maxDepth = 12): GraphWhy {
  g.buildRetainers();
  const target = g.nodeById(id);
  if (target === undefined || !g.reachable(target)) return { found: false, className: '', hops: [], rootName: '' };
  const distance = g.distances();
  const rs = g.retainerStart!, re = g.retainerEdge!, rf = g.retainerFrom!;
  const hops: GraphHop[] = [];
  const holders: GraphHolder[] = [];
  const named: boolean[] = [];
  const nodes: number[] = [];
  let current = target;
  while (hops.length < maxDepth && distance[current] > 1) {
    let best = -1, bestScore = -1;
    for (let r = rs[current]; r < rs[current + 1]; r++) {
      const from = rf[r];
      if (distance[from] !== distance[current] - 1) continue;
      const type = g.edgeTypes[g.edges[re[r] * g.E + g.edgeTypeField]];
      const score = type === 'property' || type === 'element' ? 3 : type === 'context' ? 2 : type === 'internal' ? 1 : 0;
      if (score > bestScore) { best = r; bestScore = score; }
    }
    if (best < 0) break;
    const from = rf[best];
    const name = g.strings[g.nodes[from * g.F + g.nameField]];
    const holder = holders.length < 4 ? holderAt(g, from, re[best], hops.length) : undefined;
    if (holder) holders.push(holder);
    const edgeType = g.edgeTypes[g.edges[re[best] * g.E + g.edgeTypeField]];
    named.push(edgeType === 'property' || edgeType === 'context' || edgeType === 'shortcut');
    hops.push({
      id: g.idOf(from), className: g.classNames[g.classOf[from]], name, via: g.edgeLabel(re[best]), location: g.locations.get(from),
      closures: name === 'system / Context' ? closuresOf(g, from) : undefined, label: shortLabel(g, from),
    });
    nodes.push(from);
    current = from;
  }
  foldHashTables(g, hops, nodes, named, holders);
  nameContainers(hops, named, holders);
  const rootName = distance[current] <= 1 ? g.strings[g.nodes[current * g.F + g.nameField]] : '';
  return { found: true, className: g.classNames[g.classOf[target]], hops, rootName, holders };
}

/** A Map's or Set's hash table is V8's, not the program's: its hop folds into its owner's, whose
 * edge then says which side holds the object (`values`), not the table's slot number. */
function foldHashTables(g: HeapGraph, hops: GraphHop[], nodes: number[], named: boolean[], holders: GraphHolder[]): void {
  for (let i = hops.length - 2; i >= 0; i--) {
    if (!g.isBackingStore(nodes[i]) || hops[i + 1].via !== 'table' || !/^\d+$/.test(hops[i].via)) continue;
    hops[i + 1].via = hops[i + 1].className === 'Map' ? mapSlot(Number(hops[i].via), g.selfSize(nodes[i])) : 'entries';
    hops.splice(i, 1);
    nodes.splice(i, 1);
    named.splice(i, 1);
    for (const h of holders) if (h.hop > i) h.hop--;
  }
}

/** A container is named after the variable or property it is held under: `seen (Array(100))`. */
function nameContainers(hops: GraphHop[], named: boolean[], holders: GraphHolder[]): void {
  for (let i = 0; i + 1 < hops.length; i++) {
    const label = hops[i].label;
    if (!label || !/^[A-Z][\w$]*\(\d+\)$/.test(label)) continue;
    const holder = holders.find((h) => h.hop === i + 1);
    const heldAs = holder ? holder.property ?? holder.name : named[i + 1] ? hops[i + 1].via : undefined;
    if (heldAs) hops[i].label = `${heldAs} (${label})`;
  }
}

/** Functions whose scope is this Context (their internal `context` edge points at it). */
export function closuresOf(g: HeapGraph, context: number): GraphHop['closures'] {
  const out: NonNullable<GraphHop['closures']> = [];
  const rs = g.retainerStart!, re = g.retainerEdge!, rf = g.retainerFrom!;
  for (let r = rs[context]; r < rs[context + 1] && out.length < 32; r++) {
    const from = rf[r];
    const location = g.locations.get(from);
    if (location && g.edgeLabel(re[r]) === 'context') out.push({ id: g.idOf(from), name: g.strings[g.nodes[from * g.F + g.nameField]], location });
  }
  return out;
}
