// Renders rows exactly as Scrapy's `format_live_refs()` does, so our text can be diffed with it:
//   f"{cls.__name__:<30} {len(wdict):6}   oldest: {int(now - oldest)}s ago\n"
import type { LiveRefRow } from './types';

// Objects created before Live References attached have no known age: "oldest: created before…".
export function formatLiveRefs(rows: readonly (Pick<LiveRefRow, 'className' | 'count' | 'oldestAgeS'> & Partial<Pick<LiveRefRow, 'oldestBeforeAttach' | 'countOnly'>>)[]): string {
  let text = 'Live References\n\n';
  for (const row of [...rows].sort((a, b) => (a.className < b.className ? -1 : a.className > b.className ? 1 : 0))) {
    const age = row.oldestBeforeAttach ? '   oldest: created before Live References attached'
      : row.oldestAgeS !== null ? `   oldest: ${Math.trunc(row.oldestAgeS)}s ago`
        : row.countOnly ? '   (count only: no __weakref__)' : '';
    text += `${row.className.padEnd(30)} ${String(row.count).padStart(6)}${age}\n`;
  }
  return text;
}

/** Age as the tree shows it: "265s ago", "4m 25s ago", "1h 2m ago". */
export function formatAge(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return '';
  const s = Math.max(0, Math.trunc(seconds));
  if (s < 120) return `${s}s`;
  if (s < 3600) return `${Math.trunc(s / 60)}m ${s % 60}s`;
  return `${Math.trunc(s / 3600)}h ${Math.trunc((s % 3600) / 60)}m`;
}
