"""Live References: record creation sites from the program's first line.

For Python programs that VS Code launches, the extension puts this folder first on PYTHONPATH
(setting `liveReferences.creationSites`). Python imports the first `sitecustomize` on sys.path,
so this file runs `../creation_sites.py` (which wraps Scrapy's trackref `object_ref.__new__`
as soon as the program imports it) and, when LIVEREF_TRACK names classes (`A,pkg.mod.B`),
`../class_tracking.py` (which hooks each of them as its class statement runs), takes this folder off sys.path again and imports the next
`sitecustomize` (the user's own, or the distribution's, such as Debian's apport hook) exactly
as if this folder had not been there. It never prints; an error in the hook is swallowed, an
error in the next sitecustomize is reported by Python as usual.
"""
import os as _os
import sys as _sys


def _liveref_install_hook(here):
    try:
        if _sys.version_info < (3, 7) or _os.environ.get('LIVEREF_SITES_DEPTH') == '0':
            return
        path = _os.path.join(_os.path.dirname(here), 'creation_sites.py')
        with open(path, 'rb') as f:
            code = compile(f.read(), '<liveref-agent>/creation_sites.py', 'exec')
        import types
        mod = types.ModuleType('_liveref_creation_sites')
        exec(code, mod.__dict__)
        mod.install(depth=_os.environ.get('LIVEREF_SITES_DEPTH') or mod.DEFAULT_DEPTH, early=True)
    except Exception:
        pass


def _liveref_track_classes(here):
    try:
        names = [n.strip() for n in (_os.environ.get('LIVEREF_TRACK') or '').split(',') if n.strip()]
        if _sys.version_info < (3, 7) or not names:
            return
        path = _os.path.join(_os.path.dirname(here), 'class_tracking.py')
        with open(path, 'rb') as f:
            code = compile(f.read(), '<liveref-agent>/class_tracking.py', 'exec')
        import types
        mod = types.ModuleType('_liveref_class_tracking')
        exec(code, mod.__dict__)
        depth = _os.environ.get('LIVEREF_SITES_DEPTH')
        mod.install(names, depth=depth if depth not in (None, '', '0') else mod.DEFAULT_DEPTH, early=True)
    except Exception:
        pass


def _liveref_chain(here):
    """Imports the next sitecustomize on sys.path in place of this one."""
    me = _sys.modules.get('sitecustomize')

    def norm(p):
        try:
            return _os.path.normcase(_os.path.abspath(p or _os.curdir))
        except Exception:
            return p

    _sys.path[:] = [p for p in _sys.path if norm(p) != here]
    _sys.modules.pop('sitecustomize', None)
    try:
        import sitecustomize  # noqa: F401  (the next one; the import system keeps it in sys.modules)
    except ImportError as exc:
        if getattr(exc, 'name', None) != 'sitecustomize':
            raise
        # None further down: the import system expects a module under this name when we finish.
        _sys.modules['sitecustomize'] = me


_liveref_here = _os.path.normcase(_os.path.dirname(_os.path.abspath(__file__)))
_liveref_install_hook(_liveref_here)
_liveref_track_classes(_liveref_here)
_liveref_chain(_liveref_here)
