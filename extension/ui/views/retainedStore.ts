// Retained sizes of the Live References rows, per session and class. Filled only on demand (a
// row action or "compute all"), never by a refresh: a retained walk costs about one heap pass.
import type { RetainedResult } from '../../core/types';

export type RetainedEntry = { kind: 'computing' } | { kind: 'done'; result: RetainedResult; at: number } | { kind: 'error'; message: string };

export class RetainedStore {
  private readonly entries = new Map<string, Map<string, RetainedEntry>>();

  constructor(private readonly changed: () => void) {}

  get(sessionId: string, className: string): RetainedEntry | undefined {
    return this.entries.get(sessionId)?.get(className);
  }

  set(sessionId: string, className: string, entry: RetainedEntry): void {
    let bySession = this.entries.get(sessionId);
    if (!bySession) this.entries.set(sessionId, (bySession = new Map()));
    bySession.set(className, entry);
    this.changed();
  }

  forgetClass(sessionId: string, className: string): void {
    if (this.entries.get(sessionId)?.delete(className)) this.changed();
  }

  forget(sessionId: string): void {
    if (this.entries.delete(sessionId)) this.changed();
  }
}
