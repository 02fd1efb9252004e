// The growth chart's clock and line widths, free of the DOM (unit-tested in Node).
import { timeFormat } from 'd3';

const BASE_WIDTH = 2;
const WIDTH_STEP = 1.6;

/** The bottom line is the widest; each later one narrower, so coinciding lines stay visible. */
export function lineWidth(series: number, count: number): number {
  return BASE_WIDTH + WIDTH_STEP * (count - 1 - series);
}

/** 24-hour clock labels: seconds when the chart spans under 10 minutes. */
export function clock(spanMs: number): (d: Date) => string {
  return timeFormat(spanMs < 10 * 60_000 ? '%H:%M:%S' : '%H:%M');
}
