"""Handle table: opaque strings for objects revealed to the extension.

Weakly referenceable objects are held by weakref only (the handle dies with the object).
Others (dict, list, tuple, ...) are held strongly in a bounded LRU table; eviction, `release`
and `releaseAll` drop them. Nothing else in the agent keeps program objects between calls.
"""
import threading
import weakref
from collections import OrderedDict

from . import protocol

MAX_STRONG = 2000
MAX_WEAK = 100000

_lock = threading.RLock()
_next = [0]
_weak = OrderedDict()    # handle -> weakref
_strong = OrderedDict()  # handle -> object
_by_id = {}              # id(obj) -> handle (verified on use: ids are reused)
_id_of = {}              # handle -> id(obj)


def _resolve(handle):
    ref = _weak.get(handle)
    if ref is not None:
        return ref()
    if handle in _strong:
        return _strong[handle]
    return None


def register(obj):
    """Returns the handle of obj, creating one if needed."""
    with _lock:
        key = id(obj)
        existing = _by_id.get(key)
        if existing is not None:
            if existing in _strong and _strong[existing] is obj:
                _strong.move_to_end(existing)
                return existing
            ref = _weak.get(existing)
            if ref is not None and ref() is obj:
                _weak.move_to_end(existing)
                return existing
        _next[0] += 1
        handle = 'h%d' % _next[0]
        try:
            ref = weakref.ref(obj)
        except TypeError:
            ref = None
        if ref is not None:
            _weak[handle] = ref
            while len(_weak) > MAX_WEAK:
                old, _ = _weak.popitem(last=False)
                _forget(old)
        else:
            _strong[handle] = obj
            while len(_strong) > MAX_STRONG:
                old, _ = _strong.popitem(last=False)
                _forget(old)
        _by_id[key] = handle
        _id_of[handle] = key
        return handle


def _forget(handle):
    key = _id_of.pop(handle, None)
    if key is not None and _by_id.get(key) == handle:
        del _by_id[key]


def get(handle):
    """The live object of a handle, or AgentError('gone')."""
    if not isinstance(handle, str):
        raise protocol.AgentError('agent', 'handle must be a string')
    with _lock:
        obj = _resolve(handle)
        if obj is None and handle not in _strong:
            raise protocol.AgentError('gone', 'The object of handle %s is gone or was released.' % handle)
        if handle in _strong:
            _strong.move_to_end(handle)
        return obj


def release(handles):
    n = 0
    with _lock:
        for handle in handles or ():
            if not isinstance(handle, str):
                continue
            obj = None
            if handle in _weak:
                obj = _weak.pop(handle)()
                n += 1
            elif handle in _strong:
                obj = _strong.pop(handle)
                n += 1
            else:
                continue
            _forget(handle)
            obj = None
    return n


def release_all():
    with _lock:
        n = len(_weak) + len(_strong)
        _weak.clear()
        _strong.clear()
        _by_id.clear()
        _id_of.clear()
        return n


def owns(obj):
    """True for the agent's own containers (skipped by why/partitions)."""
    return obj is _weak or obj is _strong or obj is _by_id or obj is _id_of


def strong_ids():
    """{id(obj): 1} for the objects this table holds strongly (retained.py subtracts them)."""
    with _lock:
        return {id(o): 1 for o in _strong.values()}


def counts():
    return {'weak': len(_weak), 'strong': len(_strong)}
