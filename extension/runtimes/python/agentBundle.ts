// Turns agent/*.py into the one-line statement that installs it in the debuggee. The statement
// is a single line (telnet sends lines), prints nothing, and is idempotent per agent version.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';

export interface AgentBundle {
  version: string;
  /** sys.modules key of the installed agent package. */
  moduleKey: string;
  /** Single-line Python statement that installs the agent if this version is missing. */
  installStatement: string;
}


export function findAgentDir(start: string = __dirname): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'agent', 'MANIFEST'))) return path.join(dir, 'agent');
    if (path.dirname(dir) === dir) throw new Error(`agent/MANIFEST not found above ${start}`);
  }
}

export function loadAgentBundle(agentDir: string = findAgentDir()): AgentBundle {
  const manifest = fs.readFileSync(path.join(agentDir, 'MANIFEST'), 'utf8')
    .split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  const files = manifest.map((file) => [file.replace(/\.py$/, ''), fs.readFileSync(path.join(agentDir, file), 'utf8')]);
  const init = files.find(([name]) => name === '__init__');
  const version = init && /^VERSION = "([^"]+)"/m.exec(init[1])?.[1];
  if (!version) throw new Error(`agent/__init__.py has no VERSION line`);
  const moduleKey = `_liveref_agent_${version.replace(/\W/g, '_')}`;
  const bootstrap = fs.readFileSync(path.join(agentDir, '_bootstrap.py'), 'utf8');
  // JSON string and list literals are valid Python literals.
  const source = `${bootstrap}\n_liveref_install(${JSON.stringify(moduleKey)}, ${JSON.stringify(files)})\ndel _liveref_install\n`;
  const packed = zlib.deflateSync(Buffer.from(source, 'utf8'), { level: 9 }).toString('base64');
  const installStatement = `exec(__import__('zlib').decompress(__import__('base64').b64decode('${packed}')).decode('utf-8'), {'__name__': '_liveref_bootstrap'})`;
  return { version, moduleKey, installStatement };
}

/** The single-line expression that calls one agent method. */
export function callExpression(bundle: AgentBundle, id: number, method: string, params: unknown, mode: string): string {
  const b64 = Buffer.from(JSON.stringify(params ?? {}), 'utf8').toString('base64');
  return `__import__('sys').modules[${JSON.stringify(bundle.moduleKey)}].call(${id}, ${JSON.stringify(method)}, '${b64}', ${JSON.stringify(mode)})`;
}

/**
 * A call to `releaseAll` that needs no reply and whose value is always None (so no debugpy
 * version prints it): sent as a statement when an engine is disposed, just before its
 * transport closes.
 */
export function releaseAllStatement(bundle: AgentBundle): string {
  return `(lambda m: m and m.call(0, 'releaseAll', '', 'event') and None)(__import__('sys').modules.get(${JSON.stringify(bundle.moduleKey)}))`;
}
