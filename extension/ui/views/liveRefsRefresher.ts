// Keeps the Live References tree current: one refresh per session every
// `liveReferences.refreshIntervalMs` while the program runs (never pausing it), one on every stop,
// none while the user paused auto-refresh. At most one refresh per session is in flight.
import * as vscode from 'vscode';
import type { Logger } from '../logger';
import type { SessionEngine, SessionEngines } from '../sessions/sessionEngines';
import type { LiveRefsTree } from './liveRefsTree';
import { describeError } from '../errors';
import { ContextKeys, setContext } from '../contextKeys';

export class LiveRefsRefresher implements vscode.Disposable {
  private timer: NodeJS.Timeout | undefined;
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly lastError = new Map<string, string>();
  private paused = false;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly sessions: SessionEngines, private readonly tree: LiveRefsTree, private readonly logger: Logger) {
    this.disposables.push(
      sessions.onDidChangeSessions(() => this.onSessionsChanged()),
      sessions.onDidChangeState((entry) => { if (entry.stopped) void this.refreshOne(entry); }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('liveReferences')) { this.restartTimer(); void this.refreshAll(); }
      }),
    );
    this.onSessionsChanged();
    setContext(ContextKeys.refreshPaused, false);
  }

  setPaused(paused: boolean): void {
    this.paused = paused;
    setContext(ContextKeys.refreshPaused, paused);
    this.restartTimer();
  }

  /**
   * A refresh someone asked for (the Refresh command, a changed setting): the rows shown after it
   * are read after the request, never an older refresh still under way, and exact (the runtime's
   * uncollected garbage is not counted, even where that costs a collection).
   */
  async refreshAll(): Promise<void> {
    await Promise.all(this.sessions.list().map(async (entry) => {
      // A timer tick may start another refresh while we wait for the first: wait for it too.
      for (let running = this.inFlight.get(entry.session.id); running; running = this.inFlight.get(entry.session.id)) await running;
      await this.refreshOne(entry, true);
    }));
  }

  /** One refresh of a session; a no-op while another is under way (timer ticks do not pile up). */
  refreshOne(entry: SessionEngine, exact = false): Promise<void> {
    const id = entry.session.id;
    const running = this.inFlight.get(id);
    if (running) return running;
    const work = this.fetch(entry, exact).finally(() => this.inFlight.delete(id));
    this.inFlight.set(id, work);
    return work;
  }

  private async fetch(entry: SessionEngine, exact: boolean): Promise<void> {
    const id = entry.session.id;
    try {
      const ignore = vscode.workspace.getConfiguration('liveReferences').get<string[]>('ignore', []);
      const snapshot = await entry.engine.liveRefs(ignore, { timeoutMs: 15_000, exact });
      if (!this.sessions.get(entry.session)) return;
      this.lastError.delete(id);
      this.tree.setState(entry, { kind: 'rows', snapshot });
    } catch (error) {
      if (!this.sessions.get(entry.session)) return;
      const message = describeError(error);
      // Shown once in the view; logged once per distinct message, never a loop of toasts.
      if (this.lastError.get(id) !== message) this.logger.error(`refresh of ${entry.session.name} failed`, error);
      this.lastError.set(id, message);
      const previous = this.tree.stateOf(id);
      this.tree.setState(entry, { kind: 'error', message, snapshot: previous && 'snapshot' in previous ? previous.snapshot : undefined });
    }
  }

  private onSessionsChanged(): void {
    const live = new Set(this.sessions.list().map((e) => e.session.id));
    const started = this.sessions.list().some((e) => !this.tree.stateOf(e.session.id));
    for (const id of this.tree.sessionIds()) {
      if (live.has(id)) continue;
      // An ended session keeps its last rows, marked ended, until the next session starts.
      if (started) this.tree.forget(id);
      else this.tree.markEnded(id);
    }
    for (const entry of this.sessions.list()) {
      if (!this.tree.stateOf(entry.session.id)) {
        this.tree.setState(entry, { kind: 'loading' });
        void this.refreshOne(entry);
      }
    }
    for (const id of [...this.lastError.keys()]) if (!live.has(id)) this.lastError.delete(id);
    setContext(ContextKeys.hasSession, this.tree.sessionIds().length > 0);
    this.restartTimer();
  }

  private restartTimer(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.paused || !this.sessions.list().length) return;
    const interval = Math.max(250, vscode.workspace.getConfiguration('liveReferences').get<number>('refreshIntervalMs', 2000));
    this.timer = setInterval(() => {
      for (const entry of this.sessions.list()) if (!entry.stopped) void this.refreshOne(entry);
    }, interval);
  }

  dispose(): void {
    if (this.timer) clearInterval(this.timer);
    vscode.Disposable.from(...this.disposables).dispose();
  }
}
