// Number formats shared by the time charts.

/** 0.35 → "350 ms", 12 → "12 s", 200 → "3.3 min", 9000 → "2.5 h". */
export function formatSeconds(s: number): string {
  if (s < 1) return `${Math.round(s * 1000)} ms`;
  if (s < 100) return `${+s.toFixed(s < 10 ? 1 : 0)} s`;
  if (s < 6000) return `${+(s / 60).toFixed(1)} min`;
  return `${+(s / 3600).toFixed(1)} h`;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(0)} KB`;
  return `${(n / 1048576).toFixed(n < 100 * 1048576 ? 1 : 0)} MB`;
}
