// The engine's side of the heap worker (heap/heapWorker.ts): starts it, feeds it snapshot chunks
// and numbers its queries; every pending query fails when the worker stops or is cancelled.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Worker } from 'node:worker_threads';
import type { Progress } from '../../core/types';
import { TransportError } from '../../core/transportError';
import { EngineError } from '../../core/liveRefsEngine';
import type { FromHeapWorker, HeapQuery, ToHeapWorker } from './heap/heapRpc';

/** dist/heapWorker.js next to the bundle that runs us, or found above it (tests, benches). */
export function findHeapWorker(start = __dirname): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    for (const candidate of [path.join(dir, 'heapWorker.js'), path.join(dir, 'dist', 'heapWorker.js')]) if (fs.existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) throw new Error(`heapWorker.js not found above ${start}; run npm run build`);
  }
}

export class SnapshotWorker {
  /** When V8 finished writing the snapshot (ms since epoch); set by the taker. */
  takenAt = Date.now();
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  private parsedWaiter: { resolve(): void; reject(error: Error): void } | undefined;
  onProgress: ((p: Progress) => void) | undefined;
  private dead: Error | undefined;

  constructor(private readonly worker: Worker) {
    worker.on('message', (m: FromHeapWorker) => this.onMessage(m));
    worker.on('error', (error) => this.fail(error));
    worker.on('exit', () => this.fail(new Error('the heap worker stopped')));
  }

  send(message: ToHeapWorker): void {
    this.worker.postMessage(message);
  }

  parsed(): Promise<void> {
    if (this.dead) return Promise.reject(this.dead);
    return new Promise((resolve, reject) => { this.parsedWaiter = { resolve, reject }; });
  }

  request<T>(message: HeapQuery): Promise<T> {
    if (this.dead) return Promise.reject(this.dead);
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.send({ ...message, id } as ToHeapWorker);
    });
  }

  terminate(): void {
    this.fail(new TransportError('cancelled', 'Cancelled.'));
    void this.worker.terminate();
  }

  private onMessage(m: FromHeapWorker): void {
    switch (m.type) {
      case 'parsed': this.parsedWaiter?.resolve(); return;
      case 'progress': this.onProgress?.({ phase: m.phase, done: m.done, total: m.total }); return;
      case 'error': {
        const error = new EngineError('agent', `heap snapshot: ${m.message}`);
        if (m.id === undefined) { this.parsedWaiter?.reject(error); return; }
        this.pending.get(m.id)?.reject(error);
        this.pending.delete(m.id);
        return;
      }
      default:
        this.pending.get(m.id)?.resolve(m.result);
        this.pending.delete(m.id);
    }
  }

  private fail(error: Error): void {
    if (this.dead) return;
    this.dead = error;
    this.parsedWaiter?.reject(error);
    for (const p of this.pending.values()) p.reject(error);
    this.pending.clear();
  }
}
