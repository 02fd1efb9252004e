"""discoverClasses: the user-defined classes with the most live instances, to offer for tracking
("Track Most Numerous Classes", `liveref --discover N`).

User-defined: a Python class (not built-in or C) whose module's file is user code by the rule of
`user_code` (not the standard library, site-/dist-packages, the library packages, the agent), or
`__main__`. One gc scan; the counts are exact for instances the gc tracks (every instance with a
`__dict__` or slots), the usual case for application classes.
"""
import gc
import sys

from . import protocol, summary, user_code

MAX_TOP = 100
_HEAPTYPE = 1 << 9


def _is_user_class(cls, cache):
    key = id(cls)
    if key in cache:
        return cache[key]
    ok = False
    try:
        if type.__dict__['__flags__'].__get__(cls) & _HEAPTYPE:
            module = type.__dict__['__module__'].__get__(cls)
            mod = sys.modules.get(module) if isinstance(module, str) else None
            path = getattr(mod, '__file__', None) if mod is not None else None
            ok = isinstance(path, str) and user_code.is_user_path(path) and not module.startswith('_liveref_')
    except Exception:
        ok = False
    cache[key] = ok
    return ok


def discover(params):
    try:
        top = max(0, min(MAX_TOP, int(params.get('top', 10))))
    except (TypeError, ValueError):
        raise protocol.AgentError('agent', 'top must be a number')
    counts = {}
    types = {}
    for obj in gc.get_objects():
        tp = type(obj)
        key = id(tp)
        counts[key] = counts.get(key, 0) + 1
        types[key] = tp
    obj = None
    cache = {}
    found = []
    for key, n in counts.items():
        tp = types[key]
        if _is_user_class(tp, cache):
            qual, short = summary.type_names(tp)
            found.append({'name': qual, 'className': short, 'count': n})
    types.clear()
    found.sort(key=lambda c: (-c['count'], c['name']))
    return {'classes': found[:top]}
