// The webview cannot call vscode.l10n: the extension translates the app's strings and sends them
// in a 'strings' message; until then a key stands for itself.

let strings: Record<string, string> = {};

export function setStrings(translated: Record<string, string>): void {
  strings = translated;
}

export function allStrings(): Record<string, string> {
  return strings;
}

/** The string for `key` with {0}, {1}… replaced by `args`. */
export const t = (key: string, ...args: Array<string | number>): string =>
  (strings[key] ?? key).replace(/\{(\d)\}/g, (_m, i: string) => String(args[Number(i)] ?? ''));
