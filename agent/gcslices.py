"""Heap passes in short slices, for calls that share the program's event loop.

Over Scrapy's remote control an agent call runs on a worker thread that the crawl's asyncio loop
awaits. The loop gets the GIL back every switch interval (5 ms), but only between bytecodes: a
single C call over the whole heap (gc.get_referrers, one gc.get_referents of every object, the
dealloc of a list of 300 k fresh tuples) holds it throughout, and the crawl stalls for as long
(84-212 ms measured on a 300 k-object heap). With short calls on, such passes are cut into C
calls over SLICE objects and the GIL is released between slices (time.sleep(0)), so the loop
runs between two slices at once instead of after the pass.

Short calls are a per-call flag (the `shortCalls` parameter, set by the remote-control
transport only): debugpy and telnet keep the single C calls, which are faster in total. The
results are the same either way.

The one pass left whole is gc.get_objects() itself: the collector's lists cannot be read in
pieces from Python (45-58 ms on a crawl with 300 k extra dicts). It is the floor.
"""
import gc
import operator
import threading
import time
from itertools import repeat

# Objects per C call between two releases of the GIL: 1,000 gc objects' referents are read in
# well under a millisecond (a huge container among them costs its own length).
SLICE = 1000
# Items freed or tested per C call when a big temporary list is cut up.
FREE_SLICE = 10000

_local = threading.local()


def active():
    """True while the current call asked for short calls."""
    return getattr(_local, 'on', False)


class enabled(object):
    """`with enabled(flag):` short calls (or not) for the current thread, restored on exit."""
    __slots__ = ('flag', 'saved')

    def __init__(self, flag):
        self.flag = bool(flag)
        self.saved = False

    def __enter__(self):
        self.saved = active()
        _local.on = self.flag
        return self

    def __exit__(self, *exc):
        _local.on = self.saved
        return False


class no_collection(object):
    """`with no_collection():` the cyclic collector paused around a burst of temporaries, when
    short calls are on. 300 k fresh tuples (one big list's element edges) set off a full
    collection of the program's heap on our thread otherwise, 95-127 ms in one piece (3.11 and
    3.14 alike). The burst is freed inside the block, which takes its count off the collector's
    allocation counter again. Only around such a burst, never a whole call: the program keeps
    allocating meanwhile, and a collector paused for seconds leaves it one long collection."""
    __slots__ = ('paused',)

    def __init__(self):
        self.paused = False

    def __enter__(self):
        if active() and gc.isenabled():
            gc.disable()
            self.paused = True
        return self

    def __exit__(self, *exc):
        if self.paused:
            self.paused = False
            gc.enable()
        return False


# Between slices a waiting thread gets the GIL anyway after the switch interval (5 ms): the
# interpreter hands it over at the next bytecode. An explicit release every PAUSE_S more lets
# the loop in sooner without paying a thread switch per slice (that cost why 4x its time).
PAUSE_S = 0.005
# A release that took longer than BUSY_S means the loop took the GIL: it is in the middle of an
# iteration (reading responses, parsing), which our thread, competing for the GIL every switch
# interval, would stretch to twice its length. We then stay off the GIL as long again (at most
# BACKOFF_S), so the loop finishes its iteration alone; an idle loop costs us nothing.
BUSY_S = 0.001
BACKOFF_S = 0.01
_clock = time.perf_counter


def pause():
    """Lets a thread waiting for the GIL (the program's loop) run now, at most every PAUSE_S,
    and gives a busy loop time to finish its iteration. time.sleep releases the GIL."""
    now = _clock()
    if now - getattr(_local, 'last', 0.0) >= PAUSE_S:
        time.sleep(0)
        waited = _clock() - now
        if waited > BUSY_S:
            time.sleep(min(waited, BACKOFF_S))
        _local.last = _clock()


def referrers(targets, objs=None, skip=()):
    """The gc objects that refer to any of `targets` (a list or tuple), like
    gc.get_referrers(*targets) and in the same order. With short calls off that is what runs.
    With short calls on, the gc objects (`objs`, or gc.get_objects()) are tested SLICE at a time:
    a slice whose referents hold no target is passed over in C, only the others are tested one
    by one. `targets`, `objs` and the ids in `skip` are never reported."""
    if not active():
        # `targets` refers to each target: never reported (3.14 copies a star-argument tuple).
        found = gc.get_referrers(targets[0]) if len(targets) == 1 else gc.get_referrers(*targets)
        return [r for r in found if r is not targets and id(r) not in skip]
    mine = objs is None
    if mine:
        objs = gc.get_objects()
    hit = _Hit(targets)
    leave = {id(targets), id(objs), id(hit)}
    leave.update(skip)
    out = []
    get_referents = gc.get_referents
    try:
        for start in range(0, len(objs), SLICE):
            part = objs[start:start + SLICE]
            if hit(get_referents(*part)):
                for o in part:
                    if id(o) not in leave and hit(get_referents(o)):
                        out.append(o)
                o = None
            part = None
            pause()
    finally:
        part = o = None
        hit.clear()
        if mine:
            free(objs)
        objs = None
    return out


class _Hit(object):
    """Whether a list of referents holds one of the targets, tested in C by identity (never
    by ==, which could run program code): one target is compared with operator.is_, three
    times faster than a set of ids, which several targets need."""
    __slots__ = ('one', 'ids')

    def __init__(self, targets):
        self.one = (targets[0],) if len(targets) == 1 else None
        self.ids = None if self.one else {id(t) for t in targets}

    def __call__(self, refs):
        if self.one is not None:
            return any(map(operator.is_, refs, repeat(self.one[0])))
        return not self.ids.isdisjoint(map(id, refs))

    def clear(self):
        self.one = self.ids = None


def free(items):
    """Empties a list from its end in slices: a list holding the only references to 300 k
    objects frees them all in one dealloc otherwise. A plain clear when short calls are off."""
    if not active():
        del items[:]
        return
    while items:
        del items[-FREE_SLICE:]
        pause()


def type_mask(types, seq):
    """[type(o) in types for o in seq], computed in C; FREE_SLICE items per C call when short
    calls are on (a list of 300 k items is one container of the crawl's)."""
    if not active() or len(seq) <= FREE_SLICE:
        return list(map(types.__contains__, map(type, seq)))
    out = []
    for start in range(0, len(seq), FREE_SLICE):
        out.extend(map(types.__contains__, map(type, seq[start:start + FREE_SLICE])))
        pause()
    return out
