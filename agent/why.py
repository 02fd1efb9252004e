"""why: a chain of referrers from an object outward to what keeps it alive.

Each hop costs one gc.get_referrers (O(heap)), so the walk is greedy: at each step it takes
the most telling referrer (a module's globals, then an instance of another trackref-tracked
class, then instances and containers) and ignores frames, the agent's own tables and the
walk's own temporary lists.

When the chain reaches a module global or a class attribute, the result names where that holder
is assigned (`holder`: the `seen = []` line), next to the leak site; containers on the chain
carry a short label (`list (100 items)`).
"""
import gc
import sys
import types

from . import creation_sites, handles, liverefs, source, summary, tracked, user_code, via

_FREELIST_TYPES = (dict, list, tuple, float, types.MethodType)
# Containers print as a short label in the chain (`list (100 items)`), not their repr.
_SIZED = ((dict, 'key', 'keys'), (list, 'item', 'items'), (tuple, 'item', 'items'), (set, 'item', 'items'),
          (frozenset, 'item', 'items'))


def short_label(obj):
    """`list (100 items)`, `dict (3 keys)`, `module shop`, `class Store`, `function parse`, or
    None for an object whose own repr (or URL) says more. Lengths are read with the built-in
    type's len, so a subclass's __len__ never runs."""
    tp = type(obj)
    for base, one, many in _SIZED:
        if issubclass(tp, base):
            n = base.__len__(obj)
            return '%s (%d %s)' % (summary.type_names(tp)[1], n, one if n == 1 else many)
    if issubclass(tp, types.ModuleType):
        return 'module %s' % summary.module_dict(obj).get('__name__', '?')
    if issubclass(tp, type):
        return 'class %s' % summary.type_names(obj)[1]
    if tp is types.FunctionType:
        return 'function %s' % obj.__qualname__
    return None


def _module_dicts():
    out = {}
    mods = tracked.copy(lambda: list(sys.modules.items()), [])
    for name, mod in mods:
        try:
            if summary.isa(mod, types.ModuleType):
                out[id(summary.module_dict(mod))] = (name, mod)
        except Exception:
            continue
    return out


def _describe_frame(frame):
    code = frame.f_code
    return '%s (%s:%d)' % (code.co_name, code.co_filename, frame.f_lineno)


def _owned_ids(obj):
    """Ids of what `obj` refers to within two hops. A referrer among them is a back-reference
    (response -> its cached Selector -> .response), part of the object itself: following it
    explains nothing about why the object is alive."""
    first = tracked.copy(lambda: gc.get_referents(obj), [])
    ids = {id(o) for o in first}
    second = tracked.copy(lambda: gc.get_referents(*first), []) if first else []
    ids.update(id(o) for o in second)
    del first[:], second[:]
    return ids


def _rank(ref, target_cls, tracked_ids, owned):
    """Lower is better."""
    if id(ref) in owned:
        return 9
    tp = type(ref)
    if id(tp) in tracked_ids and tp is not target_cls:
        return 1
    if issubclass(tp, (dict, list, tuple, set, frozenset)):
        return 3 if tp is not tuple else 4
    if tp in (types.CellType, types.FunctionType, types.MethodType):
        return 3
    return 2


def why(params):
    target = handles.get(params.get('handle'))
    max_depth = _max_depth(params)
    via.reset()
    modules = _module_dicts()
    tracked_ids = tracked.tracked_type_ids()
    target_cls = type(target)
    chain = [target]           # objects on the chain, outward: chain[i + 1] refers to chain[i]
    labels = []                # labels[i] names the edge chain[i + 1] -> chain[i]
    own = {id(chain), id(modules)}
    root_kind, root_name = 'depth', None
    frame = sys._getframe()
    try:
        # The referrers are asked for here, in this frame only (excluded below): a helper's
        # frame holding `cur` would be a referrer too. No closures either: their cells would be.
        for _depth in range(max_depth):
            cur = chain[-1]
            candidates = []
            frames = []
            for r in gc.get_referrers(cur):
                if id(r) in own or handles.owns(r) or liverefs.owns(r) or r is frame:
                    continue
                if type(r) is types.FrameType:
                    frames.append(r)
                elif not _on_chain(r, chain):
                    candidates.append(r)
            r = None
            root_name = _module_root(candidates, modules, cur, chain, labels)
            if root_name is not None:
                root_kind = 'module'
                break
            if not candidates:
                root_kind, root_name = _end_root(frames)
                break
            del frames[:]
            best = _best(cur, candidates, target_cls, tracked_ids)
            del candidates[:]
            _add_hop(chain, labels, best, cur)
            if id(type(best)) in tracked_ids and type(best) is not target_cls:
                root_kind, root_name = 'tracked', summary.type_names(type(best))[1]
                break
        result = _result(target, list(zip(chain[1:], labels)), root_kind, root_name)
    finally:
        frame = cur = best = candidates = frames = None
        del chain[:]
        via.reset()
    return result


def _max_depth(params):
    try:
        return max(1, min(64, int(params.get('maxDepth') or 8)))
    except Exception:
        return 8


def _module_root(candidates, modules, cur, chain, labels):
    """When a module's globals refer to cur, the chain ends at the module: its root name."""
    for r in candidates:
        if id(r) in modules and type(r) is dict:
            name, mod = modules[id(r)]
            label = _label(r, cur)
            chain.append(mod)
            labels.append('.' + label[2:-2] if label.startswith("['") and label.endswith("']") else label)
            return 'module %s' % name
    return None


def _end_root(frames):
    """(rootKind, rootName) when no referrer but frames (or none at all) is left."""
    if frames:
        return 'frame', _describe_frame(frames[0])
    return 'root', 'no Python referrer (held by C code, the interpreter or a local variable)'


def _best(cur, candidates, target_cls, tracked_ids):
    """The most telling referrer (lowest _rank; the first among equals)."""
    owned = _owned_ids(cur)
    ranked = [(_rank(c, target_cls, tracked_ids, owned), i) for i, c in enumerate(candidates)]
    return candidates[min(ranked)[1]]


def _add_hop(chain, labels, best, cur):
    """Puts best on the chain, collapsing an instance's __dict__ into the instance (`.attr`) and
    a function's closure tuple into the function (`.__closure__[i]`)."""
    label = _label(best, cur)
    if label == '.__dict__' and labels and type(cur) is dict:
        prev = labels[-1]
        labels[-1] = '.' + prev[2:-2] if prev.startswith("['") and prev.endswith("']") else prev
        chain[-1] = best
    elif label == '.__closure__' and labels and type(cur) is tuple:
        labels[-1] = '.__closure__' + labels[-1]
        chain[-1] = best
    else:
        labels.append(label)
        chain.append(best)


def _on_chain(obj, chain):
    for c in chain:
        if obj is c:
            return True
    return False


def _label(referrer, child):
    labels = [l for t, l in via.edges(referrer, lambda o: o is child) if l]
    return ', '.join(labels) if labels else '?'


def _hop_site(referrer, state):
    """(site, from a free-list type) of one referrer: its creation site when the hook recorded
    one (tracked objects), else its tracemalloc allocation site."""
    site, _stack = source.creation(referrer, state)
    if site is not None:
        return site, False
    site, _stack = source.allocation(referrer)
    return site, site is not None and summary.isa(referrer, _FREELIST_TYPES)


def _result(target, hops, root_kind, root_name):
    """The leak site is the nearest referrer's site in user code (creation hook first, then
    tracemalloc); then a free-list referrer's tracemalloc site; then the target's own site."""
    state = creation_sites.current()
    tracked_ids = tracked.tracked_type_ids()
    out_hops = []
    leak = None
    fallback = None
    holder = None
    for referrer, label in hops:
        hop = {'referrer': summary.summarize(referrer), 'via': label}
        short = short_label(referrer)
        if short is not None:
            hop['label'] = short
        if holder is None:
            holder = source.holder_location(referrer, label)
        site, freelist = _hop_site(referrer, state)
        if site is not None:
            hop['allocation'] = site
            # Freelist types may reuse a block traced for an older object: prefer others.
            if leak is None and not freelist:
                leak = site
            if fallback is None:
                fallback = site
        elif id(type(referrer)) in tracked_ids:
            hop['creationState'] = source.creation_state(referrer, state)
        out_hops.append(hop)
    result = {'target': summary.summarize(target), 'hops': out_hops, 'rootKind': root_kind,
              'tracemalloc': bool(source.tracing()),
              'creationSites': state is not None and state.since is not None,
              'userCode': user_code.describe()}
    if root_name is not None:
        result['rootName'] = root_name
    if holder is not None:
        result['holder'] = holder
    if leak is None:
        leak = fallback
    if leak is None:
        leak, _stack = source.creation(target, state)
    if leak is not None:
        result['leakSite'] = leak
    return result
