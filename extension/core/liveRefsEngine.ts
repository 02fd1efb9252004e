// The runtime-neutral contract every view, command and the CLI talk to. The Python engine drives
// the injected agent (runtimes/python), the Node engine drives CDP (runtimes/node). Nothing here knows which.
import type {
  AgeHistogram, AgesRequest, DiscoveredClass, EngineInfo, HeapMarkInfo, InspectResult, IterPage, LiveRefsSnapshot, ObjectHandle, ObjectSummary, Partition,
  PartitionRequest, Progress, RetainedRequest, RetainedResult, SourceInfo, WhyResult,
} from './types';

export interface CallOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
  /** Counts without the garbage the runtime has not collected yet, even where that costs a
   * collection (a refresh the user asked for). Otherwise an engine may skip a costly one. */
  exact?: boolean;
}

export interface LongCallOptions extends CallOptions {
  onProgress?: (p: Progress) => void;
}

export interface IterRequest {
  className: string;
  /** Cursor from the previous page; omit to snapshot anew. */
  cursor?: string;
  offset: number;
  limit: number;
  /** Case-insensitive substring matched against url and repr. */
  filter?: string;
  /** Only objects with minAgeS <= age < maxAgeS (an age histogram's bar). */
  minAgeS?: number;
  maxAgeS?: number;
  /** Epoch seconds (program clock) the ages refer to: AgeHistogram.now; default: now. */
  ageAt?: number;
}

export interface LiveRefsEngine {
  info(options?: CallOptions): Promise<EngineInfo>;
  /** `ignore` hides these classes and their subclasses, like `prefs(ignore=Spider)`. */
  liveRefs(ignore: readonly string[], options?: CallOptions): Promise<LiveRefsSnapshot>;
  oldest(className: string, options?: CallOptions): Promise<ObjectSummary | null>;
  iterAll(request: IterRequest, options?: CallOptions): Promise<IterPage>;
  inspect(handle: ObjectHandle, offset: number, limit: number, options?: CallOptions): Promise<InspectResult>;
  sourceOf(handle: ObjectHandle, options?: CallOptions): Promise<SourceInfo>;
  why(handle: ObjectHandle, options?: CallOptions): Promise<WhyResult>;
  partition(request: PartitionRequest, options?: LongCallOptions): Promise<Partition>;
  /** What releasing a set would free (refcount-exact). Engines that cannot: EngineError('unavailable'). */
  retained(request: RetainedRequest, options?: LongCallOptions): Promise<RetainedResult>;
  release(handles: readonly ObjectHandle[]): Promise<void>;
  /** Age histogram of a tracked class's live objects (creation times). */
  ages(request: AgesRequest, options?: CallOptions): Promise<AgeHistogram>;
  /** Records the live heap in the program; `partition({ sinceMark: true })` compares with it. */
  markHeap(options?: LongCallOptions): Promise<HeapMarkInfo>;
  /** The current heap mark, or null when none was taken. */
  heapMark(options?: CallOptions): Promise<HeapMarkInfo | null>;
  /** The `top` user-defined classes (not stdlib or installed packages) with the most live
   *  instances, to offer for tracking; absent when the runtime discovers by itself (Node). */
  discoverClasses?(top: number, options?: CallOptions): Promise<DiscoveredClass[]>;
  dispose(): void;
}

export class EngineError extends Error {
  constructor(readonly code: 'gone' | 'unknownClass' | 'unavailable' | 'agent' | 'transport', message: string) {
    super(message);
    this.name = 'EngineError';
  }
}
