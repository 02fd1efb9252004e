// The d3 age histogram: one bar per age bucket, oldest on the left so the chart reads as a
// timeline ending now. Hover shows the count and the age range; a click opens those objects.
import { axisBottom, axisLeft } from 'd3';
import { scaleBand, scaleLinear } from 'd3-scale';
import { select } from 'd3-selection';
import type { AgeBucket, AgeHistogram } from '../../extension/core/types';
import { formatSeconds } from './timeFormat';

const WIDTH = 760;
const HEIGHT = 280;
const M = { top: 12, right: 16, bottom: 56, left: 56 };

export interface AgeChartOptions {
  /** "{0} objects, {1} – {2} old" */
  describe(bucket: AgeBucket): string;
  onHover(text: string): void;
  onOpen(bucket: AgeBucket): void;
  axisLabel: string;
}

export function renderAgeChart(container: HTMLElement, h: AgeHistogram, o: AgeChartOptions): number {
  const root = select(container);
  root.selectAll('*').remove();
  const buckets = [...h.buckets].reverse();
  const x = scaleBand<number>().domain(buckets.map((_b, i) => i)).range([M.left, WIDTH - M.right]).paddingInner(0.08);
  const y = scaleLinear().domain([0, Math.max(1, ...buckets.map((b) => b.count))]).nice().range([HEIGHT - M.bottom, M.top]);
  const svg = root.append('svg').attr('class', 'age-chart').attr('role', 'img').attr('width', WIDTH).attr('height', HEIGHT);
  const every = Math.max(1, Math.ceil(buckets.length / 10));
  svg.append('g').attr('class', 'axis').attr('transform', `translate(0, ${HEIGHT - M.bottom})`)
    .call(axisBottom(x).tickFormat((i) => (i % every === 0 ? formatSeconds(buckets[i].highS) : '')))
    .selectAll('text').attr('transform', 'rotate(-35)').attr('text-anchor', 'end');
  svg.append('g').attr('class', 'axis').attr('transform', `translate(${M.left}, 0)`).call(axisLeft(y).ticks(5));
  svg.append('text').attr('class', 'axis-label').attr('x', (M.left + WIDTH - M.right) / 2).attr('y', HEIGHT - 6).attr('text-anchor', 'middle').text(o.axisLabel);
  // Each bucket gets a full-height hit area, so empty (gap) buckets can be hovered too.
  const groups = svg.selectAll('g.bucket').data(buckets).join('g').attr('class', (b) => (b.count ? 'bucket' : 'bucket empty'))
    .attr('data-low', (b) => b.lowS).attr('data-high', (b) => b.highS).attr('data-count', (b) => b.count)
    .on('mouseenter', (_e, b) => o.onHover(o.describe(b)))
    .on('click', (_e, b) => { if (b.count) o.onOpen(b); });
  groups.append('title').text((b) => o.describe(b));
  groups.append('rect').attr('class', 'hit').attr('x', (_b, i) => x(i)!).attr('width', x.bandwidth()).attr('y', M.top).attr('height', HEIGHT - M.bottom - M.top);
  groups.append('rect').attr('class', 'age-bar').attr('x', (_b, i) => x(i)!).attr('width', x.bandwidth())
    .attr('y', (b) => y(b.count)).attr('height', (b) => HEIGHT - M.bottom - y(b.count));
  return buckets.filter((b) => b.count).length;
}
