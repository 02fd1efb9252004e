"""Naming edges referrer → referent, Guppy style: `.attr`, `['key']`, `[3]`, `<key>`,
`.__dict__`, `.__globals__`, `.__closure__`, `.cell_contents`, `<member>`.

No program code runs here: dict keys are shown only when they are primitives, attributes are
read through C-level descriptors or object.__getattribute__ after ruling out data descriptors.

Python 3.11 stores most instance attributes as inline values, so gc.get_referents(instance)
yields the values without their names, and reading `__dict__` would materialize a dict per
instance. Names are therefore learned per type from one instance whose dict is read once
(materialized if needed) and then tried with object.__getattribute__ (which does not
materialize). An instance is materialized again only when its referents cannot all be named
with the names learned so far (a differently shaped instance).
"""
import gc
import types
from itertools import compress, count

from . import gcslices, summary

KEY_LIMIT = 80
_PRIM_KEYS = (str, int, float, bool, bytes, type(None))

_dict_descr = {}    # id(type) -> (type weakref-free marker, getset descriptor or None)
_names = {}         # id(type) -> list of learned attribute names (move-to-front on hit)
_members = {}       # id(type) -> [(name, member descriptor)]
_keepalive = []     # types whose ids key the caches during one call (cleared by reset)
stats = {'materialized': 0}
# Instance dicts this agent materialized (id(dict) -> weakref to the owner): their entries are
# labelled `.attr` like the inline values they replaced, so the rows do not change because
# the agent looked at an instance. Survives reset(); holds only weak references.
_ours = {}
MAX_OURS = 10000


def reset():
    _dict_descr.clear()
    _names.clear()
    _members.clear()
    _dots.clear()
    del _keepalive[:]
    stats['materialized'] = 0


_dots = {}


def _dot(name):
    label = _dots.get(name)
    if label is None:
        label = _dots[name] = '.' + name
    return label


def key_label(key):
    tp = type(key)
    if tp in _PRIM_KEYS:
        text = repr(key) if tp is not str or len(key) <= KEY_LIMIT else repr(key[:KEY_LIMIT]) + '...'
    elif tp is tuple and len(key) <= 4 and all(type(k) in _PRIM_KEYS for k in key):
        text = repr(key)
        if len(text) > KEY_LIMIT:
            text = text[:KEY_LIMIT] + '...'
    else:
        text = '<%s>' % summary.type_names(tp)[1]
    return '[%s]' % text


def _mro(tp):
    try:
        return type.__dict__['__mro__'].__get__(tp)
    except Exception:
        return (tp,)


def _type_dict(tp):
    return type.__dict__['__dict__'].__get__(tp)


def members(tp):
    """[(name, member descriptor)] of tp: slots and C-level members (safe raw reads)."""
    key = id(tp)
    hit = _members.get(key)
    if hit is not None:
        return hit
    out = []
    for base in _mro(tp):
        try:
            for name, descr in list(_type_dict(base).items()):
                if type(descr) is types.MemberDescriptorType and name not in ('__weakref__',):
                    out.append((descr.__name__ if isinstance(descr.__name__, str) else name, descr))
        except Exception:
            continue
    _members[key] = out
    _keepalive.append(tp)
    return out


def dict_descriptor(tp):
    key = id(tp)
    if key in _dict_descr:
        return _dict_descr[key]
    found = None
    for base in _mro(tp):
        try:
            descr = _type_dict(base).get('__dict__')
        except Exception:
            continue
        if type(descr) is types.GetSetDescriptorType:
            found = descr
            break
    _dict_descr[key] = found
    _keepalive.append(tp)
    return found


def _data_descriptor(tp, name):
    for base in _mro(tp):
        try:
            d = _type_dict(base)
        except Exception:
            continue
        if name in d:
            attr_tp = type(d[name])
            return hasattr(attr_tp, '__set__') or hasattr(attr_tp, '__delete__')
    return False


def _take(hits, value):
    for i, h in enumerate(hits):
        if h is value:
            del hits[i]
            return True
    return False


def _sequence_edges(seq, is_target):
    """(item, '[i]') for the target items of a tuple or list. With a type test (byvia's), the
    items are picked in C."""
    types_ = getattr(is_target, 'types', None)
    if types_ is None:
        return [(v, '[%d]' % i) for i, v in enumerate(seq) if is_target(v)]
    mask = gcslices.type_mask(types_, seq)
    return [(v, '[%d]' % i) for i, v in zip(compress(count(), mask), compress(seq, mask))]


def _counts(hits):
    """id -> how many times: a referent can be referred to more than once (a tuple (s, s))."""
    want = {}
    for h in hits:
        want[id(h)] = want.get(id(h), 0) + 1
    return want


def _take_id(want, value):
    """Like _take, in constant time: big dicts and lists with many hits were quadratic."""
    i = id(value)
    n = want.get(i)
    if not n:
        return False
    if n == 1:
        del want[i]
    else:
        want[i] = n - 1
    return True


def _left(hits, want):
    """The hits not taken (`want` counts them), in their order."""
    if not want:
        return []
    rest = []
    for h in hits:
        n = want.get(id(h))
        if n:
            rest.append(h)
            if n == 1:
                del want[id(h)]
            else:
                want[id(h)] = n - 1
    return rest


def _learn(inst, tp):
    """Reads the instance dict (materializing it on 3.11 when inline) and learns its names."""
    descr = dict_descriptor(tp)
    if descr is None:
        return None
    try:
        d = descr.__get__(inst, tp)
    except Exception:
        return None
    stats['materialized'] += 1
    try:
        import weakref
        if len(_ours) >= MAX_OURS:
            _ours.clear()
        _ours[id(d)] = weakref.ref(inst)
    except TypeError:
        pass
    names = _names.setdefault(id(tp), [])
    try:
        for name in list(dict.keys(d)):
            if type(name) is str and name not in names and not _data_descriptor(tp, name):
                names.append(name)
    except Exception:
        pass
    return d


def _instance(inst, tp, hits, refs, out):
    """Names edges of an instance's own attributes (slots, members, dict or inline values)."""
    for name, descr in members(tp):
        if not hits:
            return
        try:
            value = descr.__get__(inst, tp)
        except Exception:
            continue
        if _take(hits, value):
            out.append((value, '.' + name))
    if not hits:
        return
    descr = dict_descriptor(tp)
    if descr is None:
        return
    # A materialized __dict__ is the only dict-or-values referent; inline values are many.
    others = [r for r in refs if r is not tp]
    if len(others) == 1 and type(others[0]) is dict:
        try:
            d = descr.__get__(inst, tp)
        except Exception:
            d = None
        if d is others[0]:
            if _take(hits, d):
                out.append((d, '.__dict__'))
            return
    for attempt in (0, 1):
        names = _names.get(id(tp)) or []
        for i, name in enumerate(list(names)):
            try:
                value = object.__getattribute__(inst, name)
            except Exception:
                continue
            if _take(hits, value):
                out.append((value, _dot(name)))
                if i > 0:
                    names.insert(0, names.pop(i))
                if not hits:
                    return
        if attempt == 0:
            d = _learn(inst, tp)
            d = None


def _function(fn, hits, out):
    for attr in ('__globals__', '__closure__', '__defaults__', '__kwdefaults__', '__code__', '__name__',
                 '__qualname__', '__module__', '__doc__', '__builtins__'):
        if not hits:
            return
        try:
            value = getattr(fn, attr)
        except Exception:
            continue
        if _take(hits, value):
            out.append((value, '.' + attr))


def _type(cls, hits, out):
    for attr in ('__mro__', '__bases__', '__base__'):
        try:
            value = type.__dict__[attr].__get__(cls)
        except Exception:
            continue
        if _take(hits, value):
            out.append((value, '.' + attr))
    for h in list(hits):
        if type(h) is dict:
            _take(hits, h)
            out.append((h, '.__dict__'))


def _owned_by_instance(d):
    return owner_of(d) is not None


def owner_of(d):
    """The instance whose __dict__ d is, when the agent materialized or read it; else None."""
    owner_ref = _ours.get(id(d))
    if owner_ref is None:
        return None
    owner = owner_ref()
    if owner is None:
        del _ours[id(d)]
        return None
    descr = dict_descriptor(type(owner))
    try:
        return owner if descr is not None and descr.__get__(owner, type(owner)) is d else None
    except Exception:
        return None


def edges(ref, is_target, refs=None):
    """[(target, label)] for every edge ref → target with is_target(target) true.
    Unnameable edges get label ''. `refs` = gc.get_referents(ref) if already known."""
    if refs is None:
        refs = gc.get_referents(ref)
    hits = [r for r in refs if is_target(r)]
    if not hits:
        return []
    out = []
    tp = type(ref)
    if tp is tuple or tp is list:
        # Exactly a tuple or list: its referents are its items, so every hit is an index.
        return _sequence_edges(list(ref) if tp is list else ref, is_target)
    if issubclass(tp, dict):
        try:
            items = list(dict.items(ref))
        except RuntimeError:
            items = []
        attrs = _owned_by_instance(ref)
        want = _counts(hits)
        for k, v in items:
            if _take_id(want, v):
                out.append((v, _dot(k) if attrs and type(k) is str else key_label(k)))
            if want and _take_id(want, k):
                out.append((k, '<key>'))
            if not want:
                break
        hits = _left(hits, want)
    elif issubclass(tp, (list, tuple)):
        seq = list(ref) if issubclass(tp, list) else ref
        want = _counts(hits)
        for i, v in enumerate(seq):
            if _take_id(want, v):
                out.append((v, '[%d]' % i))
                if not want:
                    break
        hits = _left(hits, want)
    elif issubclass(tp, (set, frozenset)):
        rest = []
        for h in hits:
            if h is tp:
                rest.append(h)
            else:
                out.append((h, '<member>'))
        hits = rest
    elif tp is types.FunctionType:
        _function(ref, hits, out)
    elif tp is types.CellType:
        try:
            value = ref.cell_contents
            if _take(hits, value):
                out.append((value, '.cell_contents'))
        except ValueError:
            pass
    elif tp is types.MethodType:
        for attr in ('__self__', '__func__'):
            value = getattr(ref, attr)
            if _take(hits, value):
                out.append((value, '.' + attr))
    elif issubclass(tp, types.ModuleType):
        try:
            d = summary.module_dict(ref)
            if _take(hits, d):
                out.append((d, '.__dict__'))
        except Exception:
            pass
    elif issubclass(tp, type):
        _type(ref, hits, out)
    elif tp is types.FrameType:
        hits = []
    if hits and tp is not types.FrameType:
        if _take(hits, tp):
            out.append((tp, '.__class__'))
        _instance(ref, tp, hits, refs, out)
    for h in hits:
        out.append((h, ''))
    return out
