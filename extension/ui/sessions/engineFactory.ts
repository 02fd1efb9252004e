// How a runtime plugs into the views: a factory per family of debug types turns a VS Code debug
// session into a runtime-neutral engine. SessionEngines knows no runtime; each factory does.
import type * as vscode from 'vscode';
import type { LiveRefsEngine } from '../../core/liveRefsEngine';
import type { Logger } from '../logger';

export interface SessionEngineHandle {
  engine: LiveRefsEngine;
  /** DAP events seen on the session (custom events, stopped, continued). */
  handleEvent?(event: string, body: unknown): void;
  /** The session ended: fail pending calls with `reason` and release what the engine holds. */
  close(reason: string): void;
  /**
   * What the runtime can do when a site the user asked for is unknown (Python: offer to turn on
   * tracemalloc). The UI calls it without knowing which runtime it talks to.
   */
  offerAllocationTracing?(): Promise<void>;
}

export interface SessionEngineFactory {
  /** Debug types (`session.type`) this factory serves. */
  readonly debugTypes: readonly string[];
  /** Undefined when this particular session cannot be served (e.g. an adapter-only parent). */
  create(session: vscode.DebugSession): SessionEngineHandle | undefined;
}

/** What extension.ts hands each runtime's activation. */
export interface RuntimeHost {
  extension: vscode.ExtensionContext;
  logger: Logger;
  /** The Python agent's folder inside the installed extension. */
  agentDir: string;
}

/** What a runtime's activation gives back: the factory serving its debug types, and its own contributions. */
export interface RuntimeActivation {
  factories: SessionEngineFactory[];
  disposables: vscode.Disposable[];
}
