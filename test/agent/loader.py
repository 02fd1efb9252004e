"""Installs agent/ into this process exactly as the extension's bootstrap does
(extension/engines/python/agentBundle.ts): one empty module per MANIFEST entry, all registered
in sys.modules first, then each file's source exec'd in MANIFEST order."""
import base64
import json
import os
import re
import sys
import types

AGENT_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), 'agent')


def read_bundle(agent_dir=AGENT_DIR):
    with open(os.path.join(agent_dir, 'MANIFEST'), encoding='utf-8') as f:
        manifest = [l.strip() for l in f.read().splitlines() if l.strip() and not l.strip().startswith('#')]
    files = []
    for name in manifest:
        with open(os.path.join(agent_dir, name), encoding='utf-8') as f:
            files.append((re.sub(r'\.py$', '', name), f.read()))
    init = dict(files).get('__init__', '')
    version = re.search(r'^VERSION = "([^"]+)"', init, re.M).group(1)
    return version, '_liveref_agent_' + re.sub(r'\W', '_', version), files


def install(agent_dir=AGENT_DIR):
    """Returns the installed package module (idempotent per version, like the bootstrap)."""
    version, pkg, files = read_bundle(agent_dir)
    existing = sys.modules.get(pkg)
    if getattr(existing, 'call', None) is not None:
        return existing
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
    return root


def params_b64(params):
    return base64.b64encode(json.dumps(params).encode('utf-8')).decode('ascii')


_next_id = [0]


def call(agent, method, params=None, mode='return'):
    """Calls the agent like the extension does and decodes the marked reply."""
    _next_id[0] += 1
    marked = agent.call(_next_id[0], method, params_b64(params or {}), mode)
    assert isinstance(marked, str), marked
    return agent.protocol.decode(marked)


def result(agent, method, params=None):
    reply = call(agent, method, params)
    if not reply['ok']:
        raise AssertionError('%s failed: %r' % (method, reply['error']))
    return reply['result']
