"""Type introspection that runs no program code: names, MRO lookups, trust policy."""
import types
import weakref

_type_getattr = type.__dict__['__qualname__'].__get__
_type_module = type.__dict__['__module__'].__get__
_type_mro = type.__dict__['__mro__'].__get__
PRIMITIVES = (type(None), bool, int, float, complex)
TEXT = (str, bytes)
CONTAINERS = (list, tuple, dict, set, frozenset)
# Python-level reprs/properties known to read only plain attributes (Request/Response url).
_TRUSTED_PREFIXES = ('scrapy.http.',)
NAMED = (types.FunctionType, types.BuiltinFunctionType, types.MethodType, types.ModuleType, type,
          types.CodeType, types.MethodWrapperType, types.WrapperDescriptorType)


def isa(obj, classes):
    """isinstance without reading obj.__class__ (which runs program __getattribute__)."""
    return issubclass(type(obj), classes)


def module_dict(mod):
    return types.ModuleType.__dict__['__dict__'].__get__(mod)


def type_names(tp):
    """(qualified, short) name of a type; builtins are unqualified."""
    try:
        qual = _type_getattr(tp)
    except Exception:
        qual = '?'
    try:
        mod = _type_module(tp)
    except Exception:
        mod = None
    if not isa(qual, str):
        qual = '?'
    short = qual.rsplit('.', 1)[-1]
    if isa(mod, str) and mod != 'builtins':
        return mod + '.' + qual, short
    return qual, short


def lookup(tp, name):
    """The raw attribute `name` from the type's MRO dicts, without running descriptors."""
    try:
        mro = _type_mro(tp)
    except Exception:
        return None
    for base in mro:
        try:
            d = type.__dict__['__dict__'].__get__(base)
            if name in d:
                return d[name]
        except Exception:
            continue
    return None


def is_py(fn):
    """Whether a class attribute is Python code (a function or method), which calling runs."""
    return isa(fn, (types.FunctionType, types.MethodType, staticmethod, classmethod))


def _trusted_fn(fn):
    if isa(fn, property):
        fn = fn.fget
    mod = getattr(fn, '__module__', None) if isa(fn, types.FunctionType) else None
    return isa(mod, str) and mod.startswith(_TRUSTED_PREFIXES)


_trust_cache = {}


def policy(tp):
    """'direct' when reading repr/url of instances of tp runs no untrusted Python code."""
    key = id(tp)
    hit = _trust_cache.get(key)
    if hit is not None and hit[0]() is tp:
        return hit[1]
    verdict = 'direct'
    for name in ('__getattribute__', '__getattr__'):
        fn = lookup(tp, name)
        if fn is not None and is_py(fn) and not _trusted_fn(fn):
            verdict = 'sandbox'
    fn = lookup(tp, '__repr__')
    if fn is not None and fn is not object.__repr__:
        # Python-level reprs may be slow; C-level ones other than object's may format items.
        if not (is_py(fn) and _trusted_fn(fn)):
            verdict = 'sandbox'
    fn = lookup(tp, 'url')
    if fn is not None:
        if isa(fn, property) or is_py(fn):
            if not _trusted_fn(fn):
                verdict = 'sandbox'
        elif hasattr(type(fn), '__get__') and not isa(fn, (types.MemberDescriptorType, types.GetSetDescriptorType)):
            verdict = 'sandbox'
    try:
        if len(_trust_cache) > 5000:
            _trust_cache.clear()
        _trust_cache[key] = (weakref.ref(tp), verdict)
    except TypeError:
        pass
    return verdict
