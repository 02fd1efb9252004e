// The time webview cannot call vscode.l10n; the extension translates its strings and sends them.
import * as vscode from 'vscode';

export function timeWebviewStrings(): Record<string, string> {
  return {
    agesTitle: vscode.l10n.t('Ages of the live {0} objects'),
    agesStatus: vscode.l10n.t('{0} live objects; the oldest was created {1} ago.'),
    agesHint: vscode.l10n.t('Hover a bar for its count and age range; click it to list those objects.'),
    bucket: vscode.l10n.t('{0} objects created {1} – {2} ago'),
    ageAxis: vscode.l10n.t('created … ago (oldest on the left)'),
    scale: vscode.l10n.t('Buckets'),
    log: vscode.l10n.t('Log'),
    linear: vscode.l10n.t('Linear'),
    reload: vscode.l10n.t('Reload'),
    growthTitle: vscode.l10n.t('Growth of live objects: {0}'),
    growthStatus: vscode.l10n.t('{0} refreshes; resident memory now {1}.'),
    exportCsv: vscode.l10n.t('Export CSV…'),
    rss: vscode.l10n.t('Resident memory (right axis)'),
    stillGrowing: vscode.l10n.t('still growing'),
  };
}
