// DapEvaluator over a VS Code debug session: requests go through `customRequest`, agent replies
// arrive through `onDidReceiveDebugSessionCustomEvent` and stopped/continued through a tracker
// (both wired by the session registry, which sees every session).
import type * as vscode from 'vscode';
import { DapEvaluator } from '../dap/dapEvaluator';

export function createSessionEvaluator(session: vscode.DebugSession): DapEvaluator {
  return new DapEvaluator(`debug session ${session.name}`, {
    request: async (command, args) => session.customRequest(command, args as Record<string, unknown>),
  });
}
