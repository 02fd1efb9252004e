// The `scrapy-telnet` debug type inside VS Code: the adapter (runtimes/scrapy/adapter, no vscode) runs
// inline in the extension host, with SecretStorage for passwords and vscode.l10n for its
// messages; a configuration provider fills defaults and refuses passwords in launch.json.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { Commands } from '../../../ui/commandIds';
import { DEFAULT_HOST, DEFAULT_PORT } from '../adapter/attachTarget';
import { SCRAPY_TELNET_TYPE, ScrapyTelnetSession } from '../adapter/scrapyTelnetSession';
import type { TelnetPasswordStore } from './telnetPasswordStore';

/** The inline adapter of each session of a debug type, by session id, for the session's engine. */
export class AdapterSlots<T> {
  private readonly slots = new Map<string, { adapter: Promise<T>; resolve(a: T): void }>();

  /** Resolves once VS Code created the session's adapter (before or after the session started). */
  get(sessionId: string): Promise<T> {
    return this.slot(sessionId).adapter;
  }

  add(sessionId: string, adapter: T): void {
    this.slot(sessionId).resolve(adapter);
  }

  delete(sessionId: string): void {
    this.slots.delete(sessionId);
  }

  private slot(sessionId: string) {
    let slot = this.slots.get(sessionId);
    if (!slot) {
      let resolve!: (a: T) => void;
      const adapter = new Promise<T>((r) => { resolve = r; });
      slot = { adapter, resolve };
      this.slots.set(sessionId, slot);
    }
    return slot;
  }
}

/** The inline adapter of each scrapy-telnet session. */
export class TelnetAdapters extends AdapterSlots<ScrapyTelnetSession> {}

class ConfigurationProvider implements vscode.DebugConfigurationProvider {
  provideDebugConfigurations(): vscode.DebugConfiguration[] {
    return [{ type: SCRAPY_TELNET_TYPE, request: 'attach', name: vscode.l10n.t('Attach to Scrapy crawl (telnet)'), host: DEFAULT_HOST, port: DEFAULT_PORT }];
  }

  resolveDebugConfiguration(folder: vscode.WorkspaceFolder | undefined, config: vscode.DebugConfiguration): vscode.DebugConfiguration | undefined {
    if (!config.type && !config.request && !config.name) {
      // F5 with no launch.json: offer the running crawls instead.
      void vscode.commands.executeCommand(Commands.attachScrapyCrawl);
      return undefined;
    }
    if ('password' in config) {
      void vscode.window.showErrorMessage(vscode.l10n.t('Remove "password" from the launch configuration "{0}": passwords do not belong in launch.json. Use "passwordEnv" or "logFile", or leave both out to be asked once (kept in VS Code\'s secret storage).', String(config.name ?? SCRAPY_TELNET_TYPE)));
      return undefined;
    }
    const resolved: vscode.DebugConfiguration = { ...config, type: SCRAPY_TELNET_TYPE, request: 'attach' };
    resolved.name ||= vscode.l10n.t('Attach to Scrapy crawl (telnet)');
    if (!resolved.logFile) {
      resolved.host ||= DEFAULT_HOST;
      resolved.port ??= DEFAULT_PORT;
    } else if (typeof resolved.logFile === 'string' && !path.isAbsolute(resolved.logFile) && folder?.uri.scheme === 'file') {
      // The adapter runs in the extension host, whose working directory is not the workspace.
      resolved.logFile = path.join(folder.uri.fsPath, resolved.logFile);
    }
    return resolved;
  }
}

export function registerScrapyTelnetDebugType(adapters: TelnetAdapters, passwords: TelnetPasswordStore): vscode.Disposable[] {
  const factory: vscode.DebugAdapterDescriptorFactory = {
    createDebugAdapterDescriptor(session) {
      const adapter = new ScrapyTelnetSession({ passwords, l10n: vscode.l10n });
      adapters.add(session.id, adapter);
      return new vscode.DebugAdapterInlineImplementation(adapter);
    },
  };
  return [
    vscode.debug.registerDebugAdapterDescriptorFactory(SCRAPY_TELNET_TYPE, factory),
    vscode.debug.registerDebugConfigurationProvider(SCRAPY_TELNET_TYPE, new ConfigurationProvider()),
    vscode.debug.onDidTerminateDebugSession((s) => adapters.delete(s.id)),
  ];
}
