"""Via partition (Guppy's byvia) of a set: the instances of a tracked class, or all reachable
objects of one type. Each object is labelled by the sorted set of labels of all edges that
refer to it; objects without a nameable edge get ''.

Cost: one pass over gc.get_objects() (plus the untracked objects of the target type reached
from them), then one pass over the containers: batches whose referents contain no target are
skipped in C (set.isdisjoint over map(type, ...)); only containers that refer to a target are
labelled in Python (via.edges). Targets are recognized by type.

Memory: the set of targets is an address bitmap (heapwalk.AddrSet). A target whose reference
count shows a single referrer gets its row at once and only a bit in a second bitmap; only
targets with several referrers keep an id -> labels entry until the end.

Element edges (list indexes, non-string dict keys, set members) are one edge per container
(holders.py): they are filed under a token of the container, and the tokens become labels
(`Holder.attr[*]`, `list[*]`) once the scan is over. The exact index is kept for the samples.
"""
import gc
import sys
import time
import types

from . import gcslices, handles, heapmark, heapwalk, holders, liverefs, partition, protocol, tracked, via

# Containers whose referents are tested together (in C) before any is labelled one by one.
SCAN_CHUNK = 256


def _target_types(type_label):
    """Types whose row label (as by-type shows it) is type_label."""
    found = set()
    seen = set()
    for o in gc.get_objects():
        tp = type(o)
        if tp not in seen:
            seen.add(tp)
            if partition.label_of(tp, {}) == type_label:
                found.add(tp)
    o = None
    # Types whose instances may all be untracked (code objects are not gc objects on 3.11).
    for tp in (dict, tuple, list, str, bytes, int, float, set, frozenset, type, bool, complex, type(None),
               types.CodeType):
        if partition.label_of(tp, {}) == type_label:
            found.add(tp)
    return found


class _TargetTest(object):
    __slots__ = ('types',)

    def __init__(self, tset):
        self.types = tset

    def __call__(self, obj):
        return type(obj) in self.types


class _Via(object):
    """One by-via partition's bookkeeping (all of it in `own`, so no walk or scan counts it)."""
    __slots__ = ('targets', 'members', 'sole', 'labels', 'rows', 'canon', 'untracked', 'sizer', 'samples',
                 'group', 'own', 'holders', 'index', 'tlabels')

    def __init__(self, samples, group):
        self.targets = []                    # the set, strongly held until the end
        self.members = heapwalk.AddrSet()    # addresses of the targets
        self.sole = heapwalk.AddrSet()       # targets already counted in a row (single referrer)
        self.labels = {}                     # id(target) -> label or set of labels (shared targets)
        self.rows = {}                       # label -> [count, size, samples]
        self.canon = {}                      # one str object per label
        self.untracked = []                  # untracked containers (referrers too)
        self.sizer = heapwalk.Sizer()
        self.samples = samples
        self.group = group
        self.holders = {}                    # id(container) -> [container, label without holder, targets, token]
        self.index = {}                      # id(sample target) -> its exact element label
        self.tlabels = {}                    # container type -> `tuple[*]` / `<member>`
        self.own = {id(self), id(self.targets), id(self.labels), id(self.rows), id(self.canon), id(self.untracked),
                    id(self.holders), id(self.index), id(self.tlabels)}
        self.own.update(self.members.ids())
        self.own.update(self.sole.ids())
        self.own.update(self.sizer.ids())

    def add(self, o):
        self.targets.append(o)
        self.members.add(id(o))

    def token(self, c, label, n):
        """The label standing for container c's element edges until holders are named (a
        container's element edges are all of one kind: indexes, keys or members). n: edges of
        c to the set (all are labelled in one call)."""
        h = self.holders.get(id(c))
        if h is None:
            h = self.holders[id(c)] = [c, holders.type_label(c, label), 0, '\x00%d' % id(c)]
            self.own.add(id(h))
        h[2] += n
        return h[3]

    def type_label(self, c, label):
        """`tuple[*]`, `<member>`: a type's element edges are all of one kind."""
        found = self.tlabels.get(type(c))
        if found is None:
            found = self.tlabels[type(c)] = holders.type_label(c, label)
        return found

    def count(self, key, t, exact=None):
        """Puts target t in the row `key`."""
        row = self.rows.get(key)
        if row is None:
            row = self.rows[key] = [0, 0, []]
        row[0] += 1
        row[1] += self.sizer(t)
        if len(row[2]) < self.samples:
            row[2].append(t)
            if exact is not None:
                self.index[id(t)] = exact
        if self.group is not None:
            self.group.setdefault(key, []).append(t)

    def clear(self):
        del self.targets[:]
        self.members.clear()
        self.sole.clear()
        self.labels.clear()
        self.rows.clear()
        self.holders.clear()
        self.index.clear()
        self.tlabels.clear()
        del self.untracked[:]


def by_via(type_label=None, class_name=None, limit=200, samples=5, mark=None, group=None, chunk=heapwalk.CHUNK):
    """`mark` (a heapmark.Mark) restricts the set to the objects created since the mark.
    `group`: when a dict, receives label -> [objects of the row] (retained.py's sets)."""
    t0 = time.time()
    v = _Via(samples, group)
    objs = None
    try:
        if mark is not None:
            v.own.update(heapmark.own_ids(mark))
        if class_name is not None:
            tset = _class_targets(v, class_name, mark)
            set_name = 'class %s' % class_name
        else:
            tset = _target_types(type_label)
            set_name = 'type %s' % type_label
        if mark is not None:
            set_name += ' since mark'
        via.reset()
        objs = gc.get_objects()
        v.own.add(id(objs))
        if class_name is None:
            yield from _collect(v, tset, objs, mark.addrs if mark is not None else None, chunk)
        yield from _scan(v, tset, (objs, v.untracked), chunk)
        objs = None
        del v.untracked[:]
        names = _holder_names(v)
        _rows_of_shared(v, names)
        _rename_rows(v, names)
        count = len(v.targets)
        del v.targets[:]
        return {'by': 'via', 'set': set_name, 'totalCount': count,
                'totalSize': sum(r[1] for r in v.rows.values()),
                'rows': _sample_rows(v, limit, samples), 'rowCount': len(v.rows),
                'elapsedMs': int((time.time() - t0) * 1000)}
    finally:
        objs = None
        v.clear()
        via.reset()


def _class_targets(v, class_name, mark):
    """The live instances of a trackref class (created since the mark, if any) become the set."""
    found = tracked.find(class_name)
    if found is None:
        raise protocol.AgentError('unknownClass', 'No tracked class named %r.' % class_name)
    cls, wdict = found
    found = None
    for ref in (tracked.keys(wdict) if mark is None else heapmark.new_refs(wdict, mark.time)):
        o = ref()
        if o is not None:
            v.add(o)
        o = None
    return {cls}


def _collect(v, tset, objs, marked, chunk):
    """The objects of the target types (not in the mark, if any) become the set: gc objects,
    and untracked ones reached from them. Among gc types only dicts and tuples can be untracked,
    and untracked containers hold only non-gc objects and untracked tuples: tuples and non-gc
    types need the whole walk; other types are found among the referents of gc objects."""
    deep = any(issubclass(tp, tuple) or not heapwalk.type_flags(tp) & heapwalk.HAVE_GC for tp in tset)
    flags, have_gc = heapwalk.type_flags, heapwalk.HAVE_GC
    for batch, kind, done, total in heapwalk.walk(v.own, chunk, objs, only=None if deep else tset):
        for o in batch:
            if type(o) in tset and (marked is None or id(o) not in marked):
                v.add(o)
            if deep and kind != heapwalk.LISTED and flags(type(o)) & have_gc:
                v.untracked.append(o)
        batch = o = None
        yield (done, total, 'collect' if kind != heapwalk.DRAINED else 'collect untracked')


def _scan(v, tset, sources, chunk):
    """Labels every edge from a container of `sources` to a target. Batches of containers whose
    referents hold no target are passed over in C."""
    scan_total = sum(len(source) for source in sources)
    scanned = 0
    is_target = _TargetTest(tset)
    for source in sources:
        n = len(source)
        for start in range(0, n, SCAN_CHUNK):
            end = min(start + SCAN_CHUNK, n)
            if not tset.isdisjoint(map(type, gc.get_referents(*source[start:end]))):
                _label_referrers(v, tset, is_target, source, start, end)
            scanned += end - start
            if scanned % chunk < SCAN_CHUNK:
                yield (scanned, scan_total, 'scan')


def _label_referrers(v, tset, is_target, source, start, end):
    frame_type = types.FrameType
    gen_type = types.GeneratorType
    own = v.own
    for idx in range(start, end):
        c = source[idx]
        rs = gc.get_referents(c)
        if tset.isdisjoint(map(type, rs)):
            continue
        tc = type(c)
        if tc is frame_type or id(c) in own or handles.owns(c) or liverefs.owns(c) or \
                (tc is gen_type and c.gi_code is by_via.__code__):
            continue
        if len(rs) < gcslices.FREE_SLICE:
            pairs = via.edges(c, is_target, rs)
            rs = None
            _note_edges(v, pairs, c)
        else:
            # A big container: its pairs are as many fresh tuples and labels.
            with gcslices.no_collection():
                pairs = via.edges(c, is_target, rs)
                rs = None
                _note_edges(v, pairs, c)
                gcslices.free(pairs)
        pairs = c = None


# References to a target while _note_edges tests it: its pair, the loop variable `t`,
# getrefcount's argument and the targets list (heapwalk.HELD counts one list, the variable and
# the argument), plus the gc.get_objects() list for tracked targets. One more is the referrer.
_NOTE_HELD = heapwalk.HELD + 1


def _note_edges(v, pairs, c):
    """Files each (target, label) edge: a target with one referrer gets its row at once, others
    collect their labels until the end. Element edges of c are filed under c's token."""
    getrefcount = sys.getrefcount
    is_tracked = gc.is_tracked
    members, sole, labels, canon = v.members, v.sole, v.labels, v.canon
    group = None
    for t, label in pairs:
        i = id(t)
        if not label or i not in members:
            continue
        exact = None
        # Element edges (holders.grouped, inlined: one test per edge). A container with one
        # edge to the set needs no holder name: its row is its type's (`tuple[*]`).
        if label[0] == '[' and label[1] not in '\'"' or label == '<member>':
            if group is None:
                group = v.token(c, label, len(pairs)) if len(pairs) > 1 else v.type_label(c, label)
            exact, label = label, group
        label = canon.setdefault(label, label)
        real = getrefcount(t) - _NOTE_HELD - (1 if is_tracked(t) else 0)
        old = labels.get(i)
        if old is None and real <= 1 and i not in sole:
            sole.add(i)
            v.count(label, t, exact)
        elif old is None:
            labels[i] = label
        elif type(old) is str:
            if old != label:
                labels[i] = {old, label}
        else:
            old.add(label)
    t = None


def _rows_of_shared(v, names):
    """Rows of the targets not counted yet: their sorted set of labels, '' for no nameable edge."""
    labels, sole = v.labels, v.sole
    for t in v.targets:
        i = id(t)
        lab = labels.get(i)
        if lab is None:
            if i in sole:
                continue
            key = ''
        elif type(lab) is str:
            key = names.get(lab, lab)
        else:
            key = ', '.join(sorted({names.get(l, l) for l in lab}))
        v.count(key, t)
    t = None
    labels.clear()


def _holder_names(v):
    """token -> label: the TOP containers with the most targets (two or more) are named after
    their holder when it is an attribute or a global; the others after their type."""
    names = {h[3]: h[1] for h in v.holders.values()}
    top = sorted((h for h in v.holders.values() if h[2] > 1), key=lambda h: -h[2])[:holders.TOP]
    if top:
        modules = holders.module_dicts()
        skip = set(v.own)
        skip.update((id(top), id(names), id(modules)))
        containers = [h[0] for h in top]
        skip.add(id(containers))
        found = holders.holder_names(containers, modules, skip)
        del containers[:]
        for h in top:
            holder = found.get(id(h[0]))
            if holder is not None:
                names[h[3]] = holder + holders.suffix(h[1])
        found.clear()
        modules.clear()
    del top[:]
    v.holders.clear()
    return names


def _rename_rows(v, names):
    """Rows and groups filed under tokens take their final labels (rows with the same label merge)."""
    rows = {}
    for key, row in v.rows.items():
        key = names.get(key, key)
        old = rows.get(key)
        if old is None:
            rows[key] = row
        else:
            old[0] += row[0]
            old[1] += row[1]
            old[2].extend(row[2][:max(0, v.samples - len(old[2]))])
    v.rows.clear()
    v.rows.update(rows)
    rows.clear()
    if v.group is not None:
        for key in [k for k in v.group if k in names]:
            v.group.setdefault(names[key], []).extend(v.group.pop(key))


def _sample_rows(v, limit, samples):
    """partition.sample_rows, with the exact element label (`[76]`) on grouped samples."""
    out = partition.sample_rows(v.rows, limit, samples)
    if samples and v.index:
        for row in out:
            objs = v.rows[row['label']][2]
            for sample, o in zip(row.get('samples', ()), objs):
                exact = v.index.get(id(o))
                if exact is not None:
                    sample['via'] = exact
            o = objs = None
    return out
