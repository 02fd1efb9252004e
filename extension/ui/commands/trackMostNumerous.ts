// "Track Most Numerous Classes": the user-defined classes (not the standard library or installed
// packages) with the most live instances, offered in a quick pick; the chosen ones join the
// setting liveReferences.trackedClasses, which the session's engine picks up at once (and
// launched sessions from their first line).
import * as vscode from 'vscode';
import { Commands } from '../commandIds';
import { describeError } from '../errors';
import type { FeatureContext } from '../featureContext';
import { pickSession } from './pickTarget';

const OFFERED = 10;

export function registerTrackMostNumerous(ctx: FeatureContext): vscode.Disposable {
  return vscode.commands.registerCommand(Commands.trackMostNumerous, async (preselect?: number) => {
    const entry = pickSession(ctx);
    if (!entry) return undefined;
    if (!entry.engine.discoverClasses) {
      void vscode.window.showInformationMessage(vscode.l10n.t('{0} finds its most numerous classes by itself.', entry.session.name));
      return undefined;
    }
    try {
      const found = await entry.engine.discoverClasses(OFFERED);
      if (!found.length) {
        void vscode.window.showInformationMessage(vscode.l10n.t('No live instances of user-defined classes in {0}.', entry.session.name));
        return [];
      }
      const items = found.map((c, i) => ({ label: c.className, description: c.name, detail: vscode.l10n.t('{0} live instances', c.count), picked: i < (preselect ?? 3), name: c.name }));
      // A number argument (tests, keybindings) takes the first N without asking.
      const chosen = typeof preselect === 'number' ? items.slice(0, preselect)
        : await vscode.window.showQuickPick(items, { canPickMany: true, placeHolder: vscode.l10n.t('Classes to track (user code, most live instances first)') });
      if (!chosen?.length) return [];
      const config = vscode.workspace.getConfiguration('liveReferences');
      const names = [...new Set([...config.get<string[]>('trackedClasses', []), ...chosen.map((c) => c.name)])];
      await config.update('trackedClasses', names, vscode.workspace.workspaceFolders ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global);
      await ctx.refresher.refreshAll();
      return chosen.map((c) => c.name);
    } catch (error) {
      void vscode.window.showErrorMessage(vscode.l10n.t('Could not list the most numerous classes: {0}', describeError(error)));
      return undefined;
    }
  });
}
