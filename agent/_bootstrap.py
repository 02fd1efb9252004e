"""Installs the agent package in the debuggee (not in MANIFEST: the extension sends this file
first and calls _liveref_install(package, [(module, source), ...]); test/agent/loader.py execs
the same file). Registers every module before executing any, so relative imports between agent
modules resolve from sys.modules; removes them all again if one fails."""

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
