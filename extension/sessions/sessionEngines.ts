// One engine per debug session we can serve. Tracks sessions, their stopped state and the agent's
// custom reply events, and tells listeners when the set of sessions changes.
import * as vscode from 'vscode';
import type { LiveRefsEngine } from '../engines/liveRefsEngine';
import { PythonEngine } from '../engines/python/pythonEngine';
import { loadAgentBundle, AgentBundle } from '../engines/python/agentBundle';
import { DapEvaluator } from '../transports/dapEvaluator';
import { createSessionEvaluator } from '../transports/debugSessionEvaluator';
import type { Logger } from '../logger';

/** Debug types whose debuggee is a Python process debugged by debugpy. */
export const PYTHON_DEBUG_TYPES = ['debugpy', 'python'];

export interface SessionEngine {
  session: vscode.DebugSession;
  engine: LiveRefsEngine;
  /** True while the debuggee is stopped at a breakpoint or pause. */
  stopped: boolean;
}

export class SessionEngines implements vscode.Disposable {
  private readonly entries = new Map<string, SessionEngine & { evaluator: DapEvaluator }>();
  private readonly changed = new vscode.EventEmitter<void>();
  private readonly stateChanged = new vscode.EventEmitter<SessionEngine>();
  private readonly disposables: vscode.Disposable[] = [];
  private bundle: AgentBundle | undefined;

  /** Fires when a session starts or ends. */
  readonly onDidChangeSessions = this.changed.event;
  /** Fires when a session stops or continues. */
  readonly onDidChangeState = this.stateChanged.event;

  constructor(private readonly agentDir: string, private readonly logger: Logger) {
    this.disposables.push(
      vscode.debug.onDidStartDebugSession((s) => this.add(s)),
      vscode.debug.onDidTerminateDebugSession((s) => this.remove(s)),
      vscode.debug.onDidReceiveDebugSessionCustomEvent((e) => this.entries.get(e.session.id)?.evaluator.handleEvent(e.event, e.body)),
      vscode.debug.registerDebugAdapterTrackerFactory('*', { createDebugAdapterTracker: (s) => this.tracker(s) }),
      this.changed, this.stateChanged,
    );
    for (const session of [vscode.debug.activeDebugSession].filter((s): s is vscode.DebugSession => !!s)) this.add(session);
  }

  list(): SessionEngine[] {
    return [...this.entries.values()];
  }

  get(session: vscode.DebugSession | undefined): SessionEngine | undefined {
    return session ? this.entries.get(session.id) : undefined;
  }

  /** The entry for the active debug session, or the only one. */
  active(): SessionEngine | undefined {
    return this.get(vscode.debug.activeDebugSession) ?? (this.entries.size === 1 ? this.list()[0] : undefined);
  }

  private add(session: vscode.DebugSession): void {
    if (!PYTHON_DEBUG_TYPES.includes(session.type) || this.entries.has(session.id)) return;
    // A debugpy launch has a parent session for the adapter and children per process; the
    // process sessions are the ones that can evaluate. Both answer evaluate, so keep both only
    // when they have no parent/child relation we could collapse.
    this.bundle ??= loadAgentBundle(this.agentDir);
    const evaluator = createSessionEvaluator(session);
    const engine = new PythonEngine(evaluator, this.bundle, (line) => this.logger.trace(`[${session.name}] ${line}`));
    this.entries.set(session.id, { session, engine, evaluator, stopped: false });
    this.logger.info(`session ${session.name} (${session.type}) started`);
    this.changed.fire();
  }

  private remove(session: vscode.DebugSession): void {
    const entry = this.entries.get(session.id);
    if (!entry) return;
    entry.evaluator.close(vscode.l10n.t('The debug session "{0}" ended.', session.name));
    entry.engine.dispose();
    this.entries.delete(session.id);
    this.logger.info(`session ${session.name} ended`);
    this.changed.fire();
  }

  private tracker(session: vscode.DebugSession): vscode.DebugAdapterTracker | undefined {
    if (!PYTHON_DEBUG_TYPES.includes(session.type)) return undefined;
    return {
      onDidSendMessage: (message: { type?: string; event?: string; body?: { threadId?: number } }) => {
        if (message.type !== 'event' || (message.event !== 'stopped' && message.event !== 'continued')) return;
        const entry = this.entries.get(session.id);
        if (!entry) return;
        entry.evaluator.handleEvent(message.event, message.body);
        entry.stopped = message.event === 'stopped';
        this.stateChanged.fire(entry);
      },
    };
  }

  dispose(): void {
    for (const entry of this.entries.values()) entry.evaluator.close();
    this.entries.clear();
    vscode.Disposable.from(...this.disposables).dispose();
  }
}
