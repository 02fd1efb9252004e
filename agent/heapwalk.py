"""The one walk of the reachable heap and the one sizer, shared by every heap-wide pass: the
by-type partition, the by-via partition's collection of its targets, and the heap mark and its
diff.

The walk lists gc.get_objects(), then reaches every untracked object from them (Guppy's heap()):
the collector does not list atomic objects (str, int, float…) nor dicts and tuples that hold
only such objects, and a leak is often made of those. Each object is reported exactly once.

Memory: besides gc.get_objects() the walk holds the referents of one chunk of it and of the
pending untracked containers being walked, cut into `chunk` pieces; the pending list is walked
as soon as it holds a chunk, so it stays short. Shared untracked objects are de-duplicated in an address bitmap (AddrSet); an object
whose reference count shows a single referrer is reached once and needs no entry (most
untracked objects).

Time: the walk is a generator that yields after each piece, so a caller steps it within a
time budget. Over Scrapy's telnet console the agent runs on the crawl's reactor thread, which
must not stall for long: one container can hold millions of untracked objects.
"""
import gc
import sys

from . import typeinfo

# Objects handled between two yields when the caller does not say (jobs.py picks a smaller
# chunk under tracemalloc, which traces every allocation).
CHUNK = 5000
HAVE_GC = 1 << 14                                  # Py_TPFLAGS_HAVE_GC: instances are containers
type_flags = type.__dict__['__flags__'].__get__    # reads tp_flags without running program code

# Kinds of batches the walk yields.
LISTED = 'listed'       # objects of gc.get_objects()
REACHED = 'reached'     # untracked objects reached while the list is walked
DRAINED = 'drained'     # untracked objects reached after the list, from pending containers


def _calibrate():
    probe = [object()]
    for r in probe:
        return sys.getrefcount(r)


# sys.getrefcount of an object that one list refers to, read into a local variable: the list,
# the variable and getrefcount's own argument. Measured, not assumed: an interpreter that passes
# the argument as a borrowed reference (3.14 may) does not count it. The reference-count tests
# here, in byvia.py and in retained.py subtract what they hold themselves from this.
HELD = _calibrate()

# In the walk an object is referred to by the referents list, the piece cut from it, the loop
# variable and getrefcount's argument (HELD counts one list): one count more is one referrer.
SOLE = HELD + 2


class AddrSet(object):
    """A set of object addresses as bitmaps per 1 MB page (objects are 16-byte aligned):
    about heap/128 bytes at most, instead of ~64 bytes per id in a Python set."""
    __slots__ = ('pages',)

    def __init__(self):
        self.pages = {}

    def add(self, i):
        page = self.pages.get(i >> 20)
        if page is None:
            page = self.pages[i >> 20] = bytearray(8192)
        off = (i & 0xFFFFF) >> 4
        page[off >> 3] |= 1 << (off & 7)

    def __contains__(self, i):
        page = self.pages.get(i >> 20)
        if page is None:
            return False
        off = (i & 0xFFFFF) >> 4
        return bool(page[off >> 3] & (1 << (off & 7)))

    def clear(self):
        self.pages.clear()

    def ids(self):
        """Ids of the set's own objects (for a walk's `own`)."""
        return (id(self), id(self.pages))


def may_size(tp):
    """Whether sys.getsizeof may run on instances of tp: not when the type defines __sizeof__ in
    Python (program code never runs)."""
    fn = typeinfo.lookup(tp, '__sizeof__')
    return not (fn is not None and typeinfo.is_py(fn))


class Sizer(object):
    """sys.getsizeof that runs no program code and never raises: 0 for a type that defines
    __sizeof__ in Python, and for an object whose __sizeof__ fails. The verdict is cached per
    type. A class, not a closure: a closure's cells would be objects of their own that a heap
    diff counts as new."""
    __slots__ = ('safe',)

    def __init__(self):
        self.safe = {}      # type -> may sys.getsizeof run on its instances?

    def allowed(self, tp):
        ok = self.safe.get(tp)
        if ok is None:
            ok = self.safe[tp] = may_size(tp)
        return ok

    def __call__(self, obj):
        ok = self.safe.get(type(obj))
        if ok is None:
            ok = self.allowed(type(obj))
        if not ok:
            return 0
        try:
            return sys.getsizeof(obj)
        except Exception:
            return 0

    def sizes(self, objs):
        """The size of each object of a batch; mapped in C when every type of the batch allows
        it and no __sizeof__ fails."""
        if all(map(self.allowed, set(map(type, objs)))):
            try:
                return list(map(sys.getsizeof, objs))
            except Exception:
                pass
        return [self(o) for o in objs]

    def ids(self):
        return (id(self), id(self.safe))


def walk(own, chunk=CHUNK, objs=None, untracked=True, only=None, expanded=None):
    """Yields (batch, kind, done, total) until every object has been reported once: batches of
    `objs` (default: gc.get_objects(), taken at the first step) of kind LISTED, then after each
    the untracked objects reached from it (REACHED), then those reached from the pending
    containers (DRAINED). `done` / `total` count the listed objects.

    own: ids of the caller's bookkeeping; those objects are left out with everything only they
    refer to, and the walk adds its own. untracked=False: the listed objects only (muppy's
    view). only: a set of types; untracked objects of other types are neither reported nor
    followed, and no untracked container is followed (callers that look for one type whose
    untracked instances hang directly off listed objects). expanded: a list that receives each
    untracked container as its referents are walked (by-via scans them as referrers too).

    The batch is the caller's until the next step; drop it before stepping again."""
    seen = AddrSet()
    pending = []
    if objs is None:
        objs = gc.get_objects()
    own.update(seen.ids())
    own.update((id(pending), id(objs), id(own)))
    total = len(objs)
    try:
        for start in range(0, total, chunk):
            batch = objs[start:start + chunk]
            if not own.isdisjoint(map(id, batch)):
                batch = [o for o in batch if id(o) not in own]
            done = min(start + chunk, total)
            yield batch, LISTED, done, total
            if untracked:
                refs = gc.get_referents(*batch)
                batch = None
                for found in _reach(refs, chunk, seen, pending, only):
                    yield found, REACHED, done, total
                    found = None
                    while len(pending) >= chunk:    # keeps the pending list short
                        for found in _drain(pending, chunk, seen, only, expanded):
                            yield found, REACHED, done, total
                        found = None
                refs = None
            batch = None
        objs = None
        while pending:
            for found in _drain(pending, chunk, seen, only, expanded):
                yield found, DRAINED, total, total
            found = None
    finally:
        objs = batch = refs = found = None
        seen.clear()
        del pending[:]


def _drain(pending, chunk, seen, only, expanded):
    """Walks the last `chunk` pending containers: yields their new untracked referents."""
    part = pending[-chunk:]
    del pending[-chunk:]
    if expanded is not None:
        expanded.extend(part)
    refs = gc.get_referents(*part)
    part = None
    return _reach(refs, chunk, seen, pending, only)


def _reach(refs, chunk, seen, pending, only):
    """Yields, per `chunk` of refs, the untracked objects among them not reported before."""
    for k in range(0, len(refs), chunk):
        yield _untracked(refs[k:k + chunk], seen, pending, only)


def _untracked(referents, seen, pending, only):
    """The untracked objects among referents not seen before; containers go on `pending`."""
    getrefcount = sys.getrefcount
    is_tracked = gc.is_tracked
    sole = SOLE
    out = []
    for r in referents:
        if (only is not None and type(r) not in only) or is_tracked(r):
            continue
        # One referrer only: reached once, needs no entry in `seen`.
        if getrefcount(r) > sole:
            i = id(r)
            if i in seen:
                continue
            seen.add(i)
        out.append(r)
        if only is None and type_flags(type(r)) & HAVE_GC:
            pending.append(r)
    return out
