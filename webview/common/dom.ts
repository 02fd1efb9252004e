// The page's static containers (markup from ui/views/*Panel.ts) and the d3 selection of one.
import type { Selection } from 'd3-selection';

export type Container = Selection<HTMLElement, unknown, null, undefined>;

/** A container of the page by id: the panel's markup always has it. */
export const el = (id: string): HTMLElement => document.getElementById(id) as HTMLElement;
