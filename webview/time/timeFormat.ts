// Number formats shared by the time charts.

/** 0.35 → "350 ms", 12 → "12 s", 200 → "3.3 min", 9000 → "2.5 h". */
export function formatSeconds(s: number): string {
  if (s < 1) return `${Math.round(s * 1000)} ms`;
  if (s < 100) return `${+s.toFixed(s < 10 ? 1 : 0)} s`;
  if (s < 6000) return `${+(s / 60).toFixed(1)} min`;
  return `${+(s / 3600).toFixed(1)} h`;
}
