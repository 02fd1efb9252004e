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

// Runs in the debuggee. Registers every module before executing any, so relative imports
// between agent modules resolve from sys.modules; removes them all again if one fails.
const BOOTSTRAP = `
def _liveref_install(pkg, files):
    import sys, types
    if getattr(sys.modules.get(pkg), 'call', None) is not None:
        return
    root = types.ModuleType(pkg)
    root.__path__ = []
    root.__package__ = pkg
    mods = {'__init__': root}
    for name, _src in files:
        if name != '__init__':
            mod = types.ModuleType(pkg + '.' + name)
            mod.__package__ = pkg
            mods[name] = mod
    keys = [pkg] + [pkg + '.' + n for n in mods if n != '__init__']
    for name, mod in mods.items():
        sys.modules[pkg if name == '__init__' else pkg + '.' + name] = mod
        if name != '__init__':
            setattr(root, name, mod)
    try:
        for name, src in files:
            exec(compile(src, '<liveref-agent>/' + name + '.py', 'exec'), mods[name].__dict__)
    except BaseException:
        for key in keys:
            sys.modules.pop(key, None)
        raise
`;

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
  // JSON string and list literals are valid Python literals.
  const source = `${BOOTSTRAP}\n_liveref_install(${JSON.stringify(moduleKey)}, ${JSON.stringify(files)})\ndel _liveref_install\n`;
  const packed = zlib.deflateSync(Buffer.from(source, 'utf8'), { level: 9 }).toString('base64');
  const installStatement = `exec(__import__('zlib').decompress(__import__('base64').b64decode('${packed}')).decode('utf-8'), {'__name__': '_liveref_bootstrap'})`;
  return { version, moduleKey, installStatement };
}

/** The single-line expression that calls one agent method. */
export function callExpression(bundle: AgentBundle, id: number, method: string, params: unknown, mode: string): string {
  const b64 = Buffer.from(JSON.stringify(params ?? {}), 'utf8').toString('base64');
  return `__import__('sys').modules[${JSON.stringify(bundle.moduleKey)}].call(${id}, ${JSON.stringify(method)}, '${b64}', ${JSON.stringify(mode)})`;
}
