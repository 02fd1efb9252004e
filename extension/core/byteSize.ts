// Human-readable byte counts, shared by the views, the webview and the CLI (no vscode here).

const UNITS = ['B', 'KB', 'MB', 'GB', 'TB'];

/** 4 200 000 → "4.2 MB" (powers of 1000, as VS Code itself words sizes). */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  const digits = unit === 0 || Math.abs(value) >= 100 ? 0 : 1;
  return `${value.toFixed(digits)} ${UNITS[unit]}`;
}

/** Short type name of a by-type label: `scrapy.http.headers.Headers` → `Headers`. */
export function shortTypeName(label: string): string {
  const dot = label.lastIndexOf('.');
  return dot >= 0 ? label.slice(dot + 1) : label;
}
