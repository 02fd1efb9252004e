// The table beside the chart: sortable columns, keyboard navigation, exact numbers. All text is
// set with textContent (via d3's .text()), never parsed as HTML.
import { select, Selection } from 'd3-selection';
import type { PartitionRow } from '../../extension/core/types';
import { Column, formatCell, optionalColumns } from './partitionColumns';

export { formatCell, optionalColumns, sortRows, OPTIONAL_COLUMNS } from './partitionColumns';
export type { Column, OptionalColumn } from './partitionColumns';

export const MAX_TABLE_ROWS = 500;

export interface TableOptions {
  rows: PartitionRow[];
  totalCount: number;
  totalSize: number;
  sort: { column: Column; descending: boolean };
  strings: Record<string, string>;
  labelHeader: string;
  onSort(column: Column): void;
  onActivate(row: PartitionRow): void;
  rowHint: string;
}

const pct = (part: number, whole: number) => (whole ? ((100 * part) / whole).toFixed(1) : '0.0');

export function renderTable(container: HTMLElement, o: TableOptions): void {
  const root = select(container);
  root.selectAll('*').remove();
  const table = root.append('table').attr('class', 'partition-table').attr('role', 'grid');
  const header = table.append('thead').append('tr');
  const extra = optionalColumns(o.rows);
  const columns: Array<[Column | null, string]> = [[null, '#'], ['count', o.strings.count], [null, o.strings.percent], ['size', o.strings.size], [null, o.strings.percent],
    ...extra.map((c): [Column, string] => [c.key, o.strings[c.key] ?? c.key]), ['label', o.labelHeader]];
  const withRetained = o.rows.some((r) => r.retained);
  if (withRetained) columns.splice(columns.length - 1, 0, ['retained', o.strings.retained]);
  for (const [column, title] of columns) {
    const th = header.append('th').attr('scope', 'col').text(title);
    if (!column) continue;
    const active = o.sort.column === column;
    th.attr('tabindex', 0).attr('class', 'sortable').attr('aria-sort', active ? (o.sort.descending ? 'descending' : 'ascending') : 'none')
      .on('click', () => o.onSort(column))
      .on('keydown', (event: KeyboardEvent) => { if (event.key === 'Enter' || event.key === ' ') { event.preventDefault(); o.onSort(column); } });
    if (active) th.append('span').attr('class', 'sort-mark').text(o.sort.descending ? ' ▼' : ' ▲');
  }
  const shown = o.rows.slice(0, MAX_TABLE_ROWS);
  const body = table.append('tbody');
  const rows: Selection<HTMLTableRowElement, PartitionRow, HTMLTableSectionElement, unknown> = body.selectAll<HTMLTableRowElement, PartitionRow>('tr').data(shown).join('tr')
    .attr('tabindex', 0).attr('title', o.rowHint).attr('data-label', (d) => d.label)
    .on('click', (_e, d) => o.onActivate(d))
    .on('keydown', (event: KeyboardEvent, d) => {
      const row = event.currentTarget as HTMLTableRowElement;
      if (event.key === 'Enter') o.onActivate(d);
      else if (event.key === 'ArrowDown') (row.nextElementSibling as HTMLElement | null)?.focus();
      else if (event.key === 'ArrowUp') (row.previousElementSibling as HTMLElement | null)?.focus();
      else return;
      event.preventDefault();
    });
  rows.append('td').attr('class', 'num').text((_d, i) => String(i));
  rows.append('td').attr('class', 'num').text((d) => d.count.toLocaleString());
  rows.append('td').attr('class', 'num').text((d) => pct(d.count, o.totalCount));
  rows.append('td').attr('class', 'num').text((d) => d.size.toLocaleString());
  rows.append('td').attr('class', 'num').text((d) => pct(d.size, o.totalSize));
  for (const c of extra) rows.append('td').attr('class', `num ${c.key}`).text((d) => formatCell(d[c.key], c.signed));
  if (withRetained) rows.append('td').attr('class', 'num retained').attr('title', (d) => (d.retained ? o.strings.retainedObjects.replace('{0}', d.retained.count.toLocaleString()) : ''))
    .text((d) => (d.retained ? d.retained.size.toLocaleString() : ''));
  rows.append('td').attr('class', 'label').text((d) => d.label || o.strings.none);
  if (o.rows.length > shown.length) {
    root.append('p').attr('class', 'more').text(o.strings.moreRows.replace('{0}', String(o.rows.length - shown.length)));
  }
}
