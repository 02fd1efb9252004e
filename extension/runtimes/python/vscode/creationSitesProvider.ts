// With liveReferences.creationSites on (the default), every Python launch gets the creation-site
// hook on its PYTHONPATH, so it records where each tracked object was created from the
// program's first line. Runs after variable substitution, when `request` and `env` are final
// (the Python extension may have merged an envFile into `env` by then).
import * as vscode from 'vscode';
import { creationSitesEnv } from '../launchEnv';
import { PYTHON_DEBUG_TYPES } from './pythonSessionFactory';
import { creationSitesSettings } from './creationSitesSettings';

class CreationSitesProvider implements vscode.DebugConfigurationProvider {
  constructor(private readonly agentDir: string) {}

  resolveDebugConfigurationWithSubstitutedVariables(_folder: vscode.WorkspaceFolder | undefined, config: vscode.DebugConfiguration): vscode.DebugConfiguration {
    const settings = creationSitesSettings();
    const track = settings.trackedClasses ?? [];
    if ((!settings.enabled && !track.length) || config.request !== 'launch') return config;
    const env = (config.env ?? {}) as Record<string, string | undefined>;
    // Creation sites off but classes to track: the hook goes in for the classes only (depth 0).
    const depth = settings.enabled ? settings.depth : 0;
    return { ...config, env: { ...env, ...creationSitesEnv(this.agentDir, env, process.env, depth, track) } };
  }
}

export function registerCreationSites(agentDir: string): vscode.Disposable[] {
  const provider = new CreationSitesProvider(agentDir);
  return PYTHON_DEBUG_TYPES.map((type) => vscode.debug.registerDebugConfigurationProvider(type, provider));
}
