// What the Live References view shows for one session, independent of VS Code: the last snapshot,
// sorting, filtering and the per-session state machine (loading → rows | error → ended).
import type { LiveRefRow, LiveRefsSnapshot } from '../../core/types';

/** A row as the view shows it: the engine's, plus the change since the previous refresh, which
 *  the session's growth history derives (growthHistory.ts). */
export type ShownRow = LiveRefRow & { delta: number };

export type SortKey = 'count' | 'age' | 'growth' | 'name';

export type SessionViewState =
  | { kind: 'loading' }
  | { kind: 'rows'; snapshot: LiveRefsSnapshot }
  | { kind: 'error'; message: string; snapshot?: LiveRefsSnapshot }
  | { kind: 'ended'; snapshot?: LiveRefsSnapshot };

export interface ViewOptions {
  sort: SortKey;
  filter: string;
}

export function visibleRows(rows: readonly ShownRow[], options: ViewOptions): ShownRow[] {
  const filter = options.filter.trim().toLowerCase();
  const shown = filter ? rows.filter((r) => r.className.toLowerCase().includes(filter)) : [...rows];
  const by: Record<SortKey, (a: ShownRow, b: ShownRow) => number> = {
    count: (a, b) => b.count - a.count,
    age: (a, b) => (b.oldestAgeS ?? -1) - (a.oldestAgeS ?? -1),
    growth: (a, b) => b.delta - a.delta,
    name: () => 0,
  };
  return shown.sort((a, b) => by[options.sort](a, b) || a.className.localeCompare(b.className));
}

/** "+12" / "−3" / "" — the change since the previous refresh. */
export function formatDelta(delta: number): string {
  if (delta > 0) return `+${delta}`;
  if (delta < 0) return `−${-delta}`;
  return '';
}
