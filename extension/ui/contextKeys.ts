// Context keys that `when` clauses in package.json test; set from views, sessions and commands.
import * as vscode from 'vscode';

export const ContextKeys = {
  hasSession: 'liveReferences.hasSession',
  refreshPaused: 'liveReferences.refreshPaused',
} as const;

export function setContext(key: (typeof ContextKeys)[keyof typeof ContextKeys], value: unknown): void {
  void vscode.commands.executeCommand('setContext', key, value);
}
