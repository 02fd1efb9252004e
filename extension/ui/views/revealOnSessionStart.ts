// Placement: Live References and Inspected Objects live in their own panel container next to the
// Debug Console (in the Run and Debug side bar they sat collapsed under Variables, Watch, Call
// Stack and Breakpoints, where a new user did not find them). The container is shown when the
// first supported session starts, without taking the keyboard focus from the editor.
import * as vscode from 'vscode';
import type { SessionEngines } from '../sessions/sessionEngines';
import type { Logger } from '../logger';

export const LIVE_REFS_VIEW = 'liveReferences.view';
export const INSPECTED_VIEW = 'liveReferences.inspected';

/** Opens a view (and its container) without moving the keyboard focus. */
export async function showView(viewId: string): Promise<void> {
  try {
    await vscode.commands.executeCommand(`${viewId}.open`, { preserveFocus: true });
  } catch {
    // `<view>.open` is newer than some supported VS Code versions; `.focus` exists everywhere.
    await vscode.commands.executeCommand(`${viewId}.focus`);
  }
}

export function registerRevealOnSessionStart(sessions: SessionEngines, logger: Logger): vscode.Disposable {
  let live = sessions.list().length;
  return sessions.onDidChangeSessions(() => {
    const now = sessions.list().length;
    const first = live === 0 && now > 0;
    live = now;
    if (!first || !vscode.workspace.getConfiguration('liveReferences').get<boolean>('revealOnSessionStart', true)) return;
    showView(LIVE_REFS_VIEW).catch((error) => logger.error('could not show the Live References view', error));
  });
}
