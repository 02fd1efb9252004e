// The d3 growth chart: one line per tracked class (the largest few), counts on the left axis,
// the program's RSS dashed on the right axis, time along the bottom (24-hour clock). Classes that
// grow together (HtmlResponse and Request in a referer leak) have the same counts: each line is
// drawn narrower than the one under it, so a line on top leaves the one below visible as a band,
// and each line carries its class's name at its right end.
import { axisBottom, axisLeft, axisRight, line } from 'd3';
import { clock, lineWidth } from './trendScale';
import { scaleLinear, scaleTime } from 'd3-scale';
import { select } from 'd3-selection';
import type { GrowthSeries } from '../../extension/core/timeMessages';
import { formatBytes } from '../../extension/core/byteSize';

const WIDTH = 860;
const HEIGHT = 300;
const M = { top: 12, right: 180, bottom: 32, left: 56 };
const RSS_AXIS = 64;
export const MAX_LINES = 8;

export interface TrendLine {
  className: string;
  counts: Array<number | null>;
  series: number;
}

/** The classes drawn: the largest by their latest count. */
export function pickLines(s: GrowthSeries): TrendLine[] {
  const last = (c: Array<number | null>) => [...c].reverse().find((v) => v !== null) ?? 0;
  return [...s.classes].sort((a, b) => last(b.counts) - last(a.counts)).slice(0, MAX_LINES)
    .map((c, i) => ({ className: c.className, counts: c.counts, series: i }));
}

export function renderTrendChart(container: HTMLElement, s: GrowthSeries, lines: TrendLine[], rssLabel: string): void {
  const root = select(container);
  root.selectAll('*').remove();
  if (s.times.length < 1) return;
  const t0 = s.times[0];
  const t1 = Math.max(s.times[s.times.length - 1], t0 + 1000);
  const x = scaleTime().domain([new Date(t0), new Date(t1)]).range([M.left, WIDTH - M.right]);
  const maxCount = Math.max(1, ...lines.flatMap((l) => l.counts.filter((v): v is number => v !== null)));
  const y = scaleLinear().domain([0, maxCount]).nice().range([HEIGHT - M.bottom, M.top]);
  const rss = s.rssBytes.filter((v): v is number => v !== null);
  const y2 = scaleLinear().domain([0, Math.max(1, ...rss)]).nice().range([HEIGHT - M.bottom, M.top]);
  const svg = root.append('svg').attr('class', 'trend-chart').attr('role', 'img').attr('width', WIDTH).attr('height', HEIGHT);
  svg.append('g').attr('class', 'axis time-axis').attr('transform', `translate(0, ${HEIGHT - M.bottom})`)
    .call(axisBottom(x).ticks(6).tickFormat((d) => clock(t1 - t0)(d as Date)));
  svg.append('g').attr('class', 'axis').attr('transform', `translate(${M.left}, 0)`).call(axisLeft(y).ticks(5));
  if (rss.length) {
    svg.append('g').attr('class', 'axis rss-axis').attr('transform', `translate(${WIDTH - M.right}, 0)`)
      .call(axisRight(y2).ticks(5).tickFormat((v) => formatBytes(Number(v))));
    const rssLine = line<number | null>().defined((v) => v !== null).x((_v, i) => x(new Date(s.times[i]))).y((v) => y2(v ?? 0));
    svg.append('path').attr('class', 'rss-line').attr('d', rssLine(s.rssBytes)).append('title').text(rssLabel);
  }
  const path = line<number | null>().defined((v) => v !== null).x((_v, i) => x(new Date(s.times[i]))).y((v) => y(v ?? 0));
  svg.selectAll('path.count-line').data(lines).join('path').attr('class', (l) => `count-line series-${l.series}`)
    .attr('data-class', (l) => l.className).attr('d', (l) => path(l.counts))
    .style('stroke-width', (l) => `${lineWidth(l.series, lines.length)}px`)
    .append('title').text((l) => l.className);
  labelLineEnds(svg, lines, s.times, x, y);
}

type Svg = ReturnType<typeof select<SVGSVGElement, unknown>>;

/** Each class's name at its line's last point, nudged apart vertically so labels never overlap. */
function labelLineEnds(svg: Svg, lines: TrendLine[], times: number[], x: (d: Date) => number, y: (v: number) => number): void {
  const ends = lines.map((l) => {
    let i = l.counts.length - 1;
    while (i > 0 && l.counts[i] === null) i--;
    return { l, x: x(new Date(times[i])), y: y(l.counts[i] ?? 0) };
  }).sort((a, b) => a.y - b.y);
  const gap = 13;
  ends.forEach((e, i) => { if (i && e.y < ends[i - 1].y + gap) e.y = ends[i - 1].y + gap; });
  svg.selectAll('text.line-label').data(ends).join('text').attr('class', (e) => `line-label series-${e.l.series}`)
    .attr('data-class', (e) => e.l.className)
    .attr('x', WIDTH - M.right + RSS_AXIS + 4).attr('y', (e) => e.y + 4).text((e) => e.l.className);
}
