// Show Heap Partition (whole heap by type) and Partition by Via (one tracked class's instances).
import * as vscode from 'vscode';
import type { LiveRefsNode } from '../views/liveRefsTree';
import { PartitionPanel } from '../views/partitionPanel';
import { Commands } from '../commandIds';
import type { FeatureContext } from '../featureContext';
import { pickClass, pickSession } from './pickTarget';

export function registerPartitionCommands(ctx: FeatureContext): vscode.Disposable[] {
  return [
    // `limit` is for the benchmark of the webview's first paint with many rows.
    vscode.commands.registerCommand(Commands.showPartition, (options?: { limit?: number }) => {
      const entry = pickSession(ctx);
      if (!entry) return undefined;
      const limit = typeof options?.limit === 'number' ? options.limit : 500;
      PartitionPanel.show(ctx.panels, entry, { by: 'type', limit, samples: 0 }, { label: vscode.l10n.t('Heap by type') });
      return true;
    }),
    vscode.commands.registerCommand(Commands.partitionByVia, async (node?: LiveRefsNode) => {
      const target = await pickClass(ctx, node, vscode.l10n.t('Class whose live objects to partition by via'));
      if (!target) return undefined;
      PartitionPanel.show(ctx.panels, target.entry, { by: 'via', className: target.className, limit: 200, samples: 5 },
        { label: vscode.l10n.t('{0} by via', target.className) });
      return true;
    }),
  ];
}
