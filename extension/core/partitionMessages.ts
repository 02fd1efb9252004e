// Messages between the partition webview and the extension: one declaration per message.
import type { ObjectSummary, Partition, Progress } from './types';

export interface Crumb {
  label: string;
}

export type ToWebview =
  | { type: 'partition'; partition: Partition; crumbs: Crumb[]; /** Rows can be drilled into (by-type level). */ drillable: boolean }
  | { type: 'progress'; progress: Progress; crumbs: Crumb[] }
  | { type: 'error'; message: string; crumbs: Crumb[] }
  | { type: 'samples'; rowLabel: string; samples: ObjectSummary[] }
  | { type: 'strings'; strings: Record<string, string> };

export type FromWebview =
  | { type: 'ready' }
  | { type: 'drill'; rowLabel: string }
  | { type: 'showSamples'; rowLabel: string }
  | { type: 'openObject'; handle: string }
  | { type: 'crumb'; index: number }
  | { type: 'cancel' }
  | { type: 'metrics'; firstPaintMs: number; rows: number }
  /** Recompute the current level with each row's retained size. */
  | { type: 'computeRetained' };
