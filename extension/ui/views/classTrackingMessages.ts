// The Live References list's words for what the classes named for tracking found: a name still
// waiting for its class, a name matching several classes, a class that cannot be hooked.
import * as vscode from 'vscode';
import type { ClassTrackingStatus } from '../../core/types';

export function classTrackingMessages(status: ClassTrackingStatus | undefined): string[] {
  if (!status) return [];
  const out: string[] = [];
  for (const name of status.waiting) out.push(vscode.l10n.t('{0}: no class of that name yet; waiting for the module that defines it to be imported.', name));
  for (const [name, found] of Object.entries(status.ambiguous)) {
    out.push(vscode.l10n.t('{0} matches {1} classes: {2}. Tracking {3}; name one as package.module.Class.', name, found.length, found.join(', '), found[0]));
  }
  for (const [name, message] of Object.entries(status.problems)) out.push(vscode.l10n.t('{0} cannot be tracked: {1}', name, message));
  return out;
}
