// The creation-site settings as the Python engine and the launch provider read them.
import * as vscode from 'vscode';
import type { CreationSitesOptions } from '../engines/python/pythonEngine';

export function creationSitesSettings(): CreationSitesOptions & { enabled: boolean; depth: number } {
  const config = vscode.workspace.getConfiguration('liveReferences');
  return {
    enabled: config.get<boolean>('creationSites', true),
    depth: config.get<number>('creationSitesDepth', 8),
    libraryModules: config.get<string[]>('libraryModules', ['scrapy', 'twisted']),
  };
}
