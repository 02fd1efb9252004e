// The partition table's columns and sorting, without the DOM: shared by the table and its unit
// tests (which compile with Node's types, not the DOM's).
import type { PartitionRow } from '../../extension/core/types';

/** Numeric columns only some partitions carry (Heap Since Mark: the change since the mark). */
export type OptionalColumn = 'countDelta' | 'sizeDelta' | 'newCount';
export const OPTIONAL_COLUMNS: ReadonlyArray<{ key: OptionalColumn; signed: boolean }> = [
  { key: 'countDelta', signed: true }, { key: 'sizeDelta', signed: true }, { key: 'newCount', signed: false },
];
export type Column = 'label' | 'count' | 'size' | OptionalColumn | 'retained';

/** The optional columns present in these rows, in display order. */
export function optionalColumns(rows: readonly PartitionRow[]): Array<{ key: OptionalColumn; signed: boolean }> {
  return OPTIONAL_COLUMNS.filter((c) => rows.some((r) => r[c.key] !== undefined));
}

/** A number as the table shows it; signed columns get + / − (a change). */
export function formatCell(value: number | undefined, signed: boolean): string {
  const v = value ?? 0;
  if (!signed || v === 0) return v.toLocaleString();
  return v > 0 ? `+${v.toLocaleString()}` : `−${(-v).toLocaleString()}`;
}

export function sortRows(rows: readonly PartitionRow[], column: Column, descending: boolean): PartitionRow[] {
  const sign = descending ? -1 : 1;
  return [...rows].sort((a, b) => {
    const by = column === 'label' ? a.label.localeCompare(b.label) : valueOf(a, column) - valueOf(b, column);
    return sign * by || b.size - a.size;
  });
}

/** Rows without a computed retained size sort below every computed one. */
function valueOf(row: PartitionRow, column: Exclude<Column, 'label'>): number {
  return column === 'retained' ? row.retained?.size ?? -1 : row[column] ?? 0;
}
