// Leak Suspects ranking (pure, unit-tested): tracked classes and their via groups ranked by what
// they keep alive, growing ones first — Eclipse MAT's Leak Suspects report, on a live program.
import type { ObjectSummary, RetainedSize } from '../../core/types';

export interface Suspect {
  className: string;
  /** Undefined for the whole class; a by-via row label otherwise ('' = no named referrer). */
  via?: string;
  count: number;
  /** Change of the class's live count since the previous refresh. */
  growth: number;
  retained: RetainedSize;
  /** Most common freed type, when known. */
  mostly?: string;
  /** An object of the group to open (via groups); classes open their oldest object. */
  sample?: ObjectSummary;
}

/**
 * Growing suspects first (a leak grows), then by retained size. A via group that keeps at least
 * half of its class's retained size is ranked right above its class: it names the path.
 */
export function rankSuspects(suspects: readonly Suspect[]): Suspect[] {
  const classSize = new Map(suspects.filter((s) => s.via === undefined).map((s) => [s.className, s.retained.size]));
  const key = (s: Suspect) => {
    const whole = classSize.get(s.className);
    const dominant = s.via !== undefined && whole !== undefined && s.retained.size * 2 >= whole;
    return { growing: s.growth > 0 ? 1 : 0, size: dominant ? whole : s.retained.size, specific: dominant ? 1 : 0 };
  };
  return [...suspects].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    return kb.growing - ka.growing || kb.size - ka.size || kb.specific - ka.specific || b.retained.size - a.retained.size
      || a.className.localeCompare(b.className);
  });
}
