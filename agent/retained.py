"""Retained size: what releasing a set S of objects would free, decided by reference counts.

S is assumed released (every reference to its members is cut). An object outside S is freed
when all its references come from freed objects: its `sys.getrefcount`, minus the references
this walk itself holds, equals the references counted from freed referrers. That is CPython's
own rule (refcount, then the cycle collector), so the prediction is exact up to what the walk
cannot see; what it cannot see always counts as "kept":

* phase 1 (peeling) expands only objects already known to be freed, so it never walks into
  the rest of the heap (a Request's callback reaches the spider, and the spider everything);
* phase 2 (cycles) finds garbage cycles hanging off S (a ↔ b, both referred to by S): the
  CPython collector's subtraction over the closure of the objects phase 1 left undecided, with
  a budget; objects beyond the budget are treated as held from outside;
* phase 3 (garbage) asks who holds the candidates still held from outside: a referrer that is
  itself uncollected garbage (a cycle the collector has not reached yet) keeps nothing alive.
  One pass over the gc objects finds those referrers; they join the candidates, and the
  collector's rule decides again. What is unreachable even while the set lives is garbage
  already: not counted as freed, and its references explain nothing. Without this, a program
  with one garbage cycle per object reported 4,000 objects instead of 13,487. The collector is
  never run (that would change the program and cost a full collection);
* types, modules and frames are never freed; objects without tp_traverse are leaves unless
  heapwalk.referents reads them (code objects), so what they refer to counts as held from
  outside.

Bookkeeping: every reference the walk holds is subtracted, or an object the set alone holds
would look held from outside. Referents are
popped off the `get_referents` list one at a time, so at the test only the local variable and
getrefcount's argument hold the object (plus occurrences still in the list, which are
references from freed objects not yet counted: the last occurrence decides). Undecided objects
are held once in `pobj`, objects of other partition rows once in `held`.

Between steps the job holds the freed objects (they stay alive until the job ends, is cancelled
or expires); nothing is kept afterwards except handles of the largest objects, if asked.
"""
import gc
import heapq
import sys
import time
import types

from . import byvia, handles, heapwalk, liverefs, partition, protocol, summary, tracked

_mro = type.__dict__['__mro__'].__get__
_TYPE_SUBCLASS = 1 << 31
CHUNK = 2000
CYCLE_MIN, CYCLE_MAX = 20000, 250000
HUB = 32
BY_TYPE_ROWS = 30
# Phase 3: rounds of referrer search (garbage chains hanging off garbage need one more each),
# and the most candidates held from outside it looks for referrers of (one heap pass a round).
GARBAGE_ROUNDS, GARBAGE_ROOTS = 1, 20000
SCAN = 256


def _never_freed(tp):
    """Types, modules and frames: shared by design (or running), never part of the answer."""
    if heapwalk.type_flags(tp) & _TYPE_SUBCLASS or tp is types.FrameType:
        return True
    try:
        return types.ModuleType in _mro(tp)
    except Exception:
        return True


# At the test in _peel's loop an object popped off the referents list is held by its referrers,
# the local variable and getrefcount's argument.
SOLE = heapwalk.HELD         # one real referrer + local + argument
BASE = SOLE - 1              # local + argument


class _Walk(object):
    """State of one retained computation (all dropped by clear())."""
    __slots__ = ('freed', 'done', 'held', 'pending', 'pobj', 'kinds', 'set_count', 'exact', 'ours', 'skip')

    def __init__(self, held=None):
        self.freed = []                    # S, then every object found freed (strong)
        self.done = heapwalk.AddrSet()     # ids in freed
        self.held = held                   # AddrSet of objects the caller holds once, or None
        self.pending = {}                  # id -> references counted from freed objects
        self.pobj = {}                     # id -> undecided object (held once)
        self.kinds = {}                    # type -> never freed?
        self.set_count = 0
        self.exact = True
        # Objects the handle table holds strongly (inspected dicts, lists…): the agent's own
        # references, so they do not make what the user looked at count as kept.
        self.ours = handles.strong_ids()
        self.skip = set()                  # ids of the caller's containers (never a referrer)

    def never(self, tp):
        k = self.kinds.get(tp)
        if k is None:
            k = self.kinds[tp] = _never_freed(tp)
        return k

    def seed(self, objs):
        for o in objs:
            i = id(o)
            if i in self.done or self.never(type(o)):
                continue
            self.done.add(i)
            self.freed.append(o)
        self.set_count = len(self.freed)

    def clear(self):
        del self.freed[:]
        self.done.clear()
        self.pending.clear()
        self.pobj.clear()
        self.kinds.clear()
        self.ours.clear()
        self.skip.clear()


def _peel(w):
    """Phase 1: expands freed objects in chunks; yields the number expanded so far."""
    freed, done, pending, pobj, held = w.freed, w.done, w.pending, w.pobj, w.held
    kinds, ours = w.kinds, w.ours
    getrefcount = sys.getrefcount
    append = freed.append
    sole, base = SOLE, BASE
    pos = 0
    while pos < len(freed):
        batch = freed[pos:pos + CHUNK]
        pos += len(batch)
        rs = heapwalk.referents(batch)
        batch = None
        pop = rs.pop
        while rs:
            r = pop()
            n = getrefcount(r)
            tp = type(r)
            k = kinds.get(tp)
            if k is None:
                k = w.never(tp)
            if k:
                continue
            if n <= sole:           # one real referrer, the freed object just expanded
                append(r)
                done.add(id(r))
                continue
            i = id(r)
            if i in done:
                continue
            extra = base
            if held is not None and i in held:
                extra += 1
            if ours and i in ours:
                extra += ours[i]
            c = pending.get(i)
            if c is None:
                c = 1
            else:
                c += 1
                extra += 1          # pobj holds it
            if c >= n - extra:
                pending.pop(i, None)
                pobj.pop(i, None)
                append(r)
                done.add(i)
            else:
                if c == 1:
                    pobj[i] = r
                pending[i] = c
        r = rs = pop = None
        yield pos


def _cycles(w):
    """Phase 2: garbage cycles among the undecided objects and what they reach (bounded).
    gc_refs = refcount - walk's references - references from freed objects - references from
    inside the candidate set; > 0 means held from outside, and so is everything it reaches.
    Hubs (more than HUB references not yet explained, like the spider every callback refers to)
    are not expanded: they count as held from outside, which keeps the walk off the rest of the
    heap; so does the budget."""
    if not w.pobj:
        return
    kobj = _candidates(w)
    index = {id(o): n for n, o in enumerate(kobj)}
    edges = []
    budget = [max(CYCLE_MIN, min(CYCLE_MAX, len(w.freed) // 4))]
    expanded = yield from _expand(w, kobj, index, edges, budget)
    refs = _outside_refs(w, kobj, edges)
    # Phase 3's referrers may well be live (a cache): their own budget, and running out of it
    # only leaves them held from outside, as they were before phase 3 (the answer stays exact).
    budget3 = [CYCLE_MIN]
    for _round in range(GARBAGE_ROUNDS):
        added = yield from _garbage_referrers(w, kobj, index, edges, refs)
        if not added:
            break
        expanded += yield from _expand(w, kobj, index, edges, budget3, False)
        refs = _outside_refs(w, kobj, edges)
    _free_unreachable(w, kobj, edges, refs)
    del kobj[:]
    index.clear()
    del edges[:]
    yield expanded


def _garbage_referrers(w, kobj, index, edges, refs):
    """Phase 3: adds to the candidates the referrers of the candidates held from outside (one
    pass over the gc objects, batches without such a referent passed over in C). Returns how
    many were added; frames, types, modules and the agent's own containers are never added."""
    roots = {id(kobj[j]) for j in range(len(edges)) if refs[j] > 0 and edges[j] is not None}
    if not roots or len(roots) > GARBAGE_ROOTS:
        return 0
    objs = gc.get_objects()
    skip = w.skip
    skip.update((id(objs), id(kobj), id(w.freed), id(w.pobj), id(edges), id(refs)))
    done, never = w.done, w.never
    added = 0
    for start in range(0, len(objs), SCAN):
        if roots.isdisjoint(map(id, gc.get_referents(*objs[start:start + SCAN]))):
            continue
        for o in objs[start:start + SCAN]:
            i = id(o)
            if i in index or i in done or i in skip or never(type(o)) or handles.owns(o) or liverefs.owns(o):
                continue
            if not roots.isdisjoint(map(id, gc.get_referents(o))):
                index[i] = len(kobj)
                kobj.append(o)
                added += 1
        o = None
        yield added
    objs = None
    roots.clear()
    return added


# In phase 2 a candidate is held by the kobj list, the loop's local variable and getrefcount's
# argument.
_IN_KOBJ = heapwalk.HELD


def _known_refs(w, i):
    """References to the object with id i that are explained already: from freed objects
    (pending), and the walk's own (pobj, the caller's `held` set, the handle table)."""
    n = w.pending.get(i, 0) + w.ours.get(i, 0)
    if i in w.pobj:
        n += 1
    if w.held is not None and i in w.held:
        n += 1
    return n


def _candidates(w):
    """The undecided objects, fewest unexplained references first: cycle members have few."""
    getrefcount = sys.getrefcount
    pobj, pending = w.pobj, w.pending
    order = sorted(pobj, key=lambda i: getrefcount(pobj[i]) - pending[i])
    return [pobj[i] for i in order]


def _expand(w, kobj, index, edges, budget, inexact=True):
    """Follows the candidates' references, adding what they reach to kobj, until none is left
    or the budget is spent; edges[j] lists the positions kobj[j] refers to (None: not expanded).
    Resumes at the first candidate not expanded yet. Returns how many were expanded."""
    getrefcount = sys.getrefcount
    done = w.done
    pos = len(edges)
    expanded = 0
    while pos < len(kobj) and expanded < budget[0]:
        o = kobj[pos]
        unexplained = getrefcount(o) - _IN_KOBJ - _known_refs(w, id(o))
        pos += 1
        if unexplained > HUB:
            edges.append(None)
            continue
        out = []
        for r in heapwalk.referents((o,)):
            ri = id(r)
            if ri in done or w.never(type(r)):
                continue
            j = index.get(ri)
            if j is None:
                j = index[ri] = len(kobj)
                kobj.append(r)
            out.append(j)
        edges.append(out)
        expanded += 1
        r = None
        if expanded % CHUNK == 0:
            o = None
            yield expanded
    o = None
    budget[0] -= expanded
    if pos < len(kobj) and inexact:
        w.exact = False
    return expanded


def _outside_refs(w, kobj, edges):
    """Per candidate, the references explained neither by the walk, nor by freed objects, nor
    by other candidates (the collector's gc_refs)."""
    getrefcount = sys.getrefcount
    refs = []
    for o in kobj:
        refs.append(getrefcount(o) - _IN_KOBJ - _known_refs(w, id(o)))
    o = None
    edges.extend([None] * (len(kobj) - len(edges)))     # beyond the budget: not expanded
    for out in edges:
        if out is not None:
            for j in out:
                refs[j] -= 1
    return refs


def _free_unreachable(w, kobj, edges, refs):
    """Candidates held from outside (or not expanded) are kept, and so is all they reach; the
    others are freed, except garbage already: what is unreachable even while the set lives
    (not reached from freed objects either: phase 3's referrers that nothing live holds)."""
    kept = _reach(edges, [j for j in range(len(kobj)) if refs[j] > 0 or edges[j] is None])
    pending = w.pending
    live = _reach(edges, [j for j in range(len(kobj)) if kept[j] or pending.get(id(kobj[j]))])
    for j, o in enumerate(kobj):
        if not kept[j] and live[j]:
            w.done.add(id(o))
            w.freed.append(o)
    o = None


def _reach(edges, stack):
    """Marks (bytearray) the positions in stack and all they reach along edges."""
    marked = bytearray(len(edges))
    for j in stack:
        marked[j] = 1
    while stack:
        out = edges[stack.pop()]
        if out is not None:
            for t in out:
                if not marked[t]:
                    marked[t] = 1
                    stack.append(t)
    return marked


def walk(objs, held=None, largest=5, label='set', ids=None):
    """Generator: yields (done, total, phase) and returns a RetainedResult for releasing objs.
    ids: a list that receives the id of every object predicted freed (for the exactness tests)."""
    t0 = time.time()
    w = _Walk(held)
    try:
        w.seed(objs)
        objs = None
        for n in _peel(w):
            yield (n, len(w.freed), 'retained: walk')
        for n in _cycles(w):
            yield (n, len(w.pobj), 'retained: cycles')
        w.pending.clear()
        w.pobj.clear()
        if ids is not None:
            ids.extend(map(id, w.freed))
        result = _summarize(w, largest)
        result['set'] = label
        result['elapsedMs'] = int((time.time() - t0) * 1000)
        return result
    finally:
        w.clear()


def _summarize(w, largest):
    size = heapwalk.Sizer()
    by_tp = {}
    top = []
    total = 0
    for n, o in enumerate(w.freed):
        s = size(o)
        total += s
        c = by_tp.get(type(o))
        if c is None:
            by_tp[type(o)] = [1, s]
        else:
            c[0] += 1
            c[1] += s
        if largest:
            if len(top) < largest:
                heapq.heappush(top, (s, n))
            elif s > top[0][0]:
                heapq.heapreplace(top, (s, n))
    o = None
    labels = {}
    rows = {}
    for tp, (count, sz) in by_tp.items():
        r = rows.setdefault(partition.label_of(tp, labels), [0, 0])
        r[0] += count
        r[1] += sz
    by_tp.clear()
    ordered = sorted(rows.items(), key=lambda kv: (-kv[1][1], -kv[1][0], kv[0]))
    return {'count': len(w.freed), 'size': total, 'setCount': w.set_count, 'exact': w.exact,
            'byType': [{'label': k, 'count': v[0], 'size': v[1]} for k, v in ordered[:BY_TYPE_ROWS]],
            'largest': [summary.summarize(w.freed[n]) for s, n in sorted(top, reverse=True)]}


def _class_members(class_name):
    found = tracked.find(class_name)
    if found is None:
        raise protocol.AgentError('unknownClass', 'No tracked class named %r.' % class_name)
    out = []
    for ref in tracked.keys(found[1]):
        o = ref()
        if o is not None:
            out.append(o)
    return out


def _groups(type_label, class_name, group, chunk):
    """Runs the by-via partition of the set, filling group (label -> objects)."""
    gen = byvia.by_via(type_label, class_name, 1, 0, group=group, chunk=chunk)
    while True:
        try:
            d, t, phase = next(gen)
        except StopIteration:
            return
        yield (d, t, 'members: ' + phase)


def of_request(params, ids=None, chunk=heapwalk.CHUNK):
    """Generator for retainedStart: the set is a tracked class, a handle, a by-type row, or a
    by-via row (type or className plus via)."""
    largest = max(0, min(50, int(params.get('largest', 5) or 0)))
    class_name, type_label, via_label = params.get('className'), params.get('type'), params.get('via')
    handle = params.get('handle')
    if isinstance(handle, str):
        obj = handles.get(handle)
        return walk([obj], None, largest, 'object %s' % summary.type_names(type(obj))[1], ids)
    if isinstance(class_name, str) and not isinstance(via_label, str):
        return walk(_class_members(class_name), None, largest, 'class %s' % class_name, ids)
    if isinstance(class_name, str) and tracked.find(class_name) is None:
        raise protocol.AgentError('unknownClass', 'No tracked class named %r.' % class_name)
    if not isinstance(type_label, str) and not isinstance(class_name, str):
        raise protocol.AgentError('agent', 'retained needs a className, a type or a handle')
    return _of_rows(type_label if isinstance(type_label, str) else None,
                    class_name if isinstance(class_name, str) else None,
                    via_label if isinstance(via_label, str) else None, largest, ids, chunk)


def _of_rows(type_label, class_name, via_label, largest, ids, chunk):
    group = {}
    try:
        yield from _groups(type_label, class_name, group, chunk)
        if via_label is None:
            objs = [o for members in group.values() for o in members]
        else:
            objs = group.pop(via_label, [])
        group.clear()
        name = 'class %s' % class_name if class_name else 'type %s' % type_label
        if via_label is not None:
            name += ' via %s' % (via_label or '(no name)')
        return (yield from walk(objs, None, largest, name, ids))
    finally:
        group.clear()


def partition_with_retained(by, scope, type_label, class_name, limit, samples, rows_n, mark=None,
                            chunk=heapwalk.CHUNK):
    """A partition whose first rows_n rows carry `retained: {count, size}` (what releasing the
    row's objects would free). By via, the rows' objects come from the same pass and the other
    rows' objects are counted as held once; by type, each row's objects are collected anew."""
    group = {} if by == 'via' else None
    if by == 'via':
        gen = byvia.by_via(type_label, class_name, limit, samples, mark, group=group, chunk=chunk)
    else:
        gen = partition.by_type(scope, limit, samples, chunk)
    try:
        result = yield from gen
        gen = None
        rows = result['rows'][:rows_n]
        held = None
        if group is not None:
            held = heapwalk.AddrSet()
            for members in group.values():
                for o in members:
                    held.add(id(o))
            o = members = None
        for n, row in enumerate(rows):
            phase = 'retained %d/%d' % (n + 1, len(rows))
            if group is not None:
                objs = group.get(row['label'], [])
            else:
                sub = {}
                for d, t, p in _groups(row['label'], None, sub, chunk):
                    yield (d, t, phase + ' ' + p)
                objs = [o for members in sub.values() for o in members]
                sub.clear()
            r = yield from _relabel(walk(objs, held, 0, row['label']), phase)
            objs = None
            row['retained'] = {'count': r['count'], 'size': r['size']}
        return result
    finally:
        if group is not None:
            group.clear()


def _relabel(gen, phase):
    while True:
        try:
            d, t, p = next(gen)
        except StopIteration as stop:
            return stop.value
        yield (d, t, '%s: %s' % (phase, p))
