// The history of every Live References refresh of a session: count per class and the program's
// resident memory. Feeds the growth chart, the per-row trend marker, the change since the previous
// refresh (the tree's (+N), its arrow, the growth ranking) and the CSV export. The one place that
// history is kept: a liveRefs call outside the refresh (prefs, Leak Suspects) never moves it.
// Knows no VS Code; bounded, so a session left running for days keeps a steady size.
import type { LiveRefsSnapshot } from '../../core/types';
import type { GrowthSeries } from '../../core/timeMessages';

export interface GrowthPoint {
  /** Wall-clock milliseconds (extension side). */
  t: number;
  rssBytes: number | null;
  counts: Record<string, number>;
}

export const MAX_POINTS = 5000;
const BARS = '▁▂▃▄▅▆▇█';

export class GrowthHistory {
  private readonly points: GrowthPoint[] = [];

  constructor(private readonly maxPoints = MAX_POINTS) {}

  record(snapshot: LiveRefsSnapshot): void {
    const counts: Record<string, number> = {};
    for (const row of snapshot.rows) counts[row.className] = row.count;
    this.points.push({ t: snapshot.takenAt, rssBytes: snapshot.rssBytes ?? null, counts });
    // Drop the oldest half at once rather than one per refresh: amortized O(1).
    if (this.points.length > this.maxPoints) this.points.splice(0, this.points.length - Math.floor(this.maxPoints / 2));
  }

  get length(): number {
    return this.points.length;
  }

  classNames(): string[] {
    const names = new Set<string>();
    for (const p of this.points) for (const name of Object.keys(p.counts)) names.add(name);
    return [...names].sort();
  }

  /** The last `n` counts of a class (null where it had no live objects / was not reported). */
  recent(className: string, n: number): Array<number | null> {
    return this.points.slice(-n).map((p) => p.counts[className] ?? null);
  }

  /** The change of a class's count between the last two refreshes (0 before the second, and for
   *  a class absent from the previous one: it was not tracked yet, nothing is known of its growth). */
  delta(className: string): number {
    const n = this.points.length;
    if (n < 2) return 0;
    const now = this.points[n - 1].counts[className];
    const before = this.points[n - 2].counts[className];
    return now === undefined || before === undefined ? 0 : now - before;
  }

  /** Refreshes in a row, up to the latest, in which the class's count rose. */
  risingStreak(className: string): number {
    let streak = 0;
    for (let i = this.points.length - 1; i > 0; i--) {
      const now = this.points[i].counts[className];
      const before = this.points[i - 1].counts[className];
      if (now === undefined || before === undefined || now <= before) break;
      streak++;
    }
    return streak;
  }

  /** A text sparkline of the last `n` counts, scaled to their own range ('' with < 2 points). */
  sparkline(className: string, n = 8): string {
    const values = this.recent(className, n).filter((v): v is number => v !== null);
    if (values.length < 2) return '';
    const lo = Math.min(...values);
    const hi = Math.max(...values);
    return values.map((v) => BARS[hi === lo ? 0 : Math.round(((v - lo) / (hi - lo)) * (BARS.length - 1))]).join('');
  }

  series(): GrowthSeries {
    const names = this.classNames();
    return {
      times: this.points.map((p) => p.t),
      rssBytes: this.points.map((p) => p.rssBytes),
      classes: names.map((className) => ({ className, counts: this.points.map((p) => p.counts[className] ?? null) })),
    };
  }

  /** One row per refresh: ISO time, RSS bytes, then one column per class (empty = not reported). */
  toCsv(): string {
    const names = this.classNames();
    const lines = [['time', 'rssBytes', ...names].map(csvField).join(',')];
    for (const p of this.points) {
      lines.push([new Date(p.t).toISOString(), p.rssBytes ?? '', ...names.map((n) => p.counts[n] ?? '')].map((v) => csvField(String(v))).join(','));
    }
    return lines.join('\r\n') + '\r\n';
  }
}

/** RFC 4180 quoting; a leading =, +, - or @ is prefixed with ' so spreadsheets do not run it. */
export function csvField(value: string): string {
  const safe = /^[=+\-@]/.test(value) && !/^-?\d/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** The histories of all sessions the view knows, by session id. */
export class GrowthHistories {
  private readonly bySession = new Map<string, GrowthHistory>();

  of(sessionId: string): GrowthHistory {
    let history = this.bySession.get(sessionId);
    if (!history) this.bySession.set(sessionId, (history = new GrowthHistory()));
    return history;
  }

  has(sessionId: string): boolean {
    return this.bySession.has(sessionId);
  }

  forget(sessionId: string): void {
    this.bySession.delete(sessionId);
  }
}
