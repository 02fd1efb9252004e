"""sourceOf: creation site (trackref hook), allocation site (tracemalloc), class definition,
callback/errback locations. Every site carries `source`: 'creation' or 'tracemalloc'."""
import sys
import types

from . import class_tracking, creation_sites, handles, summary, tracked, user_code


def tracing():
    """True when tracemalloc traces in this process. PYTHONTRACEMALLOC / -X tracemalloc start
    tracing at interpreter start-up without importing the `tracemalloc` module, so ask the
    built-in `_tracemalloc`, and import the (small, stdlib) module only when it traces."""
    try:
        import _tracemalloc
        if not _tracemalloc.is_tracing():
            return False
        if 'tracemalloc' not in sys.modules:
            import tracemalloc  # noqa: F401  (needed for get_object_traceback)
        return True
    except Exception:
        return False


_MANAGED_DICT = 1 << 4
_gettb = []


def _preheader_traceback(obj):
    """Python 3.11.0-3.11.2 (Debian 12) look up instances with a managed dict at the wrong
    address (gh-101430): ask tracemalloc for the real start of the block instead."""
    if sys.version_info[:2] != (3, 11) or sys.version_info[:3] >= (3, 11, 3):
        return None
    try:
        if not type.__dict__['__flags__'].__get__(type(obj)) & _MANAGED_DICT:
            return None
        if not _gettb:
            import ctypes
            fn = ctypes.pythonapi._PyTraceMalloc_GetTraceback
            fn.restype = ctypes.py_object
            fn.argtypes = [ctypes.c_uint, ctypes.c_size_t]
            _gettb.append((fn, 4 * ctypes.sizeof(ctypes.c_void_p)))
        fn, offset = _gettb[0]
        frames = fn(0, id(obj) - offset)
    except Exception:
        return None
    if not isinstance(frames, tuple):
        return None
    return [(f[0], f[1]) for f in reversed(frames)]


def _first_user(stack):
    for loc in reversed(stack):
        if user_code.is_user_path(loc['path']):
            return loc
    return None


def creation_state(obj, state=None):
    """'recorded', 'beforeAttach' (tracked, created before the hook went in), 'missing'
    (tracked, created after it, no record), 'untracked' or 'off'."""
    if class_tracking.hooked_since(obj) is not None:
        # A class the user named: no stack means the gc scan found it before the hook went in.
        return 'recorded' if class_tracking.stack_of(obj) is not None else 'beforeAttach'
    state = state or creation_sites.current()
    if state is None or state.since is None:
        return 'off'
    if creation_sites.stack_of(obj, state) is not None:
        return 'recorded'
    created = tracked.created_at(obj)
    if created is None:
        return 'untracked'
    return 'beforeAttach' if created < state.since else 'missing'


def creation(obj, state=None):
    """(first user frame or None, stack most recent call last) from the creation-site hook."""
    flat = creation_sites.stack_of(obj, state) or class_tracking.stack_of(obj)
    if not flat:
        return None, None
    stack = []
    for i in range(len(flat) - 2, -1, -2):
        code = flat[i]
        stack.append({'path': code.co_filename, 'line': int(flat[i + 1]), 'name': code.co_name, 'source': 'creation'})
    return _first_user(stack), stack


def allocation(obj):
    """(first user frame or None, full stack most recent call last) from tracemalloc."""
    if not tracing():
        return None, None
    try:
        tb = sys.modules['tracemalloc'].get_object_traceback(obj)
    except Exception:
        return None, None
    try:
        frames = [(f.filename, f.lineno) for f in tb] if tb is not None else _preheader_traceback(obj)
    except Exception:
        return None, None
    if not frames:
        return None, None
    # tracemalloc.Traceback iterates oldest frame first since Python 3.7.
    stack = [{'path': p, 'line': int(l), 'source': 'tracemalloc'} for p, l in frames]
    return _first_user(stack), stack


def _code_location(fn):
    seen = 0
    while seen < 5:
        seen += 1
        if summary.isa(fn, types.MethodType):
            fn = fn.__func__
            continue
        partial = sys.modules.get('functools')
        if partial is not None and summary.isa(fn, partial.partial):
            fn = fn.func
            continue
        break
    if not summary.isa(fn, types.FunctionType):
        return None
    code = fn.__code__
    return {'path': code.co_filename, 'line': code.co_firstlineno, 'name': fn.__qualname__}


def class_location(tp):
    try:
        module = type.__dict__['__module__'].__get__(tp)
    except Exception:
        return None
    if not isinstance(module, str) or module == 'builtins' or module not in sys.modules:
        return None
    try:
        import inspect as _inspect
        path = _inspect.getsourcefile(tp)
        if not path:
            return None
        _lines, line = _inspect.getsourcelines(tp)
        return {'path': path, 'line': int(line) or 1, 'name': summary.type_names(tp)[1]}
    except Exception:
        return None


def source_of(params):
    obj = handles.get(params.get('handle'))
    info = {'tracemalloc': bool(tracing()), 'creationState': creation_state(obj), 'userCode': user_code.describe()}
    created, cstack = creation(obj)
    if cstack is not None:
        info['creationStack'] = cstack
    found, stack = allocation(obj)
    if stack is not None:
        info['allocationStack'] = stack
    if created is not None:
        info['allocation'] = created
    elif found is not None:
        info['allocation'] = found
    tp = obj if summary.isa(obj, type) else type(obj)
    loc = class_location(tp)
    if loc is not None:
        info['classDef'] = loc
    for name in ('callback', 'errback'):
        fn = summary.safe_getattr(obj, name)
        if fn is not None:
            loc = _code_location(fn)
            if loc is not None:
                info[name] = loc
    return info


def configure(params):
    """`configure`: {creationSites: true|false|'leave', depth?: int, libraryModules?: [str]}
    -> status. true installs the hook (or adopts the one installed at launch); false restores
    Scrapy's own __new__; 'leave' changes nothing (a CLI run told not to install it)."""
    user_code.configure(params.get('libraryModules'))
    wanted = params.get('creationSites', True)
    if wanted == 'leave':
        pass
    elif wanted:
        creation_sites.install(params.get('depth') or creation_sites.DEFAULT_DEPTH)
    else:
        creation_sites.uninstall()
    track = params.get('trackedClasses')
    if isinstance(track, list) and track:
        class_tracking.install(track, params.get('depth') or class_tracking.DEFAULT_DEPTH)
    return sites_status()


def sites_status():
    out = creation_sites.status()
    out['userCode'] = user_code.describe()
    if class_tracking.current() is not None:
        out['classTracking'] = class_tracking.status()
    return out
