"""Heap partitions (Guppy's bytype / byvia) as generators stepped by jobs.py.

Each generator yields (done, total, phase) between chunks and finally returns a Partition.
Between steps it holds the object lists it works on (the caller bounds the job's lifetime);
everything is dropped when the generator finishes or is closed.
"""
import gc
import sys
import time

from . import summary

CHUNK = 5000
SCAN_CHUNK = 256
_HAVE_GC = 1 << 14
_is_tracked = gc.is_tracked
_get_referents = gc.get_referents
_flags = type.__dict__['__flags__'].__get__


def _label_of(tp, cache):
    label = cache.get(tp)
    if label is None:
        label = cache[tp] = summary.type_names(tp)[0]
    return label


def _sizer(cache):
    getsizeof = sys.getsizeof

    def size(obj):
        tp = type(obj)
        ok = cache.get(tp)
        if ok is None:
            fn = summary.lookup(tp, '__sizeof__')
            ok = cache[tp] = not (fn is not None and summary._is_py(fn))
        if ok:
            try:
                return getsizeof(obj)
            except Exception:
                return 0
        return 0
    return size


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


def _sample_rows(rows, limit, samples):
    """rows: {label: [count, size, [objs]]} → sorted PartitionRow list (samples get handles)."""
    ordered = sorted(rows.items(), key=lambda kv: (-kv[1][1], -kv[1][0], kv[0]))
    out = []
    for label, (count, size, objs) in ordered[:limit]:
        row = {'label': label, 'count': count, 'size': size}
        if samples:
            row['samples'] = [summary.summarize(o) for o in objs[:samples]]
        out.append(row)
    return out


def by_type(scope='reachable', limit=200, samples=5):
    t0 = time.time()
    counts = {}          # type -> [count, size, samples]
    seen = AddrSet()     # addresses of shared untracked objects already counted
    pending = []         # untracked containers still to walk
    size_ok = {}
    size = _sizer(size_ok)
    own = {id(counts), id(seen), id(pending), id(size_ok), id(seen.pages)}
    objs = gc.get_objects()
    total = len(objs)
    ns = samples
    reachable = scope != 'gc'
    try:
        for start in range(0, total, CHUNK):
            chunk = objs[start:start + CHUNK]
            for o in chunk:
                if id(o) in own:
                    continue
                tp = type(o)
                c = counts.get(tp)
                if c is None:
                    c = counts[tp] = [0, 0, []]
                c[0] += 1
                c[1] += size(o)
                if len(c[2]) < ns:
                    c[2].append(o)
            if reachable:
                for _ in _walk_in_slices(_get_referents(*chunk), seen, pending, counts, size, ns):
                    yield (start, total, 'objects')
                while len(pending) >= CHUNK:  # keep the pending list short
                    part = pending[-CHUNK:]
                    del pending[-CHUNK:]
                    for _ in _walk_in_slices(_get_referents(*part), seen, pending, counts, size, ns):
                        yield (start, total, 'objects')
                    part = None
            chunk = o = None
            yield (min(start + CHUNK, total), total, 'objects')
        objs = None
        walked = 0
        while pending:
            chunk = pending[-CHUNK:]
            del pending[-CHUNK:]
            for _ in _walk_in_slices(_get_referents(*chunk), seen, pending, counts, size, ns):
                yield (total, total, 'untracked objects (%d)' % walked)
            walked += len(chunk)
            chunk = None
            yield (total, total, 'untracked objects (%d)' % walked)
        seen.clear()
        labels = {}
        rows = {}
        for tp, (count, sz, objs_) in counts.items():
            label = _label_of(tp, labels)
            row = rows.get(label)
            if row is None:
                rows[label] = [count, sz, objs_]
            else:
                row[0] += count
                row[1] += sz
        counts.clear()
        total_count = sum(r[0] for r in rows.values())
        total_size = sum(r[1] for r in rows.values())
        result = {'by': 'type', 'set': 'heap' if reachable else 'gc objects', 'totalCount': total_count,
                  'totalSize': total_size, 'rows': _sample_rows(rows, limit, samples), 'rowCount': len(rows),
                  'elapsedMs': int((time.time() - t0) * 1000)}
        rows.clear()
        return result
    finally:
        objs = chunk = None
        counts.clear()
        seen.clear()
        del pending[:]


def _calibrate():
    probe = [object()]
    for r in probe:
        return sys.getrefcount(r)


# References to an object from the referents list, the loop variable and getrefcount's own
# argument: an object with no more than this plus one is referred to by exactly one referrer,
# so it is reached once and needs no entry in the `seen` set (most untracked objects).
SOLE = _calibrate() + 1


# Referents walked between two yields. One container can hold millions of untracked objects (a
# list of a million small dicts): walked in one go that took 1.5 s, and over Scrapy's telnet
# console the agent runs on the crawl's reactor thread, which must not stall more than ~250 ms.
WALK_SLICE = 20000


def _walk_in_slices(referents, seen, pending, counts, size, ns):
    n = len(referents)
    if n <= WALK_SLICE:
        _walk_untracked(referents, seen, pending, counts, size, ns)
        yield
        return
    for start in range(0, n, WALK_SLICE):
        # Indexing, not slicing: a slice would add a reference to every object and defeat SOLE.
        _walk_untracked(map(referents.__getitem__, range(start, min(start + WALK_SLICE, n))), seen, pending, counts, size, ns)
        yield


def _walk_untracked(referents, seen, pending, counts, size, ns):
    getrefcount = sys.getrefcount
    sole = SOLE
    for r in referents:
        if _is_tracked(r):
            continue
        if getrefcount(r) > sole:
            i = id(r)
            if i in seen:
                continue
            seen.add(i)
        tp = type(r)
        c = counts.get(tp)
        if c is None:
            c = counts[tp] = [0, 0, []]
        c[0] += 1
        c[1] += size(r)
        if len(c[2]) < ns:
            c[2].append(r)
        if _flags(tp) & _HAVE_GC:
            pending.append(r)
