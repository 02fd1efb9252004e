// "When did it leak?": the age histogram of a class, the growth trend of a session (and its CSV),
// Mark Heap and Heap Since Mark (shown in the partition webview with change columns).
import * as vscode from 'vscode';
import type { LiveRefsNode } from '../views/liveRefsTree';
import { PartitionPanel } from '../views/partitionPanel';
import { TimePanel } from '../views/timePanel';
import { Commands } from '../commandIds';
import { formatBytes } from '../../core/byteSize';
import { describeError, isCancellation } from '../errors';
import type { FeatureContext, SessionEngine } from '../featureContext';
import { pickClass, pickSession } from './pickTarget';


export function registerTimeCommands(ctx: FeatureContext): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(Commands.showAges, async (node?: LiveRefsNode) => {
      const target = await pickClass(ctx, node, vscode.l10n.t('Class whose ages to show'));
      if (!target) return undefined;
      TimePanel.showAges(ctx.panels, target.entry, target.className);
      return true;
    }),
    vscode.commands.registerCommand(Commands.showGrowth, () => {
      const entry = pickSession(ctx);
      if (!entry) return undefined;
      TimePanel.showGrowth(ctx.panels, ctx.liveRefs, entry.session.id, entry.session.name);
      return true;
    }),
    // `target` lets tests (and other extensions) export without the save dialog.
    vscode.commands.registerCommand(Commands.exportGrowthCsv, async (sessionId?: string, target?: vscode.Uri) => {
      const id = sessionId ?? pickSession(ctx)?.session.id ?? ctx.liveRefs.sessionIds()[0];
      if (!id || !ctx.liveRefs.histories.has(id)) {
        void vscode.window.showInformationMessage(vscode.l10n.t('No refreshes recorded yet: start a debug session and let Live References refresh.'));
        return undefined;
      }
      const where = target ?? await vscode.window.showSaveDialog({
        filters: { CSV: ['csv'] }, saveLabel: vscode.l10n.t('Export'),
        defaultUri: vscode.workspace.workspaceFolders?.[0] && vscode.Uri.joinPath(vscode.workspace.workspaceFolders[0].uri, 'live-references-growth.csv'),
      });
      if (!where) return undefined;
      await vscode.workspace.fs.writeFile(where, Buffer.from(ctx.liveRefs.histories.of(id).toCsv(), 'utf8'));
      return where;
    }),
    vscode.commands.registerCommand(Commands.markHeap, async () => {
      const entry = pickSession(ctx);
      return entry ? markHeap(ctx, entry) : undefined;
    }),
    vscode.commands.registerCommand(Commands.heapSinceMark, async () => {
      const entry = pickSession(ctx);
      if (!entry) return undefined;
      try {
        if (!(await entry.engine.heapMark())) {
          const mark = vscode.l10n.t('Mark Heap');
          const choice = await vscode.window.showInformationMessage(vscode.l10n.t('No heap mark in this program yet: mark the heap first, let the program run, then compare.'), mark);
          if (choice === mark) await markHeap(ctx, entry);
          return undefined;
        }
      } catch (error) {
        void vscode.window.showWarningMessage(describeError(error));
        return undefined;
      }
      PartitionPanel.show(ctx.panels, entry, { by: 'type', sinceMark: true, limit: 500, samples: 5 }, { label: vscode.l10n.t('Heap since mark') });
      return true;
    }),
  ];
}

async function markHeap(ctx: FeatureContext, entry: SessionEngine): Promise<unknown> {
  const abort = new AbortController();
  try {
    const mark = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Marking the heap of {0}', entry.session.name), cancellable: true },
      (progress, token) => {
        token.onCancellationRequested(() => abort.abort());
        let last = 0;
        return entry.engine.markHeap({
          signal: abort.signal,
          onProgress: (p) => {
            const pct = p.total ? (100 * p.done) / p.total : 0;
            progress.report({ increment: Math.max(0, pct - last) });
            last = pct;
          },
        });
      },
    );
    ctx.logger.info(`heap mark: ${mark.count} objects, ${mark.size} bytes, ${mark.elapsedMs} ms, mark ${mark.markBytes} bytes`);
    const since = vscode.l10n.t('Heap Since Mark');
    void vscode.window.showInformationMessage(
      vscode.l10n.t('Heap marked: {0} objects ({1}). Let the program run, then open Heap Since Mark.', mark.count.toLocaleString(), formatBytes(mark.size)), since,
    ).then((choice) => { if (choice === since) void vscode.commands.executeCommand(Commands.heapSinceMark); });
    return mark;
  } catch (error) {
    if (!isCancellation(error)) void vscode.window.showWarningMessage(describeError(error));
    return undefined;
  }
}
