// `liveref partition`: Guppy's table layout, and what the row limit left out, so a reader of the
// text or the JSON never mistakes the top rows for the whole heap.
import type { Partition } from '../core/types';

export const PARTITION_USAGE = `  --limit N                   rows of partition (default 50) and diff (default 30), objects of iter (default all); 0: all
`;

export class LimitError extends Error {}

/** `--limit`: a whole number ≥ 0, 0 meaning no limit; `fallback` when the option is absent. */
export function parseLimit(value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new LimitError(`--limit expects a whole number ≥ 0 (0: all), got ${String(value)}`);
  return n;
}

export interface Omitted {
  /** Rows left out by the limit; null when the engine did not say how many rows there are. */
  omittedRows: number | null;
  omittedCount: number;
  omittedSize: number;
}

export function omitted(p: Partition): Omitted {
  const count = p.rows.reduce((sum, r) => sum + r.count, 0);
  const size = p.rows.reduce((sum, r) => sum + r.size, 0);
  return {
    omittedRows: p.rowCount === undefined ? null : Math.max(0, p.rowCount - p.rows.length),
    omittedCount: Math.max(0, p.totalCount - count),
    omittedSize: Math.max(0, p.totalSize - size),
  };
}

/** "… 12 more rows: 3,456 objects, 78,901 bytes", or '' when nothing was left out. */
export function omittedLine(p: Partition): string {
  const o = omitted(p);
  if (!o.omittedRows && !o.omittedCount) return '';
  const rows = o.omittedRows === null ? 'more rows' : `${o.omittedRows.toLocaleString('en-US')} more row${o.omittedRows === 1 ? '' : 's'}`;
  return `… ${rows}: ${o.omittedCount.toLocaleString('en-US')} objects, ${o.omittedSize.toLocaleString('en-US')} bytes (--limit 0 shows all)`;
}

function percent(part: number, whole: number): string {
  return String(Math.round((100 * part) / (whole || 1))).padStart(3);
}

export function formatPartition(p: Partition): string {
  const head = `Partition of a set of ${p.totalCount} objects (${p.set}). Total size = ${p.totalSize} bytes.`;
  const withRetained = p.rows.some((r) => r.retained);
  const retainedCell = (r: Partition['rows'][number]) => (withRetained ? ` ${String(r.retained?.size ?? '').padStart(12)}` : '');
  const columns = ' Index    Count   %       Size   %' + (withRetained ? '     Retained' : '') + ' ' + (p.by === 'type' ? 'Type' : 'Referred Via:');
  const rows = p.rows.map((r, i) => `${String(i).padStart(6)} ${String(r.count).padStart(8)} ${percent(r.count, p.totalCount)} ${String(r.size).padStart(10)} ${percent(r.size, p.totalSize)}${retainedCell(r)} ${r.label}`);
  const more = omittedLine(p);
  return [head, columns, ...rows, ...(more ? [more] : [])].join('\n');
}

/** The JSON form: the partition with what was left out. */
export function partitionJson(p: Partition): Partition & Omitted {
  return { ...p, ...omitted(p) };
}
