"""The by-type partition (Guppy's bytype), and the row labels and sampled rows every partition
shares (by via in byvia.py, the diff since a mark in heapmark.py, retained sizes).

Partitions are generators stepped by jobs.py: each yields (done, total, phase) between chunks
and finally returns a Partition.
Between steps it holds the object lists it works on (the caller bounds the job's lifetime);
everything is dropped when the generator finishes or is closed.
"""
import time

from . import heapwalk, summary


def label_of(tp, cache):
    """The by-type row label of a type (module.qualname, plain name for builtins), cached."""
    label = cache.get(tp)
    if label is None:
        label = cache[tp] = summary.type_names(tp)[0]
    return label


def sample_rows(rows, limit, samples):
    """rows: {label: [count, size, [objs]]} → sorted PartitionRow list (samples get handles)."""
    ordered = sorted(rows.items(), key=lambda kv: (-kv[1][1], -kv[1][0], kv[0]))
    out = []
    for label, (count, size, objs) in ordered[:limit]:
        row = {'label': label, 'count': count, 'size': size}
        if samples:
            row['samples'] = [summary.summarize(o) for o in objs[:samples]]
        out.append(row)
    return out


def by_type(scope='reachable', limit=200, samples=5, chunk=heapwalk.CHUNK):
    """scope 'reachable': every object of the heap (gc objects and the untracked objects they
    reach); 'gc': gc.get_objects() only (muppy's view)."""
    t0 = time.time()
    counts = {}          # type -> [count, size, samples]
    sizer = heapwalk.Sizer()
    own = {id(counts)}
    own.update(sizer.ids())
    reachable = scope != 'gc'
    drained = 0
    try:
        for batch, kind, done, total in heapwalk.walk(own, chunk, untracked=reachable):
            _count(counts, batch, sizer, samples)
            if kind == heapwalk.DRAINED:
                drained += len(batch)
            batch = None
            yield (done, total, 'objects' if kind != heapwalk.DRAINED else 'untracked objects (%d)' % drained)
        rows = _by_label(counts)
        counts.clear()
        total_count = sum(r[0] for r in rows.values())
        total_size = sum(r[1] for r in rows.values())
        result = {'by': 'type', 'set': 'heap' if reachable else 'gc objects', 'totalCount': total_count,
                  'totalSize': total_size, 'rows': sample_rows(rows, limit, samples), 'rowCount': len(rows),
                  'elapsedMs': int((time.time() - t0) * 1000)}
        rows.clear()
        return result
    finally:
        batch = None
        counts.clear()


def _count(counts, batch, sizer, samples):
    for o, sz in zip(batch, sizer.sizes(batch)):
        tp = type(o)
        c = counts.get(tp)
        if c is None:
            c = counts[tp] = [0, 0, []]
        c[0] += 1
        c[1] += sz
        if len(c[2]) < samples:
            c[2].append(o)


def _by_label(counts):
    """{type: [count, size, samples]} -> {label: [count, size, samples]} (types may share a label)."""
    labels = {}
    rows = {}
    for tp, (count, sz, objs) in counts.items():
        label = label_of(tp, labels)
        row = rows.get(label)
        if row is None:
            rows[label] = [count, sz, objs]
        else:
            row[0] += count
            row[1] += sz
    return rows
