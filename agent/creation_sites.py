"""Creation sites of trackref-tracked objects, without tracemalloc.

Scrapy's `object_ref.__new__` runs at the birth of every tracked object. The hook wraps it to
also keep the creating frames as one flat tuple `(code, line, code, line, ...)` of at most
`depth` frames: code objects and ints only, never frames or strings. Records are keyed by
`id(obj)` and removed by a weakref callback when the object dies, so nothing is kept alive and
no program `__hash__`/`__eq__` runs (Scrapy's Items define both).

This file is self-contained (stdlib only, no imports from the agent): `agent/launch/sitecustomize.py`
runs it before the program's first line, and an agent injected later adopts that installation.
Every copy finds the installed state through the `_liveref_sites` attribute of the wrapper in
`object_ref.__dict__`, or of the import finder that waits for `scrapy.utils.trackref`.
"""
import sys
import time
import weakref

TRACKREF = 'scrapy.utils.trackref'
DEFAULT_DEPTH = 8
MAX_DEPTH = 32


class _Ref(weakref.ref):
    """Weak reference to a tracked object that carries its record: the key it is filed under
    (the object's id) and the creation stack."""
    __slots__ = ('key', 'stack')


class State(object):
    """One installation. `records` maps id(obj) -> _Ref; `since` is when the hook went in."""

    def __init__(self, depth, early):
        self.depth = depth
        self.early = early
        self.records = {}
        self.since = None
        self.original = None
        self.owner = None


def _depth(value):
    try:
        return max(1, min(MAX_DEPTH, int(value)))
    except Exception:
        return DEFAULT_DEPTH


def _make_new(original, state):
    """The wrapper. Kept small: it runs at every tracked object's birth in the program."""
    fn = original.__func__
    records = state.records
    getframe = sys._getframe
    make_ref = _Ref

    def remove(ref, records=records):
        try:
            if records.get(ref.key) is ref:
                del records[ref.key]
        except Exception:
            pass

    def __new__(cls, *args, **kwargs):
        obj = fn(cls, *args, **kwargs)
        try:
            frame = getframe(1)
            stack = []
            n = state.depth
            while frame is not None and n:
                stack.append(frame.f_code)
                stack.append(frame.f_lineno)
                frame = frame.f_back
                n -= 1
            frame = None
            ref = make_ref(obj, remove)
            ref.key = key = id(obj)
            ref.stack = tuple(stack)
            records[key] = ref
        except Exception:
            pass
        return obj

    __new__._liveref_sites = state
    return __new__


def _object_ref():
    mod = sys.modules.get(TRACKREF)
    cls = getattr(mod, 'object_ref', None) if mod is not None else None
    return cls if isinstance(cls, type) else None


def _wrap(state):
    """Wraps object_ref.__new__ now. False when trackref is not loaded or not as expected."""
    cls = _object_ref()
    if cls is None:
        return False
    original = cls.__dict__.get('__new__')
    if not isinstance(original, staticmethod):
        return False
    state.original = original
    state.since = time.time()
    state.owner = cls
    # type.__setattr__ updates the tp_new slot of every subclass (Request, Response, Item...).
    type.__setattr__(cls, '__new__', staticmethod(_make_new(original, state)))
    return True


class _TrackrefFinder(object):
    """Meta path finder that wraps object_ref.__new__ right after `scrapy.utils.trackref` is
    executed, before any tracked object can exist; it then leaves sys.meta_path."""

    def __init__(self, state):
        self._liveref_sites = state

    def find_spec(self, fullname, path=None, target=None):
        if fullname != TRACKREF:
            return None
        spec = None
        for finder in list(sys.meta_path):
            find = getattr(finder, 'find_spec', None)
            if finder is self or find is None:
                continue
            spec = find(fullname, path, target)
            if spec is not None:
                break
        loader = getattr(spec, 'loader', None)
        exec_module = getattr(loader, 'exec_module', None)
        if exec_module is None:
            return spec
        state = self._liveref_sites

        def exec_and_wrap(module):
            try:
                exec_module(module)
            finally:
                try:
                    del loader.exec_module
                except Exception:
                    pass
            _remove_finder(self)
            try:
                _wrap(state)
            except Exception:
                pass

        try:
            loader.exec_module = exec_and_wrap
        except Exception:
            pass
        return spec


def _remove_finder(finder):
    try:
        sys.meta_path.remove(finder)
    except ValueError:
        pass


def _pending_finder():
    for finder in list(sys.meta_path):
        if getattr(finder, '_liveref_sites', None) is not None:
            return finder
    return None


def current():
    """The installed State (wrapping, or waiting for trackref to be imported), or None."""
    cls = _object_ref()
    if cls is not None:
        new = cls.__dict__.get('__new__')
        fn = getattr(new, '__func__', None)
        state = getattr(fn, '_liveref_sites', None)
        if state is not None:
            return state
    finder = _pending_finder()
    return finder._liveref_sites if finder is not None else None


def install(depth=DEFAULT_DEPTH, early=False):
    """Installs the hook (idempotent; adopts an existing installation and sets its depth).
    Wraps at once when trackref is loaded, else when the program imports it."""
    state = current()
    if state is not None:
        state.depth = _depth(depth)
        return state
    state = State(_depth(depth), early)
    if not _wrap(state):
        sys.meta_path.insert(0, _TrackrefFinder(state))
    return state


def uninstall():
    """Restores Scrapy's own __new__ (the very same staticmethod object) and drops every record."""
    state = current()
    if state is None:
        return False
    finder = _pending_finder()
    if finder is not None:
        _remove_finder(finder)
    cls = state.owner
    if cls is not None and state.original is not None:
        fn = getattr(cls.__dict__.get('__new__'), '__func__', None)
        if getattr(fn, '_liveref_sites', None) is state:
            type.__setattr__(cls, '__new__', state.original)
    state.records.clear()
    return True


def stack_of(obj, state=None):
    """The recorded flat (code, line, ...) tuple of obj, most recent call first, or None."""
    state = state or current()
    if state is None:
        return None
    ref = state.records.get(id(obj))
    if ref is None or ref() is not obj:
        return None
    return ref.stack


def status(state=None):
    state = state or current()
    if state is None:
        return {'enabled': False}
    return {
        'enabled': True,
        'active': state.since is not None,
        'early': bool(state.early),
        'since': state.since,
        'depth': state.depth,
        'records': len(state.records),
    }
