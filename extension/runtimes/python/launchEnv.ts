// Environment a Python launch gets from Live References. No `vscode` here: the CLI, the tests and
// the bench build the same environment.
import * as path from 'node:path';

/** Allocation sites from tracemalloc (first frame in user code, 25 frames deep). */
export const TRACEMALLOC_ENV = { PYTHONTRACEMALLOC: '25' };

type Env = Record<string, string | undefined>;

/** The folder whose sitecustomize.py installs the creation-site hook at interpreter start-up. */
export function creationSitesHookDir(agentDir: string): string {
  return path.join(agentDir, 'launch');
}

/**
 * What to add to a launch's `env` so the creation-site hook is in before the program's first
 * line: agent/launch first on PYTHONPATH. The program's own PYTHONPATH (from the launch
 * configuration, else the one it would inherit) stays after it, in order, and the hook's
 * sitecustomize.py imports the user's own sitecustomize in its place.
 */
export function creationSitesEnv(agentDir: string, env: Env = {}, inherited: Env = process.env, depth?: number, track: readonly string[] = []): Record<string, string> {
  const hookDir = creationSitesHookDir(agentDir);
  const current = env.PYTHONPATH ?? inherited.PYTHONPATH ?? '';
  const rest = current.split(path.delimiter).filter((p) => p !== '' && path.resolve(p) !== path.resolve(hookDir));
  const out: Record<string, string> = { PYTHONPATH: [hookDir, ...rest].join(path.delimiter) };
  if (depth !== undefined) out.LIVEREF_SITES_DEPTH = String(depth);
  Object.assign(out, trackedClassesEnv(track));
  return out;
}

/**
 * The classes (`Class` or `package.module.Class`) the launch hook tracks in any Python program,
 * hooked as each class statement runs: `LIVEREF_TRACK=A,B`. Names are trimmed; empty gives {}.
 */
export function trackedClassesEnv(track: readonly string[]): Record<string, string> {
  const names = parseClassList(track.join(','));
  return names.length ? { LIVEREF_TRACK: names.join(',') } : {};
}

/** `A, pkg.mod.B,,A` -> ['A', 'pkg.mod.B']: the CLI's --track and the setting's entries. */
export function parseClassList(text: string): string[] {
  const out: string[] = [];
  for (const name of text.split(',').map((s) => s.trim())) if (name && !out.includes(name)) out.push(name);
  return out;
}
