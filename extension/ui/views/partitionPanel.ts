// Hosts the heap partition webview: runs partitions on the engine with progress and cancel,
// keeps the drill-down stack (heap by type → one type by via → sample objects) and answers the
// webview's typed messages. The webview never sees the engine, only plain partitions.
import * as vscode from 'vscode';
import type { Crumb, FromWebview, ToWebview } from '../../core/partitionMessages';
import { isWebviewMessage } from '../../core/webviewMessages';
import type { ObjectSummary, Partition, PartitionRequest } from '../../core/types';
import type { SessionEngine } from '../sessions/sessionEngines';
import { describeError, isCancellation } from '../errors';
import type { ObjectOpener } from './objectOpener';
import type { PanelHost } from './panelReports';
import { openLocation } from './sourceLocations';
import { partitionWebviewStrings } from './partitionWebviewStrings';
import { webviewHtml } from './webviewHtml';

/** What the panel needs from the rest of the extension, given by the commands that open it. */
export interface PartitionServices extends PanelHost {
  objects: ObjectOpener;
}

interface Level {
  request: PartitionRequest;
  crumb: Crumb;
  partition?: Partition;
}

export class PartitionPanel {
  private static current: PartitionPanel | undefined;
  private readonly levels: Level[] = [];
  private abort: AbortController | undefined;

  static show(services: PartitionServices, entry: SessionEngine, request: PartitionRequest, crumb: Crumb): PartitionPanel {
    if (PartitionPanel.current && PartitionPanel.current.entry.session.id === entry.session.id) {
      PartitionPanel.current.panel.reveal();
    } else {
      PartitionPanel.current?.panel.dispose();
      PartitionPanel.current = new PartitionPanel(services, entry);
    }
    const panel = PartitionPanel.current;
    panel.releaseSamples();
    panel.levels.length = 0;
    void panel.push(request, crumb);
    return panel;
  }

  private constructor(private readonly services: PartitionServices, readonly entry: SessionEngine, readonly panel = vscode.window.createWebviewPanel(
    'liveReferences.partition', vscode.l10n.t('Heap Partition'), vscode.ViewColumn.Active,
    { enableScripts: true, retainContextWhenHidden: true, localResourceRoots: [vscode.Uri.joinPath(services.extensionUri, 'dist'), vscode.Uri.joinPath(services.extensionUri, 'media')] },
  )) {
    panel.iconPath = vscode.Uri.joinPath(services.extensionUri, 'media', 'icon.svg');
    panel.webview.html = this.html();
    panel.webview.onDidReceiveMessage((m: unknown) => { if (isWebviewMessage<FromWebview>(m)) void this.onMessage(m); });
    panel.onDidDispose(() => {
      this.abort?.abort();
      this.releaseSamples();
      if (PartitionPanel.current === this) PartitionPanel.current = undefined;
    });
  }

  /** The agent made a handle per sample object (dicts are held strongly): let go of those not opened. */
  private releaseSamples(levels: readonly Level[] = this.levels): void {
    const sessionId = this.entry.session.id;
    const handles = levels.flatMap((l) => l.partition?.rows ?? []).flatMap((r) => r.samples ?? [])
      .map((s) => s.handle).filter((h): h is string => !!h && !this.services.objects.holds(sessionId, h));
    if (handles.length) void this.entry.engine.release([...new Set(handles)]).catch(() => undefined);
  }

  private post(message: ToWebview): void {
    void this.panel.webview.postMessage(message);
  }

  private crumbs(): Crumb[] {
    return this.levels.map((l) => l.crumb);
  }

  private async push(request: PartitionRequest, crumb: Crumb): Promise<void> {
    this.levels.push({ request, crumb });
    await this.run(this.levels[this.levels.length - 1]);
  }

  private async run(level: Level): Promise<void> {
    this.abort?.abort();
    const abort = (this.abort = new AbortController());
    const crumbs = this.crumbs();
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Partitioning {0}', level.crumb.label), cancellable: true },
      async (progress, token) => {
        token.onCancellationRequested(() => abort.abort());
        let last = 0;
        try {
          const partition = await this.entry.engine.partition(level.request, {
            signal: abort.signal,
            onProgress: (p) => {
              const pct = p.total ? (100 * p.done) / p.total : 0;
              progress.report({ increment: Math.max(0, pct - last), message: p.phase });
              last = pct;
              this.post({ type: 'progress', progress: p, crumbs });
            },
          });
          level.partition = partition;
          this.post({ type: 'partition', partition, crumbs, drillable: level.request.by === 'type' });
        } catch (error) {
          const message = isCancellation(error) ? vscode.l10n.t('Cancelled.') : describeError(error);
          this.post({ type: 'error', message, crumbs });
        }
      },
    );
  }

  private async onMessage(message: FromWebview): Promise<void> {
    switch (message.type) {
      case 'ready':
        this.post({ type: 'strings', strings: partitionWebviewStrings() });
        { const top = this.levels[this.levels.length - 1];
          if (top?.partition) this.post({ type: 'partition', partition: top.partition, crumbs: this.crumbs(), drillable: top.request.by === 'type' }); }
        return;
      case 'drill': {
        // Below Heap Since Mark, drill-down stays on the objects created since the mark.
        const sinceMark = this.levels[this.levels.length - 1]?.request.sinceMark;
        return this.push({ by: 'via', type: message.rowLabel, limit: 200, samples: 5, ...(sinceMark && { sinceMark }) },
          { label: sinceMark ? vscode.l10n.t('new {0} by via', message.rowLabel) : vscode.l10n.t('{0} by via', message.rowLabel) });
      }
      case 'showSamples': {
        const row = this.levels[this.levels.length - 1]?.partition?.rows.find((r) => r.label === message.rowLabel);
        this.post({ type: 'samples', rowLabel: message.rowLabel, samples: row?.samples ?? [] });
        return;
      }
      case 'openObject':
        return this.openObject(message.handle);
      case 'crumb': {
        this.releaseSamples(this.levels.splice(Math.max(1, message.index + 1)));
        const top = this.levels[this.levels.length - 1];
        if (top.partition) this.post({ type: 'partition', partition: top.partition, crumbs: this.crumbs(), drillable: top.request.by === 'type' });
        else await this.run(top);
        return;
      }
      case 'cancel':
        this.abort?.abort();
        return;
      case 'computeRetained': {
        // On demand: the same level again, with retained sizes for its first rows.
        const top = this.levels[this.levels.length - 1];
        if (!top) return;
        top.request = { ...top.request, retained: true, retainedRows: top.request.by === 'via' ? 50 : 10 };
        await this.run(top);
        return;
      }
      case 'metrics':
        this.services.reports.partition = { firstPaintMs: message.firstPaintMs, rows: message.rows };
        return;
    }
  }

  private async openObject(handle: string): Promise<void> {
    const summary = this.findSample(handle);
    if (!summary) return;
    await this.services.objects.open(this.entry.session.id, summary);
    try {
      const source = await this.entry.engine.sourceOf(handle);
      const location = source.allocation ?? source.classDef;
      if (location) await openLocation(location, vscode.l10n.t('source'));
    } catch (error) {
      void vscode.window.showWarningMessage(describeError(error));
    }
  }

  private findSample(handle: string): ObjectSummary | undefined {
    for (const level of this.levels) for (const row of level.partition?.rows ?? []) {
      const hit = row.samples?.find((s) => s.handle === handle);
      if (hit) return hit;
    }
    return undefined;
  }

  private html(): string {
    return webviewHtml({
      webview: this.panel.webview, extensionUri: this.services.extensionUri, script: 'partitionWebview.js', style: 'partition.css', title: 'Heap Partition',
      body: `<nav id="crumbs" aria-label="breadcrumbs"></nav>
<div id="status" role="status"></div>
<div id="toolbar"></div>
<main id="content"><div id="chart"></div><div id="table"></div></main>
<section id="samples" aria-live="polite"></section>`,
    });
  }
}
