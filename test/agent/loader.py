"""Installs agent/ into this process with the extension's own bootstrap (agent/_bootstrap.py,
sent by extension/engines/python/agentBundle.ts)."""
import base64
import json
import os
import re
import sys

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
    _version, pkg, files = read_bundle(agent_dir)
    namespace = {'__name__': '_liveref_bootstrap'}
    with open(os.path.join(agent_dir, '_bootstrap.py'), encoding='utf-8') as f:
        exec(compile(f.read(), '_bootstrap.py', 'exec'), namespace)
    namespace['_liveref_install'](pkg, files)
    return sys.modules[pkg]


def params_b64(params):
    return base64.b64encode(json.dumps(params).encode('utf-8')).decode('ascii')


def decode(marked):
    """The payload of a marked reply (the extension's decoding: LRB64<base64(JSON)>LRB64)."""
    start = marked.index('LRB64<') + len('LRB64<')
    end = marked.index('>LRB64', start)
    return json.loads(base64.b64decode(marked[start:end]).decode('utf-8'))


_next_id = [0]


def call(agent, method, params=None, mode='return'):
    """Calls the agent like the extension does and decodes the marked reply."""
    _next_id[0] += 1
    marked = agent.call(_next_id[0], method, params_b64(params or {}), mode)
    assert isinstance(marked, str), marked
    return decode(marked)


def result(agent, method, params=None):
    reply = call(agent, method, params)
    if not reply['ok']:
        raise AssertionError('%s failed: %r' % (method, reply['error']))
    return reply['result']
