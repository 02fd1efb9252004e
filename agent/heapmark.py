"""Mark Heap / Heap Since Mark (Guppy's setrelheap, objgraph's show_growth, DevTools' comparison).

`mark` walks the reachable heap once (the same walk as the by-type partition) and keeps, in the
program, the addresses of every object as an address bitmap (partition.AddrSet: 1 bit per 16
bytes of address space touched, about heap/128 bytes) plus count and size per type. It stays
until the program ends or the next mark, so it survives between CLI runs.

`diff` walks the heap again: per type the count and size now, their change since the mark, and
the objects whose address was not marked ("new"), with samples of only those. An address freed
after the mark and reused by a new object reads as old; for trackref classes the new count and
the samples come instead from trackref's creation times, which is exact.
"""
import gc
import sys
import time

from . import ages, partition, protocol, summary, tracked

_HAVE_GC = 1 << 14
_flags = type.__dict__['__flags__'].__get__
_get_referents = gc.get_referents
_is_tracked = gc.is_tracked


class Mark(object):
    __slots__ = ('addrs', 'counts', 'sizes', 'time', 'count', 'size', 'elapsed_ms')

    def __init__(self):
        self.addrs = partition.AddrSet()
        # label -> count / size at the mark. Plain ints in dicts the walks skip: a list per
        # label would be a gc object of its own and show up as new in every diff.
        self.counts = {}
        self.sizes = {}
        self.time = time.time()
        self.count = 0
        self.size = 0
        self.elapsed_ms = 0


_state = {'mark': None}


def current():
    return _state['mark']


def _own_ids(*objs):
    ids = set()
    for o in objs:
        ids.add(id(o))
        if isinstance(o, Mark):
            ids.update((id(o.addrs), id(o.addrs.pages), id(o.counts), id(o.sizes)))
        elif isinstance(o, Sizer):
            ids.add(id(o.safe))
    return ids


def reachable(own):
    """Yields (chunk, done, total): the objects of gc.get_objects() in chunks, then the untracked
    objects reachable from them, each exactly once. Objects whose id is in `own` (the agent's
    own bookkeeping) are left out with everything only they refer to.

    Memory: a chunk's referents list is cut into CHUNK-sized pieces and the pending containers
    are walked as soon as there are CHUNK of them, so besides gc.get_objects() only one
    referents list (as large as the largest container's) is held at a time."""
    seen = partition.AddrSet()
    pending = []
    own.update((id(seen), id(seen.pages), id(pending)))
    objs = gc.get_objects()
    own.add(id(objs))
    total = len(objs)
    step = partition.CHUNK
    try:
        for start in range(0, total, step):
            chunk = objs[start:start + step]
            if not own.isdisjoint(map(id, chunk)):
                chunk = [o for o in chunk if id(o) not in own]
            yield chunk, min(start + step, total), total
            refs = _get_referents(*chunk)
            chunk = None
            for k in range(0, len(refs), step):
                found = _untracked(refs[k:k + step], seen, pending)
                if found:
                    yield found, min(start + step, total), total
                found = None
                while len(pending) >= step:
                    for found in _drain(pending, step, seen):
                        yield found, min(start + step, total), total
                    found = None
            refs = None
        objs = None
        while pending:
            for found in _drain(pending, step, seen):
                yield found, total, total
            found = None
    finally:
        objs = None
        seen.clear()
        del pending[:]


def _drain(pending, step, seen):
    """Walks the last `step` pending containers: yields their new untracked referents."""
    part = pending[-step:]
    del pending[-step:]
    refs = _get_referents(*part)
    part = None
    for k in range(0, len(refs), step):
        found = _untracked(refs[k:k + step], seen, pending)
        if found:
            yield found


def _untracked(referents, seen, pending):
    """The untracked objects among referents not seen before; containers go on `pending`."""
    getrefcount = sys.getrefcount
    sole = partition.SOLE + 1    # referents are passed as a slice of the referents list: +1
    out = []
    for r in referents:
        if _is_tracked(r):
            continue
        # One referrer only: reached once, needs no entry in `seen` (most untracked objects).
        if getrefcount(r) > sole:
            i = id(r)
            if i in seen:
                continue
            seen.add(i)
        out.append(r)
        if _flags(type(r)) & _HAVE_GC:
            pending.append(r)
    return out


class Sizer(object):
    """Whether sys.getsizeof may run on a type: not when the type defines __sizeof__ in Python
    (program code never runs). A class, not a closure: closure cells would count as new."""
    __slots__ = ('safe',)

    def __init__(self):
        self.safe = {}

    def check(self, tp):
        fn = summary.lookup(tp, '__sizeof__')
        flag = self.safe[tp] = not (fn is not None and summary._is_py(fn))
        return flag

    def __call__(self, tp):
        flag = self.safe.get(tp)
        return self.check(tp) if flag is None else flag


def _sizes(chunk, sizer):
    """sys.getsizeof of each object, mapped in C when every type of the chunk allows it."""
    getsizeof = sys.getsizeof
    if all(map(sizer, set(map(type, chunk)))):
        return map(getsizeof, chunk)
    return [getsizeof(o) if sizer(type(o)) else 0 for o in chunk]


def mark_gen():
    t0 = time.time()
    new = Mark()
    counts = {}              # type -> [count, size]
    sizer = Sizer()
    own = _own_ids(new, counts, sizer, _state.get('mark'))
    pages = new.addrs.pages
    for chunk, done, total in reachable(own):
        # Inlined (no function calls): this loop runs once per object of the heap.
        for o, sz in zip(chunk, _sizes(chunk, sizer)):
            i = id(o)
            page = pages.get(i >> 20)
            if page is None:
                page = pages[i >> 20] = bytearray(8192)
            page[(i >> 7) & 8191] |= 1 << ((i >> 4) & 7)
            c = counts.get(type(o))
            if c is None:
                c = counts[type(o)] = [0, 0]
            c[0] += 1
            c[1] += sz
        chunk = o = None
        yield (done, total, 'mark')
    labels = {}
    for tp, (n, sz) in counts.items():
        label = partition._label_of(tp, labels)
        new.counts[label] = new.counts.get(label, 0) + n
        new.sizes[label] = new.sizes.get(label, 0) + sz
        new.count += n
        new.size += sz
    counts.clear()
    new.elapsed_ms = int((time.time() - t0) * 1000)
    _state['mark'] = None    # the old mark's memory goes before the result is reported
    _state['mark'] = new
    return info()


def info():
    m = _state['mark']
    if m is None:
        return None
    return {'markedAt': m.time, 'count': m.count, 'size': m.size, 'elapsedMs': m.elapsed_ms,
            'markBytes': _mark_bytes(m)}


def info_call(params):
    return {'mark': info()}


def _mark_bytes(m):
    pages = m.addrs.pages
    return sys.getsizeof(pages) + sum(sys.getsizeof(p) for p in list(pages.values())) + \
        sys.getsizeof(m.counts) + sys.getsizeof(m.sizes) + 64 * len(m.counts)


def diff_gen(limit=200, samples=5):
    mark = _state['mark']
    if mark is None:
        raise protocol.AgentError('unavailable', 'No heap mark: run Mark Heap first.')
    t0 = time.time()
    counts = {}              # type -> [count, size, new count, new size, new samples]
    sizer = Sizer()
    own = _own_ids(mark, counts, sizer)
    pages = mark.addrs.pages
    for chunk, done, total in reachable(own):
        for o, sz in zip(chunk, _sizes(chunk, sizer)):
            c = counts.get(type(o))
            if c is None:
                c = counts[type(o)] = [0, 0, 0, 0, []]
            c[0] += 1
            c[1] += sz
            i = id(o)
            page = pages.get(i >> 20)
            if page is None or not page[(i >> 7) & 8191] & (1 << ((i >> 4) & 7)):
                c[2] += 1
                c[3] += sz
                if len(c[4]) < samples:
                    c[4].append(o)
        chunk = o = None
        yield (done, total, 'diff')
    rows = _rows(counts, mark, samples, sizer)
    counts.clear()
    rows.sort(key=lambda r: (-r['countDelta'], -r['sizeDelta'], r['label']))
    result = {'by': 'type', 'set': 'heap since mark', 'totalCount': sum(r['count'] for r in rows),
              'totalSize': sum(r['size'] for r in rows), 'rows': rows[:limit], 'rowCount': len(rows),
              'markedAt': mark.time, 'elapsedMs': int((time.time() - t0) * 1000)}
    return result


def _rows(counts, mark, samples, sized):
    by_label = {}
    labels = {}
    for tp, c in counts.items():
        row = by_label.get(_label_of(tp, labels))
        if row is None:
            by_label[labels[tp]] = c
        else:
            for k in range(4):
                row[k] += c[k]
            row[4].extend(c[4][:max(0, samples - len(row[4]))])
    _exact_tracked(by_label, labels, mark.time, samples, sized)
    rows = []
    for label in set(by_label) | set(mark.counts):
        count, size, new, new_size, objs = by_label.get(label) or (0, 0, 0, 0, [])
        row = {'label': label, 'count': count, 'size': size, 'countDelta': count - mark.counts.get(label, 0),
               'sizeDelta': size - mark.sizes.get(label, 0), 'newCount': new, 'newSize': new_size}
        if samples:
            row['samples'] = [summary.summarize(o) for o in objs[:samples]]
        rows.append(row)
    return rows


def _label_of(tp, labels):
    return partition._label_of(tp, labels)


def _exact_tracked(by_label, labels, since, samples, sized):
    """For trackref classes, new = created after the mark (by trackref's clock): exact even
    when a new object took the address of one freed after the mark."""
    shared = {}
    for tp, label in labels.items():
        shared[label] = shared.get(label, 0) + 1
    for cls, wdict in tracked.classes():
        label = labels.get(cls)
        row = by_label.get(label) if label is not None else None
        if row is None or shared.get(label) != 1:
            continue  # several types share the label: keep the address-based figures
        objs = [o for o in (ref() for ref in new_refs(wdict, since)) if o is not None]
        row[2] = len(objs)
        row[3] = sum(map(sys.getsizeof, objs)) if sized(cls) else 0
        row[4] = objs[:samples]
        objs = None


def tracked_class_name(label):
    """The __name__ of the trackref class whose by-type label is `label`, when that name finds
    exactly that class (tracked.find goes by __name__); else None."""
    labels = {}
    for cls, _wdict in tracked.classes():
        if partition._label_of(cls, labels) == label:
            name = getattr(cls, '__name__', None)
            found = tracked.find(name) if isinstance(name, str) else None
            return name if found is not None and found[0] is cls else None
    return None


def new_refs(wdict, since):
    """Weakrefs to the live objects of a trackref class created at or after `since`."""
    return [ref for ref, created in ages.created_times(wdict) if created >= since]


def release_all():
    """The mark is the user's, not a handle: releaseAll keeps it; only a new mark replaces it."""
    return 0
