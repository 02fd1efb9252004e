// The d3 bar chart of a partition: one horizontal bar per row (top rows only), width by the
// chosen measure, exact numbers in a <title> tooltip. Labels are SVG text nodes.
import { scaleLinear } from 'd3-scale';
import { select } from 'd3-selection';
import type { PartitionRow } from '../../extension/core/types';

export const MAX_BARS = 40;
const BAR = 20;
const GAP = 4;
const LABEL_WIDTH = 260;
const WIDTH = 720;

export type Measure = 'size' | 'count' | 'countDelta' | 'sizeDelta';

export function renderChart(container: HTMLElement, rows: readonly PartitionRow[], measure: Measure,
  none: string, onActivate: (row: PartitionRow) => void): void {
  const root = select(container);
  root.selectAll('*').remove();
  const shown = rows.slice(0, MAX_BARS);
  // A change can be negative: bars show growth; shrinking rows get a stub and their signed value.
  const value = (r: PartitionRow) => Math.max(0, r[measure] ?? 0);
  const signed = measure === 'countDelta' || measure === 'sizeDelta';
  const label = (r: PartitionRow) => { const v = r[measure] ?? 0; return signed && v > 0 ? `+${v.toLocaleString()}` : v.toLocaleString(); };
  const max = Math.max(1, ...shown.map(value));
  const x = scaleLinear().domain([0, max]).range([0, WIDTH - LABEL_WIDTH - 90]);
  const svg = root.append('svg').attr('class', 'partition-chart').attr('role', 'img')
    .attr('width', WIDTH).attr('height', shown.length * (BAR + GAP) + GAP);
  const bars = svg.selectAll('g.row').data(shown).join('g').attr('class', 'row')
    .attr('transform', (_d, i) => `translate(0, ${GAP + i * (BAR + GAP)})`)
    .on('click', (_e, d) => onActivate(d));
  bars.append('title').text((d) => `${d.label || none}\n${d.count.toLocaleString()} objects, ${d.size.toLocaleString()} bytes`);
  bars.append('text').attr('class', 'bar-label').attr('x', LABEL_WIDTH - 6).attr('y', BAR / 2).attr('dy', '0.35em')
    .attr('text-anchor', 'end').text((d) => truncate(d.label || none, 38));
  bars.append('rect').attr('class', 'bar').attr('x', LABEL_WIDTH).attr('height', BAR).attr('width', (d) => Math.max(1, x(value(d))));
  bars.append('text').attr('class', 'bar-value').attr('x', (d) => LABEL_WIDTH + Math.max(1, x(value(d))) + 4).attr('y', BAR / 2).attr('dy', '0.35em')
    .text(label);
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
