"""Mark Heap / Heap Since Mark (Guppy's setrelheap, objgraph's show_growth, DevTools' comparison).

`mark` walks the reachable heap once (heapwalk.walk, as the by-type partition does) and keeps, in
the program, the addresses of every object as an address bitmap (heapwalk.AddrSet: 1 bit per 16
bytes of address space touched, about heap/128 bytes) plus count and size per type. It stays
until the program ends or the next mark, so it survives between CLI runs.

`diff` walks the heap again: per type the count and size now, their change since the mark, and
the objects whose address was not marked ("new"), with samples of only those. An address freed
after the mark and reused by a new object reads as old; for trackref classes the new count and
the samples come instead from trackref's creation times, which is exact.
"""
import sys
import time

from . import ages, heapwalk, partition, protocol, summary, tracked


class Mark(object):
    __slots__ = ('addrs', 'counts', 'sizes', 'time', 'count', 'size', 'elapsed_ms')

    def __init__(self):
        self.addrs = heapwalk.AddrSet()
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


def own_ids(*objs):
    """Ids of the agent's bookkeeping objects (a Mark, a Sizer, dicts…) and of the containers
    inside them: a walk leaves them out with everything only they refer to."""
    ids = set()
    for o in objs:
        ids.add(id(o))
        if isinstance(o, Mark):
            ids.update(o.addrs.ids())
            ids.update((id(o.counts), id(o.sizes)))
        elif isinstance(o, heapwalk.Sizer):
            ids.update(o.ids())
    return ids


def mark_gen(chunk=heapwalk.CHUNK):
    t0 = time.time()
    new = Mark()
    counts = {}              # type -> [count, size]
    sizer = heapwalk.Sizer()
    own = own_ids(new, counts, sizer, _state.get('mark'))
    pages = new.addrs.pages
    for batch, _kind, done, total in heapwalk.walk(own, chunk):
        # Inlined (no function calls): this loop runs once per object of the heap.
        for o, sz in zip(batch, sizer.sizes(batch)):
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
        batch = o = None
        yield (done, total, 'mark')
    labels = {}
    for tp, (n, sz) in counts.items():
        label = partition.label_of(tp, labels)
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


def diff_gen(limit=200, samples=5, chunk=heapwalk.CHUNK):
    mark = _state['mark']
    if mark is None:
        raise protocol.AgentError('unavailable', 'No heap mark: run Mark Heap first.')
    t0 = time.time()
    counts = {}              # type -> [count, size, new count, new size, new samples]
    sizer = heapwalk.Sizer()
    own = own_ids(mark, counts, sizer)
    pages = mark.addrs.pages
    for batch, _kind, done, total in heapwalk.walk(own, chunk):
        for o, sz in zip(batch, sizer.sizes(batch)):
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
        batch = o = None
        yield (done, total, 'diff')
    rows = _rows(counts, mark, samples, sizer)
    counts.clear()
    rows.sort(key=lambda r: (-r['countDelta'], -r['sizeDelta'], r['label']))
    result = {'by': 'type', 'set': 'heap since mark', 'totalCount': sum(r['count'] for r in rows),
              'totalSize': sum(r['size'] for r in rows), 'rows': rows[:limit], 'rowCount': len(rows),
              'markedAt': mark.time, 'elapsedMs': int((time.time() - t0) * 1000)}
    return result


def _rows(counts, mark, samples, sizer):
    by_label = {}
    labels = {}
    for tp, c in counts.items():
        row = by_label.get(partition.label_of(tp, labels))
        if row is None:
            by_label[labels[tp]] = c
        else:
            for k in range(4):
                row[k] += c[k]
            row[4].extend(c[4][:max(0, samples - len(row[4]))])
    _exact_tracked(by_label, labels, mark.time, samples, sizer)
    rows = []
    for label in set(by_label) | set(mark.counts):
        count, size, new, new_size, objs = by_label.get(label) or (0, 0, 0, 0, [])
        row = {'label': label, 'count': count, 'size': size, 'countDelta': count - mark.counts.get(label, 0),
               'sizeDelta': size - mark.sizes.get(label, 0), 'newCount': new, 'newSize': new_size}
        if samples:
            row['samples'] = [summary.summarize(o) for o in objs[:samples]]
        rows.append(row)
    return rows


def _exact_tracked(by_label, labels, since, samples, sizer):
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
        row[3] = sum(sizer.sizes(objs))
        row[4] = objs[:samples]
        objs = None


def tracked_class_name(label):
    """The __name__ of the trackref class whose by-type label is `label`, when that name finds
    exactly that class (tracked.find goes by __name__); else None."""
    labels = {}
    for cls, _wdict in tracked.classes():
        if partition.label_of(cls, labels) == label:
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
