// Commands on the Live References list itself: refresh, pause, filter, sort, ignore, prefs().
import * as vscode from 'vscode';
import { formatLiveRefs } from '../../core/prefsFormat';
import type { SortKey } from '../views/liveRefsModel';
import type { LiveRefsNode } from '../views/liveRefsTree';
import { Commands } from '../commandIds';
import { describeError } from '../errors';
import type { FeatureContext } from '../featureContext';
import { pickClass, pickSession } from './pickTarget';

export function registerLiveRefsCommands(ctx: FeatureContext): vscode.Disposable[] {
  const prefsChannel = vscode.window.createOutputChannel('Live References: prefs()');
  let lastPrefs = '';
  return [
    prefsChannel,
    vscode.commands.registerCommand(Commands.refresh, () => ctx.refresher.refreshAll()),
    vscode.commands.registerCommand(Commands.pauseRefresh, () => ctx.refresher.setPaused(true)),
    vscode.commands.registerCommand(Commands.resumeRefresh, () => { ctx.refresher.setPaused(false); return ctx.refresher.refreshAll(); }),
    vscode.commands.registerCommand(Commands.filter, async () => {
      const value = await vscode.window.showInputBox({
        prompt: vscode.l10n.t('Show only classes whose name contains (empty shows all)'), value: ctx.liveRefs.filter,
      });
      if (value === undefined) return;
      ctx.liveRefs.filter = value;
      ctx.liveRefs.refreshView();
    }),
    vscode.commands.registerCommand(Commands.sortBy, async () => {
      const options: Array<{ label: string; key: SortKey }> = [
        { label: vscode.l10n.t('Count'), key: 'count' },
        { label: vscode.l10n.t('Age of oldest'), key: 'age' },
        { label: vscode.l10n.t('Growth since last refresh'), key: 'growth' },
        { label: vscode.l10n.t('Name'), key: 'name' },
      ];
      const choice = await vscode.window.showQuickPick(options, { placeHolder: vscode.l10n.t('Sort live references by') });
      if (!choice) return;
      ctx.liveRefs.sort = choice.key;
      ctx.liveRefs.refreshView();
    }),
    vscode.commands.registerCommand(Commands.ignoreClass, async (node?: LiveRefsNode) => {
      const target = await pickClass(ctx, node, vscode.l10n.t('Class to hide (with its subclasses)'));
      if (!target) return;
      const config = vscode.workspace.getConfiguration('liveReferences');
      const ignore = new Set(config.get<string[]>('ignore', []));
      ignore.add(target.className);
      await config.update('ignore', [...ignore], vscode.workspace.workspaceFolders ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global);
      await ctx.refresher.refreshAll();
    }),
    vscode.commands.registerCommand(Commands.prefs, async () => {
      const entry = pickSession(ctx);
      if (!entry) return undefined;
      try {
        const ignore = vscode.workspace.getConfiguration('liveReferences').get<string[]>('ignore', []);
        const snapshot = await entry.engine.liveRefs(ignore);
        lastPrefs = formatLiveRefs(snapshot.rows);
        prefsChannel.clear();
        prefsChannel.append(lastPrefs);
        prefsChannel.show(true);
        const copy = vscode.l10n.t('Copy');
        void vscode.window.showInformationMessage(vscode.l10n.t('prefs() of {0} is in the output panel.', entry.session.name), copy)
          .then((choice) => { if (choice === copy) void vscode.env.clipboard.writeText(lastPrefs); });
        return lastPrefs;
      } catch (error) {
        void vscode.window.showErrorMessage(describeError(error));
        return undefined;
      }
    }),
  ];
}
