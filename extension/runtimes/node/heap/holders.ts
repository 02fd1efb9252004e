// What a why chain ends in, read from the snapshot: the module variable, ESM export or static
// property that holds the leak (its declaration is then found in the script's source), and a
// short label per container on the chain (`Map(300)`) instead of its contents.
import { HeapGraph, mapSlot } from './heapGraph';

export type CdpScriptLocation = { scriptId: number; line: number; column: number };

export interface GraphHolder {
  /** module: a top-level variable of a CommonJS or ES module (its scope's Context); export: an
   *  ES module export (a Cell of the module); static: a property of a class or function. */
  kind: 'module' | 'export' | 'static';
  /** The variable or export (`store`), or `Class.property`. */
  name: string;
  /** The property alone, for `static`. */
  property?: string;
  /** Index of the hop whose referrer holds it. */
  hop: number;
  /** A function or class of the holder's script: for `static` the class itself (0-based). */
  location: CdpScriptLocation;
}

/** Property names every function has: not a place a program keeps its data. */
const FUNCTION_OWN = new Set(['prototype', '__proto__', 'constructor', 'name', 'length', 'caller', 'arguments']);

/** The holder when the edge `e` from `from` is one: a module variable, an export or a static property. */
export function holderAt(g: HeapGraph, from: number, e: number, hop: number): GraphHolder | undefined {
  const edgeType = g.edgeTypes[g.edges[e * g.E + g.edgeTypeField]];
  const via = g.edgeLabel(e);
  const name = nodeName(g, from);
  if (edgeType === 'context' && name === 'system / Context' && isModuleContext(g, from)) {
    const location = scriptLocationOf(g, from);
    return location && { kind: 'module', name: via, hop, location };
  }
  if (via === 'value' && name === 'system / Cell') {
    const exported = exportOf(g, from);
    return exported && { kind: 'export', name: exported.name, hop, location: exported.location };
  }
  if (edgeType === 'property' && nodeType(g, from) === 'closure' && !FUNCTION_OWN.has(via)) {
    const location = g.locations.get(from);
    return location && { kind: 'static', name: `${name}.${via}`, property: via, hop, location };
  }
  return undefined;
}

/** A container's size instead of its contents: `Array(100)`, `Map(300)`, `Set(2)`; `class Catalog`. */
export function shortLabel(g: HeapGraph, n: number): string | undefined {
  const type = nodeType(g, n);
  const name = nodeName(g, n);
  if (type === 'closure') return `${isClass(g, n) ? 'class' : 'function'} ${name || '(anonymous)'}`;
  if (type !== 'object') return undefined;
  if (name === 'Array') return `Array(${countEdges(g, n, (t) => t === 'element')})`;
  if (name === 'Map' || name === 'Set' || name === 'WeakMap' || name === 'WeakSet') {
    const table = child(g, n, 'table');
    return table === undefined ? name : `${name}(${tableCount(g, table, name === 'Map' || name === 'WeakMap')})`;
  }
  return undefined;
}

/** The top scope of a module: its Context's outer one is the native (global) context. */
export function isModuleContext(g: HeapGraph, context: number): boolean {
  const previous = child(g, context, 'previous');
  return previous !== undefined && nodeName(g, previous) === 'system / NativeContext';
}

function nodeType(g: HeapGraph, n: number): string {
  return g.nodeTypes[g.nodes[n * g.F + g.typeField]];
}

function nodeName(g: HeapGraph, n: number): string {
  return g.strings[g.nodes[n * g.F + g.nameField]];
}

function child(g: HeapGraph, n: number, label: string): number | undefined {
  for (let e = g.firstEdge[n]; e < g.firstEdge[n + 1]; e++) if (g.edgeLabel(e) === label) return g.target(e);
  return undefined;
}

function countEdges(g: HeapGraph, n: number, test: (edgeType: string) => boolean): number {
  let count = 0;
  for (let e = g.firstEdge[n]; e < g.firstEdge[n + 1]; e++) if (test(g.edgeTypes[g.edges[e * g.E + g.edgeTypeField]])) count++;
  return count;
}

/**
 * Entries of an OrderedHashMap/Set from the slots that point at heap objects: a Map's keys or
 * values, whichever more of them are objects (small integers are not in the snapshot).
 */
function tableCount(g: HeapGraph, table: number, isMap: boolean): number {
  let keys = 0, values = 0, slots = 0;
  for (let e = g.firstEdge[table]; e < g.firstEdge[table + 1]; e++) {
    const label = g.edgeLabel(e);
    if (!/^\d+$/.test(label)) continue;
    slots++;
    if (!isMap) continue;
    const slot = mapSlot(Number(label), g.selfSize(table));
    if (slot === 'keys') keys++;
    else if (slot === 'values') values++;
  }
  return isMap ? Math.max(keys, values) : slots;
}

/** A class constructor: V8 keeps its source positions in a ClassPositions object. */
function isClass(g: HeapGraph, closure: number): boolean {
  for (let e = g.firstEdge[closure]; e < g.firstEdge[closure + 1]; e++) {
    if (nodeName(g, g.target(e)) === 'system / ClassPositions') return true;
  }
  return false;
}

/** A location in the script of a module scope: a function sharing it, or its ES module's code. */
function scriptLocationOf(g: HeapGraph, context: number): CdpScriptLocation | undefined {
  g.buildRetainers();
  const rs = g.retainerStart!, re = g.retainerEdge!, rf = g.retainerFrom!;
  for (let r = rs[context]; r < rs[context + 1]; r++) {
    const location = g.locations.get(rf[r]);
    if (location && g.edgeLabel(re[r]) === 'context') return location;
  }
  const module = child(g, context, 'extension');
  return module === undefined ? undefined : moduleLocation(g, module);
}

function moduleLocation(g: HeapGraph, module: number): CdpScriptLocation | undefined {
  if (nodeName(g, module) !== 'system / SourceTextModule') return undefined;
  for (let e = g.firstEdge[module]; e < g.firstEdge[module + 1]; e++) {
    const location = g.locations.get(g.target(e));
    if (location) return location;
  }
  return undefined;
}

/**
 * The export a module Cell is: the module's exports table holds each name in the slot before its
 * Cell; the table belongs to a SourceTextModule, whose code gives the script.
 */
function exportOf(g: HeapGraph, cell: number): { name: string; location: CdpScriptLocation } | undefined {
  g.buildRetainers();
  const rs = g.retainerStart!, re = g.retainerEdge!, rf = g.retainerFrom!;
  for (let r = rs[cell]; r < rs[cell + 1]; r++) {
    const table = rf[r];
    const slot = g.edgeLabel(re[r]);
    if (!/^\d+$/.test(slot)) continue;
    const key = child(g, table, String(Number(slot) - 1));
    if (key === undefined || !nodeType(g, key).includes('string')) continue;
    for (let t = rs[table]; t < rs[table + 1]; t++) {
      const location = moduleLocation(g, rf[t]);
      if (location) return { name: nodeName(g, key), location };
    }
  }
  return undefined;
}
