"""Referents the garbage collector cannot see: containers whose type is not a gc type (no
tp_traverse), so gc.get_referents() returns nothing for them although they hold objects.

Found by listing, on 3.11, 3.13 and 3.14, the non-gc types whose instances hold other objects:
code objects (constants, names, line and exception tables, nested code), range (start, stop,
step) and datetime's datetime, time (tzinfo) and timezone (offset, name).

Each reader appends to `out` only objects the container stores: attributes computed on access
are avoided, because reading them would create new objects (and 3.12+ caches some, co_code and
co_varnames, on the code object, so the agent would grow the program). The stored tuple of
local names is read at its offset in the code object (found once by probing); the bytes of
their kinds stays unreached (one small object per code object). No program code runs: every
attribute read here is a C getter of a built-in type.
"""
import sys
import types

_CODE_FIELDS = ('co_consts', 'co_names', 'co_exceptiontable', 'co_filename', 'co_name', 'co_qualname',
                'co_linetable')


def _code(code, out):
    for name in _CODE_FIELDS:
        try:
            out.append(getattr(code, name))
        except AttributeError:
            pass
    names = _localsplusnames(code)
    if names is not None:
        out.append(names)


# (offset of the code object's local names tuple, ctypes readers), found once; None: unknown.
_LOCALS = []


def _localsplusnames(code):
    """The stored tuple of local, cell and free variable names. Python exposes only copies
    (co_varnames…): a copy made here would be counted, and 3.12+ caches it on the code."""
    if not _LOCALS:
        _LOCALS.append(_find_locals_offset())
    found = _LOCALS[0]
    if found is None:
        return None
    off, word_at, cast, py_object = found
    return cast(word_at(id(code) + off).value, py_object).value


_PROBE = 'def _liveref_probe_%d(lr_a_%d, lr_b_%d):\n    lr_c_%d = 1\n    return lambda: lr_c_%d\n'


def _find_locals_offset():
    """Compiles two small functions and finds, among the code object's own words, the one that
    points at its names tuple (fresh, so still in the youngest gc generation). Only words of the
    code object are read; nothing is dereferenced until two probes agree on the offset."""
    try:
        import ctypes
        import gc
        found = set()
        for k in (1, 2):
            ns = {}
            exec(compile(_PROBE % ((k,) * 5), '<liveref-probe>', 'exec'), ns)
            code = ns['_liveref_probe_%d' % k].__code__
            names = []
            while True:
                try:
                    names.append(code._varname_from_oparg(len(names)))
                except Exception:
                    break
            names = tuple(names)
            ids = {id(t) for t in gc.get_objects(0) if type(t) is tuple and t == names and t is not names}
            word = ctypes.sizeof(ctypes.c_void_p)
            offs = {off for off in range(2 * word, type(code).__basicsize__, word)
                    if ctypes.c_void_p.from_address(id(code) + off).value in ids}
            found.add(min(offs) if len(offs) == 1 else 0)
        off = found.pop() if len(found) == 1 else 0
        return (off, ctypes.c_void_p.from_address, ctypes.cast, ctypes.py_object) if off else None
    except Exception:
        return None


def _range(r, out):
    out.append(r.start)
    out.append(r.stop)
    out.append(r.step)


def _tzinfo(t, out):
    tz = t.tzinfo
    if tz is not None:
        out.append(tz)


# A value that only the call holds (local, argument) was made by the call, not stored.
_FRESH = 2


def _timezone(tz, out):
    try:
        out.append(tz.utcoffset(None))
        name = tz.tzname(None)
    except Exception:
        return
    # timezone.utc and unnamed zones make their name on each call.
    if sys.getrefcount(name) > _FRESH:
        out.append(name)


def _table():
    table = {types.CodeType: _code, range: _range}
    dt = sys.modules.get('datetime')
    if dt is not None:
        for name, read in (('datetime', _tzinfo), ('time', _tzinfo), ('timezone', _timezone)):
            tp = getattr(dt, name, None)
            if isinstance(tp, type):
                table[tp] = read
    return table


# type -> reader(container, out). Only types that are not gc types: a gc type's referents come
# from gc.get_referents, and reading them here too would count them twice.
TABLE = {tp: read for tp, read in _table().items() if not type.__dict__['__flags__'].__get__(tp) & (1 << 14)}


def refresh():
    """Adds datetime's types once the program has imported it (the agent never imports it)."""
    TABLE.update((tp, read) for tp, read in _table().items()
                 if not type.__dict__['__flags__'].__get__(tp) & (1 << 14))


_INTERNED = []


def uncounted_holders():
    """Ids of interpreter tables whose references to objects are not in the objects' reference
    counts: Python 3.14's dict of interned strings is a gc object, yet a mortal interned string
    held by one code object has a reference count of one. The walk leaves such a table out, or
    it would reach the string a second time (a count of one means "reached once")."""
    if not _INTERNED:
        _INTERNED.append(tuple(_find_interned()))
    return _INTERNED[0]


def _find_interned():
    import gc
    probe = sys.intern(''.join(('liveref-', 'interned-probe')))
    found = [id(d) for d in gc.get_referrers(probe) if type(d) is dict and d.get(probe) is probe]
    if len(found) != 1 or sys.getrefcount(probe) > 3:
        return []
    return found
