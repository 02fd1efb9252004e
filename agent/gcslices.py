"""Heap work in short slices, for calls that share the program's event loop.

Over Scrapy's remote control an agent call runs on a worker thread that the crawl's asyncio loop
awaits. The loop gets the GIL back every switch interval (5 ms), but only between bytecodes: one
long C call holds it, and the crawl stalls for as long. With short calls on (the `shortCalls`
parameter, set by the remote-control transport only; debugpy and telnet keep the faster whole
calls, with the same results):
- a big list's items are tested and big temporary lists are freed FREE_SLICE items per C call;
- the cyclic collector is paused around the burst of temporaries one big container makes;
- between slices the GIL is released, and a busy loop is left to finish its iteration.

What stays whole is measured, not assumed: gc.get_objects() (45-90 ms on a crawl with 300 k
extra dicts) cannot be read in pieces, and gc.get_referrers (a why hop, the naming of holders)
is cheaper in one C call (10-30 ms there) than any sliced version, which needs gc.get_objects()
first. Those two are the floor.
"""
import gc
import threading
import time

# Items freed or tested per C call when a big list is cut up (about a millisecond).
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
# interpreter hands it over at the next bytecode. An explicit release every PAUSE_S lets the
# loop in sooner without paying a thread switch per slice.
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
