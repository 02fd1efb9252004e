// The partition webview cannot call vscode.l10n; the extension translates its strings and sends
// them over.
import * as vscode from 'vscode';

export function partitionWebviewStrings(): Record<string, string> {
  return {
    size: vscode.l10n.t('Size'),
    count: vscode.l10n.t('Count'),
    label: vscode.l10n.t('Label'),
    percent: vscode.l10n.t('%'),
    byType: vscode.l10n.t('Type'),
    byVia: vscode.l10n.t('Referred via'),
    sortBy: vscode.l10n.t('Measure'),
    totals: vscode.l10n.t('{0} objects, {1} bytes, {2} ms'),
    working: vscode.l10n.t('Working: {0} {1} of {2}'),
    samples: vscode.l10n.t('Example objects referred via {0}'),
    noSamples: vscode.l10n.t('No example objects for this row.'),
    cancel: vscode.l10n.t('Cancel'),
    none: vscode.l10n.t('(no named referrer)'),
    moreRows: vscode.l10n.t('{0} more rows not shown'),
    drillHint: vscode.l10n.t('Enter: partition this type by via'),
    samplesHint: vscode.l10n.t('Enter: show example objects'),
    countDelta: vscode.l10n.t('Δ Count'),
    sizeDelta: vscode.l10n.t('Δ Size'),
    newCount: vscode.l10n.t('New'),
    retained: vscode.l10n.t('Retained'),
    computeRetained: vscode.l10n.t('Compute retained sizes'),
    retainedObjects: vscode.l10n.t('{0} objects would be freed'),
    computeRetainedHint: vscode.l10n.t('What releasing each row\'s objects would free (first rows only; about one heap pass each)'),
  };
}
