"""Read-only access to scrapy.utils.trackref, tolerant of concurrent mutation.

Only reached through sys.modules: the agent never imports Scrapy. `live_refs` is a
defaultdict, so it is never indexed (that would insert); each value is a WeakKeyDictionary
whose `.data` dict keeps insertion (= creation) order.
"""
import sys
import time

from . import protocol

RETRIES = 50


def module():
    return sys.modules.get('scrapy.utils.trackref')


def live_refs():
    mod = module()
    refs = getattr(mod, 'live_refs', None) if mod is not None else None
    return refs if isinstance(refs, dict) else None


def copy(fn, default=None):
    """Runs fn() (which copies a live container), retrying while another thread mutates it."""
    for _ in range(RETRIES):
        try:
            return fn()
        except RuntimeError:
            continue
    return default


def classes():
    """[(cls, wdict)] of live_refs, copied safely."""
    refs = live_refs()
    if refs is None:
        return []
    return copy(lambda: list(refs.items()), [])


def find(class_name):
    """First (cls, wdict) whose class __name__ is class_name (like get_oldest), or None."""
    for cls, wdict in classes():
        if getattr(cls, '__name__', None) == class_name:
            return cls, wdict
    return None


def require(class_name):
    """(cls, wdict) of the trackref class named class_name; else an AgentError the client can
    show (className not a string, trackref not loaded, no such class)."""
    if not isinstance(class_name, str):
        raise protocol.AgentError('agent', 'className must be a string')
    if live_refs() is None:
        raise protocol.AgentError('unavailable', 'scrapy.utils.trackref is not loaded in the program.')
    found = find(class_name)
    if found is None:
        raise protocol.AgentError('unknownClass', 'No tracked class named %r.' % class_name)
    return found


def oldest_entry(wdict):
    """(obj, created) of the first live entry of wdict.data: O(1) unless the front is dead."""
    data = getattr(wdict, 'data', None)
    if data is None:
        return None
    for _ in range(RETRIES):
        try:
            for ref, created in data.items():
                obj = ref()
                if obj is not None:
                    return obj, created
            return None
        except RuntimeError:
            continue
    return None


def keys(wdict):
    """Snapshot of the weakref keys of wdict.data (weak: keeps nothing alive)."""
    data = getattr(wdict, 'data', None)
    if data is None:
        return []
    return copy(lambda: list(data), [])


def created_by_ref(wdict, ref):
    """Creation time of the entry keyed by this very weakref object (identity lookup)."""
    data = getattr(wdict, 'data', None)
    try:
        return data.get(ref) if data is not None else None
    except Exception:
        return None


def _plain_identity(tp):
    # A weakref compares and hashes through its referent: only look objects up whose type
    # keeps object's identity-based __eq__/__hash__, so no program code runs.
    return getattr(tp, '__eq__', None) is object.__eq__ and getattr(tp, '__hash__', None) is object.__hash__


def age_of(obj):
    """Seconds since obj was created, when trackref tracks its exact class; else None."""
    refs = live_refs()
    if refs is None:
        return None
    tp = type(obj)
    try:
        wdict = refs.get(tp)
        if wdict is None or not _plain_identity(tp):
            return None
        created = wdict.get(obj)
    except Exception:
        return None
    if isinstance(created, float):
        return max(0.0, time.time() - created)
    return None


def tracked_type_ids():
    return {id(cls) for cls, _ in classes()}


def created_at(obj):
    """trackref's creation time of obj (time.time() seconds), or None when not tracked.
    Types with their own __eq__/__hash__ (Items) are found by identity in a scan of their
    class's entries, so no program code runs."""
    refs = live_refs()
    if refs is None:
        return None
    tp = type(obj)
    try:
        wdict = refs.get(tp)
    except Exception:
        return None
    if wdict is None:
        return None
    try:
        if _plain_identity(tp):
            created = wdict.get(obj)
        else:
            created = None
            for ref in keys(wdict):
                if ref() is obj:
                    created = created_by_ref(wdict, ref)
                    break
    except Exception:
        return None
    return created if isinstance(created, float) else None
