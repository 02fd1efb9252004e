// The adapter imports no `vscode`, yet its messages reach the user. It takes a localizer with the
// shape of `vscode.l10n` (VS Code passes the real one; `liveref dap` uses English), so the strings
// stay l10n.t calls that `npm run l10n` and the l10n test find.
export interface Localizer {
  t(message: string, ...args: Array<string | number | boolean>): string;
}

export const english: Localizer = {
  t: (message, ...args) => message.replace(/\{(\d+)\}/g, (match, index: string) => (Number(index) < args.length ? String(args[Number(index)]) : match)),
};
