// How a runtime plugs into the views: a factory per family of debug types turns a VS Code debug
// session into a runtime-neutral engine. SessionEngines knows no runtime; each factory does.
import type * as vscode from 'vscode';
import type { LiveRefsEngine } from '../engines/liveRefsEngine';

export interface SessionEngineHandle {
  engine: LiveRefsEngine;
  /** DAP events seen on the session (custom events, stopped, continued). */
  handleEvent?(event: string, body: unknown): void;
  /** The session ended: fail pending calls with `reason` and release what the engine holds. */
  close(reason: string): void;
}

export interface SessionEngineFactory {
  /** Debug types (`session.type`) this factory serves. */
  readonly debugTypes: readonly string[];
  /** Undefined when this particular session cannot be served (e.g. an adapter-only parent). */
  create(session: vscode.DebugSession): SessionEngineHandle | undefined;
}
