// Plain JSON types that cross a boundary (agent ↔ engine ↔ views ↔ webview ↔ CLI). Declared once
// here; nothing in this file may import `vscode` or anything runtime-specific.

/** Where something lives in source. `path` is as the debuggee reported it (may be remote). */
export interface SourceLocation {
  path: string;
  line: number;
  /** Function or class name at that location, when known. */
  name?: string;
  /** Which record a creation/allocation site came from (absent for class and callback links). */
  source?: SiteSource;
}

/** `creation`: Scrapy trackref's creation-site hook; `tracemalloc`: the allocation traceback. */
export type SiteSource = 'creation' | 'tracemalloc';

/**
 * Whether the creation-site hook knows where an object was created: `recorded`; `beforeAttach`
 * (tracked, created before Live References attached); `missing` (tracked, no record);
 * `untracked` (not a trackref object); `off` (creation sites are turned off).
 */
export type CreationState = 'recorded' | 'beforeAttach' | 'missing' | 'untracked' | 'off';

/** The rule that picks the first frame "in user code" of a stack. */
export interface UserCodeRule {
  /** Top-level packages whose folders count as library code (setting liveReferences.libraryModules). */
  libraryModules: string[];
  /** Always library code: stdlib, site-packages, dist-packages, pseudo files. */
  skips: string[];
}

/** One row of `prefs()`: a tracked class, its live count and the age of its oldest instance. */
export interface LiveRefRow {
  className: string;
  count: number;
  /** Seconds since the oldest live instance with a known creation time was created; null when
   *  the runtime cannot tell. (The change since the previous refresh is the growth history's:
   *  ui/views/growthHistory.ts, so a call outside the refresh never moves it.) */
  oldestAgeS: number | null;
  /** Live instances created before Live References attached (Node): no creation time is known for them. */
  beforeAttach?: number;
  /** The oldest live instance was made before Live References hooked its class (or attached): no age known. */
  oldestBeforeAttach?: boolean;
  /** Instances cannot be weakly referenced (`__slots__` without `__weakref__`): counted by a gc
   *  scan only, so no oldest, ages or creation sites. */
  countOnly?: boolean;
}

/** A class offered for tracking: qualified name (`package.module.Class`), short name, live instances. */
export interface DiscoveredClass {
  name: string;
  className: string;
  count: number;
}

/** What the classes named for tracking (Python: setting / `--track`) found in the program. */
export interface ClassTrackingStatus {
  names: string[];
  /** Qualified names of the classes hooked. */
  tracked: string[];
  /** Names no class answers to yet: the hook waits for their class statement (an import). */
  waiting: string[];
  /** Name -> every qualified class it matched (the first one is tracked). */
  ambiguous: Record<string, string[]>;
  /** Name -> why its class cannot be hooked (C type, immutable, odd __new__). */
  problems: Record<string, string>;
  /** Qualified names of classes counted by a gc scan only (no __weakref__). */
  countOnly: string[];
}

export interface LiveRefsSnapshot {
  /** False when the program has no Scrapy trackref (rows are then top types, ages null). */
  trackref: boolean;
  rows: LiveRefRow[];
  /** Wall-clock milliseconds of the snapshot as seen by the extension. */
  takenAt: number;
  /** Resident memory of the program in bytes at the snapshot, when the runtime reports it. */
  rssBytes?: number | null;
  /** Present when classes were named for tracking (Python without trackref, or besides it). */
  classTracking?: ClassTrackingStatus;
}

/** Opaque reference to an object in the debuggee, valid until released or the session ends. */
export type ObjectHandle = string;

/** A bounded, safe description of one object. Every string in it is untrusted text. */
export interface ObjectSummary {
  /** Absent for values that are shown inline (numbers, short strings, None). */
  handle?: ObjectHandle;
  /** Qualified type name, e.g. `scrapy.http.response.html.HtmlResponse`. */
  type: string;
  /** Short type name, e.g. `HtmlResponse`. */
  typeName: string;
  /** Bounded repr (at most a few hundred characters); never the object's raw output. */
  repr: string;
  url?: string;
  /** Seconds since creation when the runtime tracks it (trackref). */
  ageS?: number;
  /** Tracked, but made before Live References hooked its class (or attached): its age is unknown (ageS absent). */
  createdBeforeAttach?: boolean;
  /** A sample of a via row that groups a container's elements: the exact slot, e.g. `[1747]`. */
  via?: string;
  /** Shallow size in bytes. */
  size?: number;
  /** True when `inspect` has children to show. */
  expandable: boolean;
}

/** One child of an inspected object, with the via label that names the edge. */
export interface ObjectChild {
  /** `.attr`, `['key']`, `[3]`, `<key>`, `.__dict__`, closure cell names… */
  via: string;
  value: ObjectSummary;
}

export interface InspectResult {
  summary: ObjectSummary;
  children: ObjectChild[];
  /** Total number of children; `children` is one page of them. */
  total: number;
  offset: number;
}

export interface IterPage {
  /** Opaque cursor over a stable snapshot of the class's live objects; pass it back for the next page. */
  cursor: string;
  /** Number of live objects in the snapshot that match the filter (dead ones are skipped). */
  total: number;
  offset: number;
  items: ObjectSummary[];
  /** True when no item follows this page. */
  done: boolean;
}

export interface SourceInfo {
  /** False when tracemalloc is not tracing in the debuggee: no allocation sites then. */
  tracemalloc: boolean;
  /** False when the runtime cannot record allocation sites at all: nothing to turn on. */
  allocationSitesSupported?: boolean;
  /** First frame of the allocation stack that is in user code (not stdlib / site-packages). */
  allocation?: SourceLocation;
  /** Full allocation stack, most recent call last. */
  allocationStack?: SourceLocation[];
  /** Creation-site hook: its state for this object, and the recorded stack (most recent call last). */
  creationState?: CreationState;
  creationStack?: SourceLocation[];
  userCode?: UserCodeRule;
  classDef?: SourceLocation;
  callback?: SourceLocation;
  errback?: SourceLocation;
}

/** One hop of a "why is this alive?" chain: `referrer` refers to the previous object via `via`. */
export interface WhyHop {
  referrer: ObjectSummary;
  via: string;
  /** Creation (or allocation) site of the referrer in user code, when known; see `source`. */
  allocation?: SourceLocation;
  /** For a tracked referrer without a site: why (e.g. created before Live References attached). */
  creationState?: CreationState;
}

export type WhyRootKind = 'module' | 'tracked' | 'root' | 'frame' | 'none' | 'depth';

export interface WhyResult {
  target: ObjectSummary;
  /** From the object outward: hops[0].referrer refers to target. */
  hops: WhyHop[];
  /** What ended the chain: a module global, another tracked object, a gc root, a frame… */
  rootKind: WhyRootKind;
  /** Human readable name of the root, e.g. `module spiders.leaky` or `Request`. */
  rootName?: string;
  /** The allocation site of the nearest referrer created in user code: where the leak is. */
  leakSite?: SourceLocation;
  tracemalloc: boolean;
  /** False when the runtime cannot record allocation sites at all: nothing to turn on. */
  allocationSitesSupported?: boolean;
  /** True when the creation-site hook is recording in the debuggee. */
  creationSites?: boolean;
  userCode?: UserCodeRule;
}

export type PartitionKind = 'type' | 'via';

export interface PartitionRow {
  /** Type name (by type) or via labels joined with ', ' (by via; '' when no referrer names it). */
  label: string;
  count: number;
  /** Total shallow size in bytes. */
  size: number;
  /** A few example objects, for drill-down. */
  samples?: ObjectSummary[];
  /** Heap since mark only: change of count / size since the mark. */
  countDelta?: number;
  sizeDelta?: number;
  /** Heap since mark only: objects (and their bytes) not in the mark; `samples` are of these. */
  newCount?: number;
  newSize?: number;
  /** What releasing this row's objects would free; only when the partition asked for it. */
  retained?: RetainedSize;
}

export interface Partition {
  by: PartitionKind;
  /** What set was partitioned: `heap`, `type dict`, `class HtmlResponse`. */
  set: string;
  totalCount: number;
  totalSize: number;
  /** Sorted by size, then count, descending. */
  rows: PartitionRow[];
  /** How many rows there are in all; `rows` holds the first `limit` of them. Absent: unknown. */
  rowCount?: number;
  elapsedMs: number;
  /** Heap since mark only: when the mark was taken (epoch seconds, the program's clock). */
  markedAt?: number;
}

export interface PartitionRequest {
  by: PartitionKind;
  /** Restrict to objects of this type name (as shown in a by-type row). */
  type?: string;
  /** Restrict to the live instances of this tracked class. */
  className?: string;
  /** Rows to return (the rest are summed into totals only). */
  limit?: number;
  /** Sample objects per row. */
  samples?: number;
  /** Only the objects created since the heap mark; by type adds countDelta/sizeDelta/newCount. */
  sinceMark?: boolean;
  /** Also compute each row's retained size (for the first `retainedRows` rows). */
  retained?: boolean;
  retainedRows?: number;
}

/** Reported while a long job runs. */
export interface Progress {
  done: number;
  total: number;
  phase: string;
}

/** What a runtime can do; views enable actions from this instead of knowing the runtime. */
export interface EngineInfo {
  runtime: 'python' | 'node';
  version: string;
  trackref: boolean;
  tracemalloc: boolean;
  pid?: number;
  /** True when creation sites are recorded (Python: the trackref hook). */
  creationSites?: boolean;
  /** LiveRefsEngine methods this runtime cannot serve (they throw 'unavailable'); views hide them. */
  unsupported?: string[];
}

/** One bar of an age histogram: the live objects with `lowS <= age < highS` at `now`. */
export interface AgeBucket {
  lowS: number;
  highS: number;
  count: number;
}

export interface AgesRequest {
  className: string;
  /** Bucket edges: 1-2-5 steps of seconds (default) or `bins` equal widths. */
  scale?: 'log' | 'linear';
  bins?: number;
}

export interface AgeHistogram {
  className: string;
  /** Live objects counted; the buckets' counts add up to it. */
  count: number;
  scale: 'log' | 'linear';
  /** Epoch seconds on the program's clock that the ages refer to (pass as `ageAt` to iterate a bar). */
  now: number;
  oldestAgeS: number | null;
  /** Live objects created before Live References attached: not in the buckets (no known age). */
  beforeAttach?: number;
  /** Youngest first; empty buckets inside the range are kept, so a pause shows as a gap. */
  buckets: AgeBucket[];
}

/** The heap mark kept in the program (Mark Heap), until the next mark or the program's end. */
export interface HeapMarkInfo {
  /** Epoch seconds on the program's clock. */
  markedAt: number;
  count: number;
  size: number;
  elapsedMs: number;
  /** Memory the mark itself takes in the program. */
  markBytes: number;
}

/** Objects freed if a set were released: the set itself plus everything only it keeps alive. */
export interface RetainedSize {
  count: number;
  /** Bytes (shallow sizes of every freed object). */
  size: number;
}

/** The set whose retained size is asked: a tracked class, one of its via rows, a by-type row, or one object. */
export interface RetainedRequest {
  className?: string;
  type?: string;
  /** A by-via row label of `className` or `type` ('' for objects no referrer names). */
  via?: string;
  handle?: ObjectHandle;
  /** How many of the largest freed objects to return (with handles). */
  largest?: number;
}

export interface RetainedTypeRow {
  label: string;
  count: number;
  size: number;
}

export interface RetainedResult extends RetainedSize {
  /** What was released, e.g. `class HtmlResponse`. */
  set: string;
  /** Objects in the set itself (counted in `count`). */
  setCount: number;
  /** False when the cycle search hit its budget: some garbage cycles may be counted as kept. */
  exact: boolean;
  /** Freed objects by type, largest first. */
  byType: RetainedTypeRow[];
  largest: ObjectSummary[];
  elapsedMs: number;
}
