// The `scrapy` debug type: attach by pid to a Scrapy 2.19+ crawl over its remote control. A type of
// its own rather than a `transport` on scrapy-telnet: the two share no attach argument (pid and
// jobsDir here; host, port and a password there), remote control needs no password store, and
// existing scrapy-telnet launch configurations keep meaning exactly what they meant.
import * as vscode from 'vscode';
import { Commands } from '../../../ui/commandIds';
import { SCRAPY_REMOTE_TYPE, ScrapyRemoteSession } from '../adapter/scrapyRemoteSession';
import { AdapterSlots } from './scrapyTelnetDebugType';

export class RemoteAdapters extends AdapterSlots<ScrapyRemoteSession> {}

class ConfigurationProvider implements vscode.DebugConfigurationProvider {
  resolveDebugConfiguration(_folder: vscode.WorkspaceFolder | undefined, config: vscode.DebugConfiguration): vscode.DebugConfiguration | undefined {
    if (!config.type && !config.request && !config.name) {
      void vscode.commands.executeCommand(Commands.attachScrapyCrawl);
      return undefined;
    }
    if ('token' in config) {
      void vscode.window.showErrorMessage(vscode.l10n.t('Remove "token" from the launch configuration "{0}": the token is read from the crawl\'s job file when attaching and never belongs in launch.json.', String(config.name ?? SCRAPY_REMOTE_TYPE)));
      return undefined;
    }
    const resolved: vscode.DebugConfiguration = { ...config, type: SCRAPY_REMOTE_TYPE, request: 'attach' };
    resolved.name ||= vscode.l10n.t('Attach to Scrapy crawl (remote control)');
    resolved.jobsDir ||= configuredJobsDir();
    return resolved;
  }
}

/** The `liveReferences.scrapyJobsDir` setting (REMOTE_CONTROL_JOBS_DIR of your crawls), or undefined for Scrapy's default. */
export function configuredJobsDir(): string | undefined {
  const dir = vscode.workspace.getConfiguration('liveReferences').get<string>('scrapyJobsDir');
  return dir ? dir : undefined;
}

export function registerScrapyRemoteDebugType(adapters: RemoteAdapters, agentModuleKey: () => string): vscode.Disposable[] {
  const factory: vscode.DebugAdapterDescriptorFactory = {
    createDebugAdapterDescriptor(session) {
      const adapter = new ScrapyRemoteSession({ l10n: vscode.l10n, agentModuleKey: agentModuleKey() });
      adapters.add(session.id, adapter);
      return new vscode.DebugAdapterInlineImplementation(adapter);
    },
  };
  return [
    vscode.debug.registerDebugAdapterDescriptorFactory(SCRAPY_REMOTE_TYPE, factory),
    vscode.debug.registerDebugConfigurationProvider(SCRAPY_REMOTE_TYPE, new ConfigurationProvider()),
    vscode.debug.onDidTerminateDebugSession((s) => adapters.delete(s.id)),
  ];
}
