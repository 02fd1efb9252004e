// Resolves what a command acts on: the row it was invoked on, or the active session and a class
// chosen from a quick pick (palette use).
import * as vscode from 'vscode';
import type { LiveRefsNode } from '../views/liveRefsTree';
import type { FeatureContext, SessionEngine } from '../featureContext';

export interface ClassTarget {
  entry: SessionEngine;
  className: string;
}

export function pickSession(ctx: FeatureContext, sessionId?: string): SessionEngine | undefined {
  const entry = sessionId ? ctx.sessions.list().find((e) => e.session.id === sessionId) : ctx.sessions.active();
  if (!entry) {
    void vscode.window.showInformationMessage(sessionId
      ? vscode.l10n.t('The debug session has ended.')
      : vscode.l10n.t('Start a Python or Node.js debug session to see live references.'));
  }
  return entry;
}

export async function pickClass(ctx: FeatureContext, node: LiveRefsNode | undefined, placeHolder: string): Promise<ClassTarget | undefined> {
  if (node?.kind === 'row') {
    const entry = pickSession(ctx, node.sessionId);
    return entry && { entry, className: node.row.className };
  }
  const entry = pickSession(ctx);
  if (!entry) return undefined;
  const rows = ctx.liveRefs.rowsOf(entry.session.id);
  const choice = await vscode.window.showQuickPick(
    rows.map((r) => ({ label: r.className, description: String(r.count) })),
    { placeHolder, matchOnDescription: false },
  );
  return choice && { entry, className: choice.label };
}
