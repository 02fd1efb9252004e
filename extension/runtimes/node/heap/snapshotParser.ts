// An incremental parser for V8 .heapsnapshot JSON, fed chunk by chunk as CDP streams them. The
// header is parsed with JSON.parse; `nodes` and `edges` go straight into typed arrays (no JS array
// of millions of numbers, no whole-file string); `strings` are read one literal at a time.
// Sections we do not use (trace trees, samples) are skipped; `locations` is kept (closure lines).

export interface SnapshotMeta {
  node_fields: string[];
  node_types: [string[], ...unknown[]];
  edge_fields: string[];
  edge_types: [string[], ...unknown[]];
  location_fields?: string[];
}

export interface ParsedSnapshot {
  meta: SnapshotMeta;
  nodeCount: number;
  edgeCount: number;
  nodes: Uint32Array;
  edges: Uint32Array;
  locations: Uint32Array;
  strings: string[];
}

type Section = 'header' | 'seek' | 'numbers' | 'strings' | 'done';

const SEEK_TARGETS: Array<[string, 'nodes' | 'edges' | 'locations' | 'strings' | 'skip']> = [
  ['"nodes":', 'nodes'], ['"edges":', 'edges'], ['"locations":', 'locations'], ['"strings":', 'strings'],
  ['"trace_function_infos":', 'skip'], ['"trace_tree":', 'skip'], ['"samples":', 'skip'],
];

export class SnapshotParser {
  private section: Section = 'header';
  private text = '';
  private meta: SnapshotMeta | undefined;
  private nodeCount = 0;
  private edgeCount = 0;
  private nodes = new Uint32Array(0);
  private edges = new Uint32Array(0);
  private locations: number[] = [];
  private readonly strings: string[] = [];
  /** Where numbers currently go, and how far it got. */
  private target: 'nodes' | 'edges' | 'locations' | 'skip' = 'nodes';
  private filled = 0;
  private value = 0;
  private inNumber = false;
  /** Nesting depth while skipping a section we do not keep. */
  private depth = 0;
  bytes = 0;

  push(chunk: string): void {
    this.bytes += chunk.length;
    let text = this.text ? this.text + chunk : chunk;
    this.text = '';
    let at = 0;
    while (at < text.length && this.section !== 'done') {
      switch (this.section) {
        case 'header': {
          const nodesAt = text.indexOf('"nodes":');
          if (nodesAt < 0) { this.text = text; return; }
          this.readHeader(text.slice(0, nodesAt));
          text = text.slice(nodesAt);
          at = 0;
          this.section = 'seek';
          break;
        }
        case 'seek': at = this.seek(text, at); if (at < 0) return; break;
        case 'numbers': at = this.numbers(text, at); break;
        case 'strings': at = this.stringsFrom(text, at); if (at < 0) return; break;
      }
    }
  }

  finish(): ParsedSnapshot {
    if (!this.meta || this.section !== 'done') throw new Error('the heap snapshot ended early');
    return {
      meta: this.meta, nodeCount: this.nodeCount, edgeCount: this.edgeCount, nodes: this.nodes, edges: this.edges,
      locations: Uint32Array.from(this.locations), strings: this.strings,
    };
  }

  private readHeader(text: string): void {
    // `{"snapshot":{…},` — close the object and read it.
    const header = JSON.parse(text.replace(/,\s*$/, '') + '}') as { snapshot: { meta: SnapshotMeta; node_count: number; edge_count: number } };
    this.meta = header.snapshot.meta;
    this.nodeCount = header.snapshot.node_count;
    this.edgeCount = header.snapshot.edge_count;
    this.nodes = new Uint32Array(this.nodeCount * this.meta.node_fields.length);
    this.edges = new Uint32Array(this.edgeCount * this.meta.edge_fields.length);
  }

  /** Finds the next `"name":[`; returns the index after `[`, or -1 (text kept) when not yet seen. */
  private seek(text: string, at: number): number {
    const bracket = text.indexOf('[', at);
    if (bracket < 0) { this.text = text.slice(Math.max(at, text.length - 32)); return -1; }
    const key = text.slice(at, bracket);
    const hit = SEEK_TARGETS.find(([k]) => key.includes(k));
    if (!hit) {
      if (/}\s*$/.test(key) || key.trim() === '}') { this.section = 'done'; return text.length; }
      this.text = text.slice(at);
      if (key.length > 64) throw new Error(`unexpected heap snapshot section near ${key.slice(0, 40)}`);
      return -1;
    }
    if (hit[1] === 'strings') { this.section = 'strings'; return bracket + 1; }
    this.target = hit[1];
    this.filled = 0;
    this.depth = 1;
    this.section = 'numbers';
    return bracket + 1;
  }

  /** Reads integers until the section's closing `]`. */
  private numbers(text: string, at: number): number {
    const target = this.target === 'nodes' ? this.nodes : this.target === 'edges' ? this.edges : undefined;
    const keep = this.target === 'locations' ? this.locations : undefined;
    let value = this.value;
    let inNumber = this.inNumber;
    let filled = this.filled;
    let i = at;
    for (; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c >= 48 && c <= 57) { value = value * 10 + (c - 48); inNumber = true; continue; }
      if (inNumber) {
        if (target) target[filled++] = value; else if (keep) keep.push(value);
        value = 0;
        inNumber = false;
      }
      if (c === 91) this.depth++; // '[' (nested arrays only in skipped sections)
      else if (c === 93 && --this.depth === 0) { i++; this.section = 'seek'; break; } // ']'
    }
    this.value = value;
    this.inNumber = inNumber;
    this.filled = filled;
    return i;
  }

  /** Reads string literals until `]`; returns -1 with the unfinished literal kept for the next chunk. */
  private stringsFrom(text: string, at: number): number {
    let i = at;
    for (;;) {
      while (i < text.length && text.charCodeAt(i) !== 34 && text.charCodeAt(i) !== 93) i++;
      if (i >= text.length) return text.length;
      if (text.charCodeAt(i) === 93) { this.section = 'done'; return text.length; }
      let end = i + 1;
      for (;;) {
        end = text.indexOf('"', end);
        if (end < 0) { this.text = text.slice(i); return -1; }
        let slashes = 0;
        for (let k = end - 1; text.charCodeAt(k) === 92; k--) slashes++;
        if (slashes % 2 === 0) break;
        end++;
      }
      const raw = text.slice(i + 1, end);
      this.strings.push(raw.includes('\\') ? JSON.parse(`"${raw}"`) as string : raw);
      i = end + 1;
    }
  }
}
