"""Read-only access to scrapy.utils.trackref, tolerant of concurrent mutation.

Only reached through sys.modules: the agent never imports Scrapy. Two shapes are read, by
shape rather than by Scrapy's version number:

* up to Scrapy 2.18, `live_refs` is a defaultdict (never indexed: that would insert) and
  creation times are `time.time()` floats;
* from 2.19, `live_refs` is a WeakKeyDictionary of classes and creation times are
  `time.monotonic_ns()` ints.

Either way each value is a WeakKeyDictionary whose `.data` dict keeps insertion (= creation)
order. Every creation time leaves this module as epoch seconds (`Clock.epoch`), so ages,
histograms and marks need not know which shape they came from.
"""
import sys
import time
import weakref

from . import class_tracking, protocol

RETRIES = 50


def module():
    return sys.modules.get('scrapy.utils.trackref')


def live_refs():
    mod = module()
    refs = getattr(mod, 'live_refs', None) if mod is not None else None
    return refs if isinstance(refs, (dict, weakref.WeakKeyDictionary)) else None


def shape():
    """What the agent found, for messages: 'absent', 'dict', 'weak' or the type it cannot read."""
    mod = module()
    if mod is None:
        return 'absent'
    refs = getattr(mod, 'live_refs', None)
    if isinstance(refs, dict):
        return 'dict'
    if isinstance(refs, weakref.WeakKeyDictionary):
        return 'weak'
    return type(refs).__name__


def versions():
    """'Scrapy 2.19.0 on Python 3.14.8', from what the program has loaded."""
    scrapy = sys.modules.get('scrapy')
    version = getattr(scrapy, '__version__', None) if scrapy is not None else None
    return 'Scrapy %s on Python %s' % (version if isinstance(version, str) else '?', sys.version.split()[0])


def check_readable():
    """Raises an AgentError naming the versions when trackref is loaded in a shape this agent
    cannot read, so the user gets one clear message instead of an empty table."""
    found = shape()
    if found not in ('absent', 'dict', 'weak'):
        raise protocol.AgentError('unavailable', 'Live References cannot read scrapy.utils.trackref of %s: live_refs is a %s, '
                                  'neither a dict nor a WeakKeyDictionary. Please report it with these versions.' % (versions(), found))


class Clock(object):
    """Turns trackref creation times of either shape into epoch seconds. One offset per call,
    so every age in one reply is measured against the same instant."""
    __slots__ = ('now', '_mono_offset')

    def __init__(self):
        self.now = time.time()
        self._mono_offset = self.now - time.monotonic_ns() / 1e9

    def epoch(self, created):
        """Epoch seconds of a creation time, or None when it is neither shape."""
        if isinstance(created, float):
            return created
        if isinstance(created, int) and not isinstance(created, bool):
            return created / 1e9 + self._mono_offset
        return None

    def age(self, created):
        at = self.epoch(created)
        return None if at is None else max(0.0, self.now - at)


def copy(fn, default=None):
    """Runs fn() (which copies a live container), retrying while another thread mutates it."""
    for _ in range(RETRIES):
        try:
            return fn()
        except RuntimeError:
            continue
    return default


def classes():
    """[(cls, wdict)] of live_refs, copied safely, then the classes the user named
    (`class_tracking`, whose registries read like trackref's WeakKeyDictionaries)."""
    refs = live_refs()
    out = copy(lambda: list(refs.items()), []) if refs is not None else []
    return out + class_tracking.classes()


def any_tracked():
    """True when trackref is loaded or the user named classes to track."""
    return live_refs() is not None or class_tracking.current() is not None


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
    if not any_tracked():
        check_readable()
        raise protocol.AgentError('unavailable', 'scrapy.utils.trackref is not loaded in the program and no classes are tracked '
                                  '(setting liveReferences.trackedClasses, or liveref --track).')
    found = find(class_name)
    if found is None:
        raise protocol.AgentError('unknownClass', 'No tracked class named %r.%s' % (class_name, _why_untracked(class_name)))
    return found


def _why_untracked(class_name):
    status = class_tracking.status()
    if not status.get('enabled'):
        return ''
    for name, message in status['problems'].items():
        if name == class_name or name.endswith('.' + class_name):
            return ' ' + message
    if class_name in status['waiting']:
        return ' No class of that name has been defined yet: still waiting for its module to be imported.'
    if any(q.endswith('.' + class_name) for q in status['countOnly']):
        return ' Its instances have no __weakref__ (__slots__): only their count is shown.'
    return ''


def oldest_entry(wdict):
    """(obj, created) of the first live entry of wdict.data: O(1) unless the front is dead."""
    data = getattr(wdict, 'data', None)
    if data is None:
        return None
    first_live = getattr(data, 'first_live', None)   # a class_tracking registry's records
    if first_live is not None:
        return first_live(RETRIES)
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


def _wdict_of(tp):
    """trackref's entries of exactly tp, else the registry of a hooked class tp is (or derives
    from), else None."""
    refs = live_refs()
    if refs is not None:
        try:
            wdict = refs.get(tp)
        except Exception:
            wdict = None
        if wdict is not None:
            return wdict
    for cls, reg in class_tracking.classes():
        if cls is tp:
            return reg
    return None


def age_of(obj):
    """Seconds since obj was created, when trackref tracks its exact class; else None."""
    tp = type(obj)
    try:
        wdict = _wdict_of(tp)
        if wdict is None or not (class_tracking.is_registry(wdict) or _plain_identity(tp)):
            return None
        created = wdict.get(obj)
    except Exception:
        return None
    return Clock().age(created)


def tracked_type_ids():
    return {id(cls) for cls, _ in classes()}


def created_at(obj):
    """trackref's creation time of obj in epoch seconds, or None when not tracked.
    Types with their own __eq__/__hash__ (Items) are found by identity in a scan of their
    class's entries, so no program code runs."""
    tp = type(obj)
    wdict = _wdict_of(tp)
    if wdict is None:
        return None
    try:
        if class_tracking.is_registry(wdict):
            created = wdict.get(obj)
        elif _plain_identity(tp):
            created = wdict.get(obj)
        else:
            created = None
            for ref in keys(wdict):
                if ref() is obj:
                    created = created_by_ref(wdict, ref)
                    break
    except Exception:
        return None
    return Clock().epoch(created)
