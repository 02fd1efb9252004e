"""The rule that decides which frame of a creation or allocation stack is "user code".

A frame is library code when its file is in the standard library, under a site-packages or
dist-packages folder, under the folder of one of the configured library packages (default
scrapy and twisted, which also covers editable installs and source checkouts), the agent itself,
or a pseudo file such as `<frozen ...>` / `<string>`. Everything else is user code. The extension
sets the packages (`liveReferences.libraryModules`) and shows the rule next to each leak site.
"""
import os
import sys

DEFAULT_LIBRARY_MODULES = ('scrapy', 'twisted')
_LIB_MARKERS = (os.sep + 'site-packages' + os.sep, os.sep + 'dist-packages' + os.sep)

_config = {'modules': DEFAULT_LIBRARY_MODULES}
_stdlib = []
_dirs_cache = {}


def configure(modules):
    """Sets the library packages (top-level import names); None means the default ones."""
    if modules is None:
        modules = DEFAULT_LIBRARY_MODULES
    names = []
    for name in modules:
        if isinstance(name, str) and name.strip() and name.strip() not in names:
            names.append(name.strip())
    _config['modules'] = tuple(names)
    _dirs_cache.clear()


def _stdlib_dirs():
    if not _stdlib:
        dirs = set()
        for mod in ('os', 'threading'):
            path = getattr(sys.modules.get(mod), '__file__', None)
            if isinstance(path, str):
                dirs.add(os.path.dirname(os.path.abspath(path)) + os.sep)
        _stdlib.append(tuple(dirs))
    return _stdlib[0]


def _module_dirs(mod):
    paths = getattr(mod, '__path__', None)
    if paths is not None:
        try:
            return [os.path.abspath(p) + os.sep for p in list(paths) if isinstance(p, str)]
        except Exception:
            return []
    path = getattr(mod, '__file__', None)
    return [os.path.abspath(path)] if isinstance(path, str) else []


def library_dirs():
    """Folders of the configured library packages that the program has imported."""
    names = _config['modules']
    mods = [sys.modules.get(n) for n in names]
    key = (names, tuple(id(m) for m in mods))
    dirs = _dirs_cache.get(key)
    if dirs is None:
        found = []
        for mod in mods:
            if mod is not None:
                found.extend(_module_dirs(mod))
        dirs = tuple(found)
        _dirs_cache.clear()
        _dirs_cache[key] = dirs
    return dirs


def is_user_path(path):
    if not isinstance(path, str) or not path or path.startswith('<'):
        return False
    if any(marker in path for marker in _LIB_MARKERS):
        return False
    try:
        full = os.path.abspath(path)
    except Exception:
        return False
    if full.startswith(_stdlib_dirs()):
        return False
    lib = library_dirs()
    return not (lib and full.startswith(lib))


def describe():
    """The rule as data, for the UI to show next to a leak site."""
    return {'libraryModules': list(_config['modules']), 'skips': ['stdlib', 'site-packages', 'dist-packages', 'pseudo files']}
