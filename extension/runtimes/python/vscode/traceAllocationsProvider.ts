// With liveReferences.traceAllocations on, every Python launch gets PYTHONTRACEMALLOC so the
// agent can show allocation sites (first frame in user code, 25 frames deep).
import * as vscode from 'vscode';
import { TRACEMALLOC_ENV } from '../launchEnv';
import { PYTHON_DEBUG_TYPES } from './pythonSessionFactory';

class TraceAllocationsProvider implements vscode.DebugConfigurationProvider {
  resolveDebugConfiguration(_folder: vscode.WorkspaceFolder | undefined, config: vscode.DebugConfiguration): vscode.DebugConfiguration {
    const on = vscode.workspace.getConfiguration('liveReferences').get<boolean>('traceAllocations', false);
    if (!on || config.request !== 'launch') return config;
    const env = (config.env ?? {}) as Record<string, string>;
    if (env.PYTHONTRACEMALLOC) return config;
    return { ...config, env: { ...env, ...TRACEMALLOC_ENV } };
  }
}

export function registerTraceAllocations(): vscode.Disposable[] {
  const provider = new TraceAllocationsProvider();
  return PYTHON_DEBUG_TYPES.map((type) => vscode.debug.registerDebugConfigurationProvider(type, provider));
}
