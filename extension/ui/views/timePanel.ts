// Hosts the time webview: the age histogram of one tracked class (asked for on demand, never per
// refresh) and the growth trend of a session (redrawn on every Live References refresh). The
// webview sees plain histograms and series only; opening a bar's objects and the CSV export are
// commands.
import * as vscode from 'vscode';
import type { FromTimeWebview, ToTimeWebview } from '../../core/timeMessages';
import { isWebviewMessage } from '../../core/webviewMessages';
import type { AgeHistogram } from '../../core/types';
import type { SessionEngine } from '../sessions/sessionEngines';
import { describeError } from '../errors';
import { Commands } from '../commandIds';
import type { LiveRefsTree } from './liveRefsTree';
import { timeWebviewStrings } from './timeWebviewStrings';
import { webviewHtml } from './webviewHtml';
import type { PanelHost } from './panelReports';

type Mode =
  | { kind: 'ages'; entry: SessionEngine; className: string; scale: 'log' | 'linear'; histogram?: AgeHistogram }
  | { kind: 'growth'; sessionId: string; name: string; tree: LiveRefsTree };

export class TimePanel {
  private static readonly current = new Map<Mode['kind'], TimePanel>();
  private readonly disposables: vscode.Disposable[] = [];
  private ready = false;

  static showAges(host: PanelHost, entry: SessionEngine, className: string): TimePanel {
    return TimePanel.open(host, { kind: 'ages', entry, className, scale: 'log' }, vscode.l10n.t('Ages: {0}', className));
  }

  static showGrowth(host: PanelHost, tree: LiveRefsTree, sessionId: string, name: string): TimePanel {
    const panel = TimePanel.open(host, { kind: 'growth', sessionId, name, tree }, vscode.l10n.t('Growth: {0}', name));
    panel.disposables.push(tree.onDidChangeTreeData(() => panel.postGrowth()));
    return panel;
  }

  private static open(host: PanelHost, mode: Mode, title: string): TimePanel {
    TimePanel.current.get(mode.kind)?.panel.dispose();
    const panel = new TimePanel(host, mode, title);
    TimePanel.current.set(mode.kind, panel);
    return panel;
  }

  private readonly panel: vscode.WebviewPanel;

  private constructor(private readonly host: PanelHost, private mode: Mode, title: string) {
    this.panel = vscode.window.createWebviewPanel('liveReferences.time', title, vscode.ViewColumn.Active, {
      enableScripts: true, retainContextWhenHidden: true,
      localResourceRoots: [vscode.Uri.joinPath(host.extensionUri, 'dist'), vscode.Uri.joinPath(host.extensionUri, 'media')],
    });
    this.panel.iconPath = vscode.Uri.joinPath(host.extensionUri, 'media', 'icon.svg');
    this.panel.webview.html = this.html();
    this.disposables.push(this.panel.webview.onDidReceiveMessage((m: unknown) => { if (isWebviewMessage<FromTimeWebview>(m)) void this.onMessage(m); }));
    this.panel.onDidDispose(() => {
      vscode.Disposable.from(...this.disposables).dispose();
      if (TimePanel.current.get(this.mode.kind) === this) TimePanel.current.delete(this.mode.kind);
    });
  }

  private post(message: ToTimeWebview): void {
    if (this.ready) void this.panel.webview.postMessage(message);
  }

  private async onMessage(message: FromTimeWebview): Promise<void> {
    const mode = this.mode;
    switch (message.type) {
      case 'ready':
        this.ready = true;
        this.post({ type: 'strings', strings: timeWebviewStrings() });
        if (mode.kind === 'ages') await this.loadAges();
        else this.postGrowth();
        return;
      case 'scale':
      case 'reload':
        if (mode.kind !== 'ages') return;
        if (message.type === 'scale') mode.scale = message.scale;
        return this.loadAges();
      case 'openAges':
        if (mode.kind !== 'ages' || !mode.histogram) return;
        await vscode.commands.executeCommand(Commands.iterateAges, {
          sessionId: mode.entry.session.id, className: mode.className, minAgeS: message.lowS, maxAgeS: message.highS, ageAt: mode.histogram.now,
        });
        return;
      case 'exportCsv':
        if (mode.kind === 'growth') await vscode.commands.executeCommand(Commands.exportGrowthCsv, mode.sessionId);
        return;
      case 'rendered':
        this.host.reports.time = { kind: mode.kind, bars: message.bars, lines: message.lines };
        return;
    }
  }

  private async loadAges(): Promise<void> {
    if (this.mode.kind !== 'ages') return;
    const mode = this.mode;
    this.post({ type: 'status', message: vscode.l10n.t('Reading the creation times of {0}…', mode.className) });
    try {
      mode.histogram = await mode.entry.engine.ages({ className: mode.className, scale: mode.scale, bins: 40 }, { timeoutMs: 60_000 });
      this.post({ type: 'ages', histogram: mode.histogram });
    } catch (error) {
      this.post({ type: 'status', message: describeError(error) });
    }
  }

  private postGrowth(): void {
    if (this.mode.kind !== 'growth') return;
    this.followNewSession(this.mode);
    const { tree, sessionId, name } = this.mode;
    const history = tree.histories.of(sessionId);
    const growing = history.classNames().filter((className) => tree.isStillGrowing(sessionId, className));
    this.post({ type: 'growth', series: history.series(), growing, sessionName: name });
  }

  /**
   * An open Growth panel follows the newest session once its own has ended or been forgotten
   * (a new debug session replaces the ended one's rows), so it never sits at "0 refreshes"
   * under the old session's name while the new program runs.
   */
  private followNewSession(mode: Extract<Mode, { kind: 'growth' }>): void {
    const ids = mode.tree.sessionIds();
    const latest = ids[ids.length - 1];
    if (latest === undefined || latest === mode.sessionId) return;
    const own = mode.tree.stateOf(mode.sessionId);
    if (own && own.kind !== 'ended') return;
    mode.sessionId = latest;
    mode.name = mode.tree.nameOf(latest) ?? latest;
    this.panel.title = vscode.l10n.t('Growth: {0}', mode.name);
  }

  private html(): string {
    return webviewHtml({
      webview: this.panel.webview, extensionUri: this.host.extensionUri, script: 'timeWebview.js', style: 'time.css', title: 'Live References',
      body: `<h2 id="title"></h2>
<div id="status" role="status"></div>
<div id="toolbar"></div>
<div id="legend"></div>
<div id="chart"></div>
<div id="hover" aria-live="polite"></div>`,
    });
  }
}
