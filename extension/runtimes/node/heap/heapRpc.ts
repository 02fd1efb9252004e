// Messages between the Node engine and its heap worker (heapWorker.ts): one declaration each.
import type { GraphPartition, GraphRetained, HeapMarkData } from './heapQueries';
import type { GraphWhy } from './retainerChain';

export interface HeapSet {
  className?: string;
  /** A tracked class: its instances only, not a subclass's prototype that V8 names after it. */
  instances?: boolean;
  via?: string;
  id?: number;
}

export type ToHeapWorker =
  | { type: 'chunk'; text: string }
  | { type: 'end' }
  | { type: 'partition'; id: number; by: 'type' | 'via'; className?: string; instances?: boolean; limit: number; samples: number; retainedRows: number; sinceMark?: HeapMarkData }
  | { type: 'mark'; id: number }
  | { type: 'retained'; id: number; set: HeapSet; largest: number }
  | { type: 'why'; id: number; nodeId: number };

export type FromHeapWorker =
  | { type: 'parsed'; nodeCount: number; edgeCount: number; parseMs: number }
  | { type: 'progress'; phase: string; done: number; total: number }
  | { type: 'partition'; id: number; result: GraphPartition & { retained: Array<{ count: number; size: number }> }; ms: number }
  | { type: 'retained'; id: number; result: GraphRetained }
  | { type: 'mark'; id: number; result: HeapMarkData }
  | { type: 'why'; id: number; result: GraphWhy }
  | { type: 'error'; id?: number; message: string };

/** A query before the client numbers it. */
export type HeapQuery = Extract<ToHeapWorker, { id: number }> extends infer T ? T extends unknown ? Omit<T, 'id'> : never : never;
