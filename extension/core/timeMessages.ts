// Messages between the time webview (age histogram, growth trend) and the extension.
import type { AgeHistogram } from './types';

/** One line per class plus the program's RSS, aligned with the refresh times (ms). */
export interface GrowthSeries {
  times: number[];
  rssBytes: Array<number | null>;
  classes: Array<{ className: string; counts: Array<number | null> }>;
}

export type ToTimeWebview =
  | { type: 'strings'; strings: Record<string, string> }
  | { type: 'ages'; histogram: AgeHistogram }
  | { type: 'growth'; series: GrowthSeries; /** Classes flagged "still growing". */ growing: string[]; /** The debug session charted. */ sessionName: string }
  | { type: 'status'; message: string };

export type FromTimeWebview =
  | { type: 'ready' }
  /** A bar was clicked: open the objects of that age range (ages as of the histogram's `now`). */
  | { type: 'openAges'; lowS: number; highS: number }
  | { type: 'scale'; scale: 'log' | 'linear' }
  | { type: 'reload' }
  | { type: 'exportCsv' }
  | { type: 'rendered'; bars: number; lines: number };
