"""Via partition (Guppy's byvia) of a set: the instances of a tracked class, or all reachable
objects of one type. Each object is labelled by the sorted set of labels of all edges that
refer to it; objects without a nameable edge get ''.

Cost: one pass over gc.get_objects() (plus the untracked objects of the target type reached
from them), then one pass over the containers: batches whose referents contain no target are
skipped in C (set.isdisjoint over map(type, ...)); only containers that refer to a target are
labelled in Python (via.edges). Targets are recognized by type.

Memory: the set of targets is an address bitmap (partition.AddrSet). A target whose reference
count shows a single referrer gets its row at once and only a bit in a second bitmap; only
targets with several referrers keep an id -> labels entry until the end.
"""
import gc
import sys
import time
import types

from . import handles, heapmark, liverefs, partition, protocol, tracked, via

_get_referents = gc.get_referents
_is_tracked = gc.is_tracked
_HAVE_GC = 1 << 14
_flags = type.__dict__['__flags__'].__get__


def _target_types(type_label):
    """Types whose row label (as by-type shows it) is type_label."""
    found = set()
    seen = set()
    for o in gc.get_objects():
        tp = type(o)
        if tp not in seen:
            seen.add(tp)
            if partition._label_of(tp, {}) == type_label:
                found.add(tp)
    o = None
    # Types whose instances may all be untracked (code objects are not gc objects on 3.11).
    for tp in (dict, tuple, list, str, bytes, int, float, set, frozenset, type, bool, complex, type(None),
               types.CodeType):
        if partition._label_of(tp, {}) == type_label:
            found.add(tp)
    return found


class _TargetTest(object):
    __slots__ = ('types',)

    def __init__(self, tset):
        self.types = tset

    def __call__(self, obj):
        return type(obj) in self.types


def _row(rows, key):
    row = rows.get(key)
    if row is None:
        row = rows[key] = [0, 0, []]
    return row


def by_via(type_label=None, class_name=None, limit=200, samples=5, mark=None, group=None):
    """`mark` (a heapmark.Mark) restricts the set to the objects created since the mark.
    `group`: when a dict, receives label -> [objects of the row] (retained.py's sets)."""
    t0 = time.time()
    targets = []
    members = partition.AddrSet()    # addresses of the targets
    sole = partition.AddrSet()       # targets already counted in a row (single referrer)
    labels = {}                      # id(target) -> label or set of labels (shared targets)
    rows = {}                        # label -> [count, size, samples]
    canon = {}
    seen = partition.AddrSet()
    pending = []
    untracked = []
    own = {id(targets), id(labels), id(seen), id(pending), id(untracked), id(rows), id(canon)}
    size = partition._sizer({})
    if class_name is not None:
        found = tracked.find(class_name)
        if found is None:
            raise protocol.AgentError('unknownClass', 'No tracked class named %r.' % class_name)
        cls, wdict = found
        tset = {cls}
        set_name = 'class %s' % class_name
        for ref in (tracked.keys(wdict) if mark is None else heapmark.new_refs(wdict, mark.time)):
            o = ref()
            if o is not None:
                targets.append(o)
                members.add(id(o))
        o = ref = found = wdict = None
        deep = False
    else:
        tset = _target_types(type_label)
        set_name = 'type %s' % type_label
        # Among gc types only dicts and tuples can be untracked, and untracked containers hold
        # only non-gc objects and untracked tuples: tuples and non-gc types need a deep walk.
        deep = any(issubclass(tp, tuple) or not _flags(tp) & _HAVE_GC for tp in tset)
    marked = mark.addrs if mark is not None and class_name is None else None
    if mark is not None:
        set_name += ' since mark'
        own.update(heapmark._own_ids(mark))
    is_target = _TargetTest(tset)
    via.reset()
    objs = gc.get_objects()
    own.add(id(objs))
    total = len(objs)
    frame_type = types.FrameType
    gen_type = types.GeneratorType
    getrefcount = sys.getrefcount
    once = partition.SOLE
    try:
        if class_name is None:
            for start in range(0, total, partition.CHUNK):
                chunk = objs[start:start + partition.CHUNK]
                for o in chunk:
                    if type(o) in tset and id(o) not in own and (marked is None or id(o) not in marked):
                        targets.append(o)
                        members.add(id(o))
                for r in _get_referents(*chunk):
                    if (deep or type(r) in tset) and not _is_tracked(r):
                        if getrefcount(r) > once:
                            i = id(r)
                            if i in seen:
                                continue
                            seen.add(i)
                        if type(r) in tset and (marked is None or id(r) not in marked):
                            targets.append(r)
                            members.add(id(r))
                        if deep and _flags(type(r)) & _HAVE_GC:
                            pending.append(r)
                chunk = o = r = None
                yield (min(start + partition.CHUNK, total), total, 'collect')
            while pending:
                chunk = pending[-partition.CHUNK:]
                del pending[-partition.CHUNK:]
                untracked.extend(chunk)
                for r in _get_referents(*chunk):
                    if not _is_tracked(r):
                        if getrefcount(r) > once:
                            i = id(r)
                            if i in seen:
                                continue
                            seen.add(i)
                        if type(r) in tset and (marked is None or id(r) not in marked):
                            targets.append(r)
                            members.add(id(r))
                        if _flags(type(r)) & _HAVE_GC:
                            pending.append(r)
                chunk = r = None
                yield (total, total, 'collect untracked')
            seen.clear()
        scan_total = total + len(untracked)
        scanned = 0
        for source in (objs, untracked):
            n = len(source)
            for start in range(0, n, partition.SCAN_CHUNK):
                end = min(start + partition.SCAN_CHUNK, n)
                if tset.isdisjoint(map(type, _get_referents(*source[start:end]))):
                    scanned += end - start
                    if scanned % partition.CHUNK < partition.SCAN_CHUNK:
                        yield (scanned, scan_total, 'scan')
                    continue
                for idx in range(start, end):
                    c = source[idx]
                    rs = _get_referents(c)
                    if tset.isdisjoint(map(type, rs)):
                        continue
                    tc = type(c)
                    if tc is frame_type or id(c) in own or handles.owns(c) or liverefs.owns(c) or \
                            (tc is gen_type and c.gi_code is by_via.__code__):
                        continue
                    pairs = via.edges(c, is_target, rs)
                    rs = None
                    for t, label in pairs:
                        i = id(t)
                        if not label or i not in members:
                            continue
                        label = canon.setdefault(label, label)
                        # References held here: the pair, `t`, getrefcount's argument, the
                        # targets list, and objs for tracked targets. One more is the referrer.
                        real = getrefcount(t) - 4 - (1 if _is_tracked(t) else 0)
                        old = labels.get(i)
                        if old is None and real <= 1 and i not in sole:
                            sole.add(i)
                            row = _row(rows, label)
                            row[0] += 1
                            row[1] += size(t)
                            if len(row[2]) < samples:
                                row[2].append(t)
                            if group is not None:
                                group.setdefault(label, []).append(t)
                        elif old is None:
                            labels[i] = label
                        elif type(old) is str:
                            if old != label:
                                labels[i] = {old, label}
                        else:
                            old.add(label)
                    pairs = t = c = None
                scanned += end - start
                if scanned % partition.CHUNK < partition.SCAN_CHUNK:
                    yield (scanned, scan_total, 'scan')
        objs = None
        del untracked[:]
        for t in targets:
            i = id(t)
            lab = labels.get(i)
            if lab is None:
                if i in sole:
                    continue
                key = ''
            elif type(lab) is str:
                key = lab
            else:
                key = ', '.join(sorted(lab))
            row = _row(rows, key)
            row[0] += 1
            row[1] += size(t)
            if len(row[2]) < samples:
                row[2].append(t)
            if group is not None:
                group.setdefault(key, []).append(t)
        t = None
        labels.clear()
        count = len(targets)
        del targets[:]
        result = {'by': 'via', 'set': set_name, 'totalCount': count,
                  'totalSize': sum(r[1] for r in rows.values()),
                  'rows': partition._sample_rows(rows, limit, samples), 'rowCount': len(rows),
                  'elapsedMs': int((time.time() - t0) * 1000)}
        return result
    finally:
        objs = None
        del targets[:]
        members.clear()
        sole.clear()
        labels.clear()
        rows.clear()
        seen.clear()
        del pending[:]
        del untracked[:]
        via.reset()
