// The creation-site settings as the Python engine and the launch provider read them.
import * as vscode from 'vscode';
import type { CreationSitesOptions, PythonEngine } from '../pythonEngine';

export function creationSitesSettings(): CreationSitesOptions & { enabled: boolean; depth: number } {
  const config = vscode.workspace.getConfiguration('liveReferences');
  return {
    enabled: config.get<boolean>('creationSites', true),
    depth: config.get<number>('creationSitesDepth', 8),
    libraryModules: config.get<string[]>('libraryModules', ['scrapy', 'twisted']),
    trackedClasses: config.get<string[]>('trackedClasses', []),
  };
}

const KEYS = ['liveReferences.creationSites', 'liveReferences.creationSitesDepth', 'liveReferences.libraryModules', 'liveReferences.trackedClasses'];

/** Sends changed settings to the engine's agent while the session runs (off → Scrapy's own
 *  __new__ is back at once; on → sites from now on). */
export function watchCreationSites(engine: PythonEngine, log: (line: string) => void): vscode.Disposable {
  return vscode.workspace.onDidChangeConfiguration((e) => {
    if (!KEYS.some((k) => e.affectsConfiguration(k))) return;
    engine.configureSites(creationSitesSettings()).catch((error: unknown) => log(`creation sites not reconfigured: ${String(error)}`));
  });
}
