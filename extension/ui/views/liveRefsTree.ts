// The "Live References" tree (its own activity-bar container and the panel): per session, per tracked class, the
// live count, the age of the oldest instance and the change since the previous refresh.
import * as vscode from 'vscode';
import type { LiveRefRow } from '../../core/types';
import { formatAge } from '../../core/prefsFormat';
import type { SessionEngine } from '../sessions/sessionEngines';
import { formatDelta, SessionViewState, ShownRow, SortKey, visibleRows } from './liveRefsModel';
import { GrowthHistories } from './growthHistory';
import { RetainedStore } from './retainedStore';
import { retainedShort, retainedTooltip } from '../retainedText';
import { Commands } from '../commandIds';
import { classTrackingMessages } from './classTrackingMessages';

export type LiveRefsNode =
  | { kind: 'session'; sessionId: string; name: string }
  | { kind: 'row'; sessionId: string; row: LiveRefRow }
  | { kind: 'message'; sessionId?: string; text: string; icon: string; tooltip?: string };

export class LiveRefsTree implements vscode.TreeDataProvider<LiveRefsNode> {
  private readonly states = new Map<string, SessionViewState>();
  private readonly names = new Map<string, string>();
  private readonly emitter = new vscode.EventEmitter<LiveRefsNode | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  sort: SortKey = 'count';
  filter = '';
  /** Every refresh of every session, for the trend marker, the growth chart and CSV export. */
  readonly histories = new GrowthHistories();
  /** The "Retained" column, filled on demand (Compute Retained Size). */
  readonly retained = new RetainedStore(() => this.refreshView());

  setState(entry: SessionEngine, state: SessionViewState): void {
    this.names.set(entry.session.id, entry.session.name);
    this.states.set(entry.session.id, state);
    if (state.kind === 'rows') this.histories.of(entry.session.id).record(state.snapshot);
    this.emitter.fire(undefined);
  }

  /** True when the class's count rose in each of the last `liveReferences.stillGrowingAfter` refreshes. */
  isStillGrowing(sessionId: string, className: string): boolean {
    const after = Math.max(1, vscode.workspace.getConfiguration('liveReferences').get<number>('stillGrowingAfter', 5));
    return this.histories.has(sessionId) && this.histories.of(sessionId).risingStreak(className) >= after;
  }

  sessionIds(): string[] {
    return [...this.states.keys()];
  }

  nameOf(sessionId: string): string | undefined {
    return this.names.get(sessionId);
  }

  stateOf(sessionId: string): SessionViewState | undefined {
    return this.states.get(sessionId);
  }

  /** Keeps the last rows of an ended session, marked as ended, until another session starts. */
  markEnded(sessionId: string): void {
    const previous = this.states.get(sessionId);
    if (!previous) return;
    const snapshot = previous.kind === 'rows' || previous.kind === 'error' || previous.kind === 'ended' ? previous.snapshot : undefined;
    this.states.set(sessionId, { kind: 'ended', snapshot });
    this.emitter.fire(undefined);
  }

  forget(sessionId: string): void {
    this.retained.forget(sessionId);
    this.states.delete(sessionId);
    this.names.delete(sessionId);
    this.histories.forget(sessionId);
    this.emitter.fire(undefined);
  }

  refreshView(): void {
    this.emitter.fire(undefined);
  }

  /** The rows shown, each with its change since the previous refresh from the growth history. */
  rowsOf(sessionId: string): ShownRow[] {
    const state = this.states.get(sessionId);
    const snapshot = state && 'snapshot' in state ? state.snapshot : undefined;
    if (!snapshot) return [];
    const history = this.histories.of(sessionId);
    return visibleRows(snapshot.rows.map((row) => ({ ...row, delta: history.delta(row.className) })), { sort: this.sort, filter: this.filter });
  }

  getChildren(node?: LiveRefsNode): LiveRefsNode[] {
    if (!node) {
      const ids = [...this.states.keys()];
      if (ids.length === 1) return this.sessionChildren(ids[0]);
      return ids.map((id) => ({ kind: 'session', sessionId: id, name: this.names.get(id) ?? id }));
    }
    return node.kind === 'session' ? this.sessionChildren(node.sessionId) : [];
  }

  getTreeItem(node: LiveRefsNode): vscode.TreeItem {
    switch (node.kind) {
      case 'session': {
        const item = new vscode.TreeItem(node.name, vscode.TreeItemCollapsibleState.Expanded);
        item.iconPath = new vscode.ThemeIcon('debug');
        item.contextValue = 'liveRefSession';
        return item;
      }
      case 'message': {
        const item = new vscode.TreeItem(node.text, vscode.TreeItemCollapsibleState.None);
        item.iconPath = new vscode.ThemeIcon(node.icon);
        item.tooltip = node.tooltip ?? node.text;
        item.contextValue = 'liveRefMessage';
        return item;
      }
      case 'row':
        return this.rowItem(node.sessionId, node.row);
    }
  }

  private sessionChildren(sessionId: string): LiveRefsNode[] {
    const state = this.states.get(sessionId);
    const messages: LiveRefsNode[] = [];
    if (!state || state.kind === 'loading') return [{ kind: 'message', sessionId, text: vscode.l10n.t('Loading live references…'), icon: 'loading~spin' }];
    if (state.kind === 'error') messages.push({ kind: 'message', sessionId, text: state.message, icon: 'error' });
    if (state.kind === 'ended') messages.push({ kind: 'message', sessionId, text: vscode.l10n.t('Session ended: showing the last refresh.'), icon: 'debug-stop' });
    const snapshot = 'snapshot' in state ? state.snapshot : undefined;
    if (snapshot && !snapshot.trackref) {
      messages.push({ kind: 'message', sessionId, text: vscode.l10n.t('Scrapy trackref is not loaded: showing the most common types.'), icon: 'info' });
    }
    for (const text of classTrackingMessages(snapshot?.classTracking)) messages.push({ kind: 'message', sessionId, text, icon: 'warning' });
    const rows = this.rowsOf(sessionId).map((row): LiveRefsNode => ({ kind: 'row', sessionId, row }));
    if (snapshot && !rows.length && state.kind === 'rows') {
      messages.push({ kind: 'message', sessionId, text: this.filter ? vscode.l10n.t('No class matches the filter "{0}".', this.filter) : vscode.l10n.t('No live tracked objects.'), icon: 'info' });
    }
    return [...messages, ...rows];
  }

  private rowItem(sessionId: string, row: LiveRefRow): vscode.TreeItem {
    // The label is a plain string: class names come from the debuggee and are shown as text.
    const item = new vscode.TreeItem(row.className, vscode.TreeItemCollapsibleState.None);
    const change = this.histories.of(sessionId).delta(row.className);
    const delta = formatDelta(change);
    const growing = this.isStillGrowing(sessionId, row.className);
    // Most telling first: a narrow view cuts the description at its end, and the row's hover
    // actions cover its last ~70 px, so the sparkline (also in the tooltip's numbers) goes last.
    const parts = [String(row.count)];
    if (delta) parts.push(`(${delta})`);
    if (growing) parts.push(vscode.l10n.t('still growing'));
    const retained = this.retainedPart(sessionId, row.className);
    if (retained) parts.push(retained);
    // Objects from before the attach are older than any dated one, by an unknown amount.
    if (row.oldestBeforeAttach) parts.push(vscode.l10n.t('oldest: created before Live References attached'));
    else if (row.oldestAgeS !== null) parts.push(vscode.l10n.t('oldest: {0} ago', formatAge(row.oldestAgeS)));
    else if (row.countOnly) parts.push(vscode.l10n.t('count only: no __weakref__'));
    parts.push(this.histories.of(sessionId).sparkline(row.className));
    item.description = parts.filter(Boolean).join('  ');
    item.iconPath = growing ? new vscode.ThemeIcon('flame', new vscode.ThemeColor('charts.red'))
      : change > 0 ? new vscode.ThemeIcon('arrow-up', new vscode.ThemeColor('charts.red'))
        : new vscode.ThemeIcon('symbol-class');
    const tooltip = [vscode.l10n.t('{0}: {1} live objects, oldest created {2} ago, {3} since the previous refresh',
      row.className, row.count, formatAge(row.oldestAgeS) || '?', delta || '0')];
    if (row.beforeAttach) tooltip.push(vscode.l10n.t('{0} created before Live References attached: their age is unknown.', row.beforeAttach));
    if (row.countOnly) tooltip.push(vscode.l10n.t('Its instances cannot be weakly referenced (__slots__ without __weakref__): counted exactly by a gc scan, but there is no oldest object, ages or creation sites. Add "__weakref__" to __slots__ to get them.'));
    if (growing) tooltip.push(vscode.l10n.t('still growing'));
    tooltip.push(...this.retainedTooltipLines(sessionId, row.className));
    item.tooltip = tooltip.join('\n');
    item.contextValue = 'liveRefRow';
    item.id = `${sessionId}/${row.className}`;
    item.command = { command: Commands.revealOldest, title: vscode.l10n.t('Reveal Oldest Object'), arguments: [{ kind: 'row', sessionId, row }] };
    return item;
  }

  /** The Retained column, once computed (never by a refresh): a short text for the description. */
  private retainedPart(sessionId: string, className: string): string | undefined {
    const entry = this.retained.get(sessionId, className);
    if (!entry) return undefined;
    if (entry.kind === 'computing') return vscode.l10n.t('retained: computing…');
    if (entry.kind === 'error') return vscode.l10n.t('retained: failed');
    return retainedShort(entry.result);
  }

  private retainedTooltipLines(sessionId: string, className: string): string[] {
    const entry = this.retained.get(sessionId, className);
    if (entry?.kind === 'done') return [retainedTooltip(entry.result)];
    if (entry?.kind === 'error') return [entry.message];
    return [];
  }
}
