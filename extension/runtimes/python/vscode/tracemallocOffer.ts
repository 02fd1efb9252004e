// Sites of untracked objects (dicts, lists) need tracemalloc in the debuggee (tracked objects
// have creation sites without it). Explain the cost, and offer to add PYTHONTRACEMALLOC to the
// launch configuration or to turn on liveReferences.traceAllocations.
import * as vscode from 'vscode';
import type { Logger } from '../../../ui/logger';
import { TRACEMALLOC_ENV } from '../launchEnv';

export async function offerTracemalloc(logger: Logger, configurationName: string | undefined): Promise<void> {
  const always = vscode.l10n.t('Always for debug sessions');
  const launch = vscode.l10n.t('Add to launch.json');
  const choice = await vscode.window.showInformationMessage(
    vscode.l10n.t('Creation sites cover Scrapy\'s tracked objects only. tracemalloc also records where untracked objects (dicts, lists) were allocated, but slows the program down several times: restart it with "env": {"PYTHONTRACEMALLOC": "25"} in the launch configuration.'),
    always, launch,
  );
  if (choice === always) {
    await vscode.workspace.getConfiguration('liveReferences').update('traceAllocations', true, vscode.ConfigurationTarget.Global);
    logger.info('liveReferences.traceAllocations turned on');
  } else if (choice === launch) {
    await addToLaunchJson(configurationName);
  }
}

async function addToLaunchJson(name: string | undefined): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) return;
  const config = vscode.workspace.getConfiguration('launch', folder.uri);
  const configurations = config.get<Array<Record<string, unknown>>>('configurations', []);
  let changed = 0;
  const updated = configurations.map((c) => {
    if (!['debugpy', 'python'].includes(String(c.type)) || (name && c.name !== name)) return c;
    changed++;
    return { ...c, env: { ...(c.env as Record<string, string> | undefined), ...TRACEMALLOC_ENV } };
  });
  if (!changed) {
    void vscode.window.showWarningMessage(vscode.l10n.t('No Python launch configuration found in launch.json.'));
    return;
  }
  await config.update('configurations', updated, vscode.ConfigurationTarget.WorkspaceFolder);
  void vscode.window.showInformationMessage(vscode.l10n.t('PYTHONTRACEMALLOC added; restart the debug session to record allocation sites.'));
}
