// The extension's output channel. Everything the user cannot act on goes here, not to a toast.
import * as vscode from 'vscode';

export interface Logger {
  info(message: string): void;
  trace(message: string): void;
  error(message: string, error?: unknown): void;
  show(): void;
}

export function createLogger(): Logger & vscode.Disposable {
  const channel = vscode.window.createOutputChannel('Live References', { log: true });
  return {
    info: (m) => channel.info(m),
    trace: (m) => channel.trace(m),
    error: (m, e) => channel.error(e instanceof Error ? `${m}: ${e.message}` : m),
    show: () => channel.show(true),
    dispose: () => channel.dispose(),
  };
}
