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


def _dict_owner(d, skip):
    """The class or instance whose __dict__ is d (one gc.get_referrers), or None."""
    for o in gc.get_referrers(d):
        if id(o) in skip or type(o) is types.FrameType:
            continue
        if isinstance(o, type):
            if any(r is d for r in gc.get_referents(o)):
                return o
        else:
            descr = via.dict_descriptor(type(o))
            try:
                if descr is not None and descr.__get__(o, type(o)) is d:
                    return o
            except Exception:
                continue
    return None


def _owner_name(owner):
    if isinstance(owner, type):
        return summary.type_names(owner)[1]
    return summary.type_names(type(owner))[1]


class _Is(object):
    """Tests identity with one object (a closure's cell would be one more referrer of it)."""
    __slots__ = ('obj',)

    def __init__(self, obj):
        self.obj = obj

    def __call__(self, o):
        return o is self.obj


def holder_name(container, modules, skip):
    """`Owner.attr` or `module.global` for the attribute or global that holds container, or
    None. skip: ids of the caller's own containers (never a holder)."""
    skip = set(skip)
    skip.add(id(sys._getframe()))
    refs = [r for r in gc.get_referrers(container)
            if id(r) not in skip and type(r) is not types.FrameType and not handles.owns(r) and not liverefs.owns(r)]
    skip.add(id(refs))
    names = []
    is_container = _Is(container)
    for r in refs:
        for _t, label in via.edges(r, is_container):
            attr = _attr_of(label)
            if attr is None:
                continue
            if type(r) is dict and id(r) in modules:
                names.append('%s.%s' % (modules[id(r)], attr))
            elif type(r) is dict and label.startswith('['):
                owner = _dict_owner(r, skip)
                if owner is not None:
                    names.append('%s.%s' % (_owner_name(owner), attr))
                owner = None
            else:
                names.append('%s.%s' % (_owner_name(r), attr))
    r = None
    del refs[:]
    return sorted(names)[0] if names else None
