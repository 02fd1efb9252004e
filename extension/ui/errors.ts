// Turns any failure from an engine or transport into one calm sentence for the user.
import * as vscode from 'vscode';
import { EngineError } from '../core/liveRefsEngine';
import { TransportError } from '../core/transportError';

export function describeError(error: unknown): string {
  if (error instanceof EngineError) {
    switch (error.code) {
      case 'gone': return vscode.l10n.t('The object is no longer alive: the program released it.');
      case 'unknownClass': return vscode.l10n.t('No live objects of that class any more.');
      case 'unavailable': return error.message;
      default: return vscode.l10n.t('The Live References agent failed: {0}', error.message);
    }
  }
  if (error instanceof TransportError) {
    switch (error.code) {
      case 'timeout': return vscode.l10n.t('The program did not answer in time. It may be busy; try again.');
      case 'cancelled': return vscode.l10n.t('Cancelled.');
      case 'disconnected': return vscode.l10n.t('The debug session has ended.');
      default: return error.message;
    }
  }
  return error instanceof Error ? error.message : String(error);
}

export function isCancellation(error: unknown): boolean {
  return error instanceof TransportError && error.code === 'cancelled';
}
