// One engine per debug session we can serve. Tracks sessions, their stopped state and the DAP
// events their engines need, and tells listeners when the set of sessions changes. Which engine a
// session gets is up to the factory registered for its debug type.
import * as vscode from 'vscode';
import type { LiveRefsEngine } from '../../core/liveRefsEngine';
import type { Logger } from '../logger';
import type { SessionEngineFactory, SessionEngineHandle } from './engineFactory';

export interface SessionEngine {
  session: vscode.DebugSession;
  engine: LiveRefsEngine;
  /** True while the debuggee is stopped at a breakpoint or pause. */
  stopped: boolean;
  /** The runtime's offer when a site is unknown (see SessionEngineHandle). */
  offerAllocationTracing?(): Promise<void>;
}

export class SessionEngines implements vscode.Disposable {
  private readonly entries = new Map<string, SessionEngine & { handle: SessionEngineHandle }>();
  private readonly changed = new vscode.EventEmitter<void>();
  private readonly stateChanged = new vscode.EventEmitter<SessionEngine>();
  private readonly disposables: vscode.Disposable[] = [];

  /** Fires when a session starts or ends. */
  readonly onDidChangeSessions = this.changed.event;
  /** Fires when a session stops or continues. */
  readonly onDidChangeState = this.stateChanged.event;

  constructor(private readonly factories: readonly SessionEngineFactory[], private readonly logger: Logger) {
    this.disposables.push(
      vscode.debug.onDidStartDebugSession((s) => this.add(s)),
      vscode.debug.onDidTerminateDebugSession((s) => this.remove(s)),
      vscode.debug.onDidReceiveDebugSessionCustomEvent((e) => this.entries.get(e.session.id)?.handle.handleEvent?.(e.event, e.body)),
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

  private factoryFor(session: vscode.DebugSession): SessionEngineFactory | undefined {
    return this.factories.find((f) => f.debugTypes.includes(session.type));
  }

  private add(session: vscode.DebugSession): void {
    if (this.entries.has(session.id)) return;
    const handle = this.factoryFor(session)?.create(session);
    if (!handle) return;
    this.entries.set(session.id, { session, engine: handle.engine, handle, stopped: false, offerAllocationTracing: handle.offerAllocationTracing });
    this.logger.info(`session ${session.name} (${session.type}) started`);
    this.changed.fire();
  }

  private remove(session: vscode.DebugSession): void {
    const entry = this.entries.get(session.id);
    if (!entry) return;
    entry.handle.close(vscode.l10n.t('The debug session "{0}" ended.', session.name));
    this.entries.delete(session.id);
    this.logger.info(`session ${session.name} ended`);
    this.changed.fire();
  }

  private tracker(session: vscode.DebugSession): vscode.DebugAdapterTracker | undefined {
    if (!this.factoryFor(session)) return undefined;
    return {
      onDidSendMessage: (message: { type?: string; event?: string; body?: { threadId?: number } }) => {
        if (message.type !== 'event' || (message.event !== 'stopped' && message.event !== 'continued')) return;
        const entry = this.entries.get(session.id);
        if (!entry) return;
        entry.handle.handleEvent?.(message.event, message.body);
        entry.stopped = message.event === 'stopped';
        this.stateChanged.fire(entry);
      },
    };
  }

  dispose(): void {
    for (const entry of this.entries.values()) entry.handle.close(vscode.l10n.t('Live References was deactivated.'));
    this.entries.clear();
    vscode.Disposable.from(...this.disposables).dispose();
  }
}
