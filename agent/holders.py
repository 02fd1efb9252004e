"""Element edges grouped per container, named after the container's holder.

The most common leak is a list or dict that only grows; by via, labelled per index, its 100
elements were 100 rows of one object each. An element edge is therefore grouped: list and tuple
indexes, dict values under keys that are not strings (ints, tuples, objects) and set members
all become one edge `[*]` (`<member>` for sets) of their container. String keys stay per key:
they name a field (`meta['referer']`), like an attribute. The exact index stays on the sample.

The group is named after what holds the container when that is an attribute or a global:
`CachingPipeline.seen[*]`, `shop.cache[*]`, `Pipeline.items<member>` (class attribute); else
after its type: `list[*]`. Naming costs one gc.get_referrers per container (O(heap)), so only
the containers with the most targets are named (TOP).
"""
import gc
import sys
import types

from . import handles, liverefs, summary, via

TOP = 8


def grouped(label):
    """True for an element edge: `[3]`, `[(1, 2)]`, `[<Foo>]`, `<member>`; not `['key']`."""
    if label == '<member>':
        return True
    return len(label) > 1 and label[0] == '[' and label[1] not in '\'"'


def suffix(label):
    return '<member>' if label == '<member>' else '[*]'


def type_label(container, label):
    """The group's label before (or without) naming the holder: `list[*]`, `<member>`."""
    if label == '<member>':
        return label
    return summary.type_names(type(container))[1] + '[*]'


def module_dicts():
    """id(module globals) -> module name."""
    out = {}
    try:
        mods = list(sys.modules.items())
    except RuntimeError:
        return out
    for name, mod in mods:
        try:
            if summary.isa(mod, types.ModuleType):
                out[id(summary.module_dict(mod))] = name
        except Exception:
            continue
    return out


def _attr_of(label):
    """`.seen` or `['seen']` -> 'seen'; else None."""
    if label.startswith('.') and len(label) > 1:
        return label[1:]
    if label.startswith("['") and label.endswith("']"):
        return label[2:-2]
    return None


def _dict_owners(dicts, skip):
    """id(d) -> the class or instance whose __dict__ d is, for the dicts in `dicts` (one
    gc.get_referrers pass for all)."""
    out = {}
    if not dicts:
        return out
    wanted = {id(d): d for d in dicts}
    for o in gc.get_referrers(*dicts):
        if id(o) in skip or type(o) is types.FrameType:
            continue
        if isinstance(o, type):
            for r in gc.get_referents(o):
                if id(r) in wanted and type(r) is dict:
                    out.setdefault(id(r), o)
        else:
            descr = via.dict_descriptor(type(o))
            try:
                d = descr.__get__(o, type(o)) if descr is not None else None
            except Exception:
                d = None
            if d is not None and wanted.get(id(d)) is d:
                out.setdefault(id(d), o)
            d = None
    o = r = None
    wanted.clear()
    return out


def _owner_name(owner):
    if isinstance(owner, type):
        return summary.type_names(owner)[1]
    return summary.type_names(type(owner))[1]


class _In(object):
    """Tests membership by identity in a set of ids (a closure's cell would be one more
    referrer of what it holds)."""
    __slots__ = ('ids',)

    def __init__(self, ids):
        self.ids = ids

    def __call__(self, o):
        return id(o) in self.ids


def holder_names(containers, modules, skip):
    """id(container) -> `Owner.attr` or `module.global`: the attribute or global that holds
    each container, when there is one. Two passes over the heap at most (gc.get_referrers of
    all containers, then of the dicts among their referrers that may be a __dict__).
    skip: ids of the caller's own containers (never a holder)."""
    skip = set(skip)
    skip.add(id(sys._getframe()))
    ids = {id(c) for c in containers}
    refs = [r for r in gc.get_referrers(*containers)
            if id(r) not in skip and type(r) is not types.FrameType and not handles.owns(r) and not liverefs.owns(r)]
    skip.update((id(refs), id(ids)))
    found = []          # (id(container), referrer, attr, label)
    is_container = _In(ids)
    for r in refs:
        for t, label in via.edges(r, is_container):
            attr = _attr_of(label)
            if attr is not None:
                found.append((id(t), r, attr, label))
        t = None
    r = None
    dicts = [r for _i, r, _a, label in found if type(r) is dict and id(r) not in modules and label.startswith('[')]
    skip.update((id(found), id(dicts)))
    owners = _dict_owners(dicts, skip)
    del dicts[:]
    names = {}
    for i, r, attr, label in found:
        if type(r) is dict and id(r) in modules:
            name = '%s.%s' % (modules[id(r)], attr)
        elif type(r) is dict and label.startswith('['):
            owner = owners.get(id(r))
            name = '%s.%s' % (_owner_name(owner), attr) if owner is not None else None
        else:
            # A dict labelled `.attr` is an instance's __dict__ (3.11 materialized it on an
            # earlier pass): named after the instance, as when the instance referred directly.
            owner = via.owner_of(r) if type(r) is dict else None
            name = '%s.%s' % (_owner_name(owner if owner is not None else r), attr)
        if name is not None and (i not in names or name < names[i]):
            names[i] = name
    r = None
    del found[:], refs[:]
    owners.clear()
    return names
