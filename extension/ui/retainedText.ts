// The sentences that describe a retained size, in one place for the tree, the inspector and the
// Leak Suspects report: "keeps 4.2 MB alive: 1,203 objects, mostly bytes".
import * as vscode from 'vscode';
import type { RetainedResult, RetainedSize } from '../core/types';
import { formatBytes, shortTypeName } from '../core/byteSize';

/** "4.2 MB retained" for a tree row's description. */
export function retainedShort(r: RetainedSize): string {
  return vscode.l10n.t('{0} retained', formatBytes(r.size));
}

/** "keeps 4.2 MB alive: 1,203 objects, mostly bytes". */
export function retainedSentence(r: RetainedResult): string {
  const top = r.byType[0];
  const count = r.count.toLocaleString();
  return top
    ? vscode.l10n.t('keeps {0} alive: {1} objects, mostly {2}', formatBytes(r.size), count, shortTypeName(top.label))
    : vscode.l10n.t('keeps {0} alive: {1} objects', formatBytes(r.size), count);
}

/** Multi-line plain-text tooltip: totals, the first types, and whether the cycle search was cut. */
export function retainedTooltip(r: RetainedResult): string {
  const lines = [retainedSentence(r), vscode.l10n.t('{0} objects in the set itself', r.setCount.toLocaleString())];
  for (const t of r.byType.slice(0, 6)) lines.push(`  ${t.count.toLocaleString()} × ${t.label}  ${formatBytes(t.size)}`);
  if (!r.exact) lines.push(vscode.l10n.t('At least this much: the search for garbage cycles hit its budget.'));
  return lines.join('\n');
}
