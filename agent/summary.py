"""ObjectSummary: bounded, safe descriptions of arbitrary (possibly hostile) objects."""
import itertools
import reprlib
import sys
import types

from . import handles, heapwalk, sandbox, tracked, typeinfo

MAX_REPR = 300
MAX_URL = 2000
MAX_INLINE = 200

# Re-exported for the other modules.
isa = typeinfo.isa
module_dict = typeinfo.module_dict
type_names = typeinfo.type_names
lookup = typeinfo.lookup
PRIMITIVES = typeinfo.PRIMITIVES
TEXT = typeinfo.TEXT
CONTAINERS = typeinfo.CONTAINERS


def default_repr(obj, note=None):
    name = type_names(type(obj))[1]
    extra = ' (%s)' % note if note else ''
    return '<%s object at 0x%x%s>' % (name, id(obj), extra)


def _clip(text, limit):
    if type(text) is not str:
        if isa(text, str):
            text = str.__getitem__(text, slice(0, limit + 1))
        else:
            return None
    if len(text) > limit:
        return text[:limit - 1] + '\u2026'
    return text


class _Repr(reprlib.Repr):
    """reprlib that recurses only into exact builtin containers; anything else is a leaf."""

    def __init__(self):
        reprlib.Repr.__init__(self)
        self.maxlevel = 3
        self.maxstring = 120
        self.maxother = 120
        self.maxlong = 60

    def repr_dict(self, x, level):
        # Like reprlib's, without sorting the keys (sorting runs program __lt__).
        n = len(x)
        if n == 0:
            return '{}'
        if level <= 0:
            return '{...}'
        pieces = []
        for key, value in tracked.copy(lambda: list(itertools.islice(x.items(), self.maxdict)), []):
            pieces.append('%s: %s' % (self.repr1(key, level - 1), self.repr1(value, level - 1)))
        if n > self.maxdict:
            pieces.append('...')
        return '{%s}' % ', '.join(pieces)

    def repr_set(self, x, level):
        return self._unsorted(x, level, '{', '}', 'set()')

    def repr_frozenset(self, x, level):
        return self._unsorted(x, level, 'frozenset({', '})', 'frozenset()')

    def _unsorted(self, x, level, left, right, empty):
        if not x:
            return empty
        if level <= 0:
            return left + '...' + right
        items = [self.repr1(e, level - 1) for e in tracked.copy(lambda: list(itertools.islice(x, self.maxset)), [])]
        if len(x) > self.maxset:
            items.append('...')
        return left + ', '.join(items) + right

    def repr1(self, x, level):
        tp = type(x)
        if tp in CONTAINERS or tp is str or tp is int:
            return reprlib.Repr.repr1(self, x, level)
        if tp in PRIMITIVES:
            return repr(x)
        if tp is bytes or tp is bytearray:
            n = self.maxstring
            return repr(x[:n]) + ('...' if len(x) > n else '')
        return leaf_repr(x, 120)

    def repr_int(self, x, level):
        try:
            return reprlib.Repr.repr_int(self, x, level)
        except ValueError:
            return '<int of %d bits>' % x.bit_length()


_repr = _Repr()


def _named_repr(obj):
    if isa(obj, types.ModuleType):
        name = module_dict(obj).get('__name__')
        return "<module %r>" % (name if type(name) is str else '?')
    if isa(obj, type):
        return "<class '%s'>" % type_names(obj)[0]
    if isa(obj, types.FunctionType):
        qual = obj.__qualname__
        return '<function %s at 0x%x>' % (qual if isa(qual, str) else '?', id(obj))
    if isa(obj, types.MethodType):
        func = obj.__func__
        qual = func.__qualname__ if isa(func, types.FunctionType) else '?'
        return '<bound method %s of %s>' % (qual, default_repr(obj.__self__))
    return object.__repr__(obj)


def _call_repr(obj, limit):
    return _clip(repr(obj), limit)


def leaf_repr(obj, limit=MAX_REPR):
    tp = type(obj)
    if tp in PRIMITIVES or tp in TEXT or tp is bytearray or tp in CONTAINERS:
        return _clip(_repr.repr(obj), limit)
    if isa(obj, typeinfo.NAMED):
        try:
            return _clip(_named_repr(obj), limit)
        except Exception:
            return default_repr(obj)
    if sandbox.is_slow(tp):
        return default_repr(obj, 'repr timed out')
    try:
        if typeinfo.policy(tp) == 'direct':
            text = _call_repr(obj, limit)
        else:
            text = sandbox.run(_call_repr, obj, limit)
    except sandbox.Timeout:
        sandbox.mark_slow(tp)
        return default_repr(obj, 'repr timed out')
    except RuntimeError as exc:
        return default_repr(obj, 'repr failed: %s' % exc.args[0] if exc.args else 'repr failed')
    except Exception as exc:
        return default_repr(obj, 'repr failed: %s' % exc.__class__.__name__)
    if text is None:
        return default_repr(obj, 'repr failed: not a str')
    return text


def safe_repr(obj, limit=MAX_REPR):
    try:
        return leaf_repr(obj, limit)
    except Exception as exc:
        try:
            return default_repr(obj, 'repr failed: %s' % exc.__class__.__name__)
        except Exception:
            return '<unrepresentable object>'


def _read_url(obj):
    url = getattr(obj, 'url', None)
    if isa(url, str):
        return _clip(url, MAX_URL)
    return None


def safe_url(obj):
    tp = type(obj)
    if tp in PRIMITIVES or tp in TEXT or tp in CONTAINERS or isa(obj, typeinfo.NAMED):
        return None
    if lookup(tp, 'url') is None and lookup(tp, '__getattr__') is None and lookup(tp, '__getattribute__') in (None, object.__getattribute__):
        # Only an instance attribute can hold it: read without running any code.
        try:
            url = object.__getattribute__(obj, 'url')
        except Exception:
            return None
        return _clip(url, MAX_URL) if isa(url, str) else None
    if sandbox.is_slow(tp):
        return None
    try:
        if typeinfo.policy(tp) == 'direct':
            return _read_url(obj)
        return sandbox.run(_read_url, obj)
    except sandbox.Timeout:
        sandbox.mark_slow(tp)
    except Exception:
        pass
    return None


_SAFE_DESCRIPTORS = (types.MemberDescriptorType, types.GetSetDescriptorType, types.FunctionType,
                     staticmethod, classmethod)


def safe_getattr(obj, name):
    """obj.<name> without running untrusted program code in this thread; None on failure."""
    tp = type(obj)
    if tp in PRIMITIVES or tp in TEXT or tp in CONTAINERS:
        return None
    attr = lookup(tp, name)
    plain = lookup(tp, '__getattr__') is None and lookup(tp, '__getattribute__') in (None, object.__getattribute__)
    try:
        if plain and (attr is None or isa(attr, _SAFE_DESCRIPTORS) or not hasattr(type(attr), '__get__')):
            return object.__getattribute__(obj, name)
        if sandbox.is_slow(tp):
            return None
        if typeinfo.policy(tp) == 'direct':
            return getattr(obj, name)
        return sandbox.run(getattr, obj, name)
    except sandbox.Timeout:
        sandbox.mark_slow(tp)
    except Exception:
        pass
    return None


def safe_size(obj):
    """sys.getsizeof(obj), or None when that would run program code or fails."""
    try:
        if not heapwalk.may_size(type(obj)):
            return None
        return sys.getsizeof(obj)
    except Exception:
        return None


def is_inline(obj):
    """Primitives shown inline, without a handle."""
    tp = type(obj)
    if tp in PRIMITIVES:
        return True
    if tp in TEXT:
        return len(obj) <= MAX_INLINE
    return False


def expandable(obj):
    tp = type(obj)
    if tp in PRIMITIVES or tp in TEXT or tp is bytearray or tp is range:
        return False
    if tp in CONTAINERS:
        return len(obj) > 0
    return True


def summarize(obj, with_handle=True):
    tp = type(obj)
    qual, short = type_names(tp)
    out = {'type': qual, 'typeName': short, 'repr': safe_repr(obj)}
    inline = is_inline(obj)
    if with_handle and not inline:
        out['handle'] = handles.register(obj)
    url = safe_url(obj)
    if url is not None:
        out['url'] = url
    age = tracked.age_of(obj)
    if age is not None:
        out['ageS'] = round(age, 3)
    size = safe_size(obj)
    if size is not None:
        out['size'] = size
    out['expandable'] = False if inline else expandable(obj)
    return out
