"""inspect: one level of children of an object, with Guppy-style via labels, paged."""
import gc
import itertools
import types

from . import handles, summary, tracked

KEY_REPR = 100


def key_label(key):
    return '[%s]' % summary.safe_repr(key, KEY_REPR)


def _slot_names(tp):
    names = []
    try:
        mro = type.__dict__['__mro__'].__get__(tp)
    except Exception:
        return names
    for base in mro:
        try:
            d = type.__dict__['__dict__'].__get__(base)
        except Exception:
            continue
        slots = d.get('__slots__', ())
        if summary.isa(slots, str):
            slots = (slots,)
        try:
            slots = tuple(slots)
        except Exception:
            continue
        for name in slots:
            if summary.isa(name, str) and name not in ('__dict__', '__weakref__'):
                descr = d.get(name if not name.startswith('__') or name.endswith('__') else '_%s%s' % (base.__name__.lstrip('_'), name))
                if summary.isa(descr, types.MemberDescriptorType):
                    names.append((name, descr))
    return names


def instance_dict(obj):
    """The instance's __dict__ through the C descriptor (no program __getattribute__ runs).
    On Python 3.11 this materializes the dict of an instance with inline values."""
    tp = type(obj)
    try:
        mro = type.__dict__['__mro__'].__get__(tp)
    except Exception:
        return None
    for base in mro:
        try:
            descr = type.__dict__['__dict__'].__get__(base).get('__dict__')
        except Exception:
            continue
        if summary.isa(descr, types.GetSetDescriptorType):
            try:
                d = descr.__get__(obj, tp)
            except Exception:
                return None
            return d if summary.isa(d, dict) else None
    return None


def _attrs(obj):
    """(via, value) of slots and __dict__ entries of an instance."""
    out = []
    for name, descr in _slot_names(type(obj)):
        try:
            out.append(('.' + name, descr.__get__(obj, type(obj))))
        except Exception:
            pass
    d = instance_dict(obj)
    if d:
        for key, value in tracked.copy(lambda: list(dict.items(d)), []):
            out.append(('.' + key if summary.isa(key, str) else key_label(key), value))
    return out


def _special(obj):
    """Children of builtin objects that have no __dict__ of interest, or None."""
    if summary.isa(obj, types.FunctionType):
        out = []
        code = obj.__code__
        cells = obj.__closure__ or ()
        for i, cell in enumerate(cells):
            name = code.co_freevars[i] if i < len(code.co_freevars) else str(i)
            try:
                out.append(('.__closure__[%d] (%s)' % (i, name), cell.cell_contents))
            except ValueError:
                pass
        glob = obj.__globals__
        for name in code.co_names:
            if name in glob:
                out.append(('.__globals__[%r]' % name, glob[name]))
        out.append(('.__globals__', glob))
        for attr in ('__defaults__', '__kwdefaults__', '__code__'):
            value = getattr(obj, attr, None)
            if value is not None:
                out.append(('.' + attr, value))
        if obj.__dict__:
            out.append(('.__dict__', obj.__dict__))
        return out
    if summary.isa(obj, types.MethodType):
        return [('.__self__', obj.__self__), ('.__func__', obj.__func__)]
    if summary.isa(obj, types.CellType):
        try:
            return [('.cell_contents', obj.cell_contents)]
        except ValueError:
            return []
    if summary.isa(obj, types.ModuleType):
        d = summary.module_dict(obj)
        return [('.' + k if summary.isa(k, str) else key_label(k), v) for k, v in tracked.copy(lambda: list(d.items()), [])]
    if summary.isa(obj, type):
        d = type.__dict__['__dict__'].__get__(obj)
        out = [('.' + k if summary.isa(k, str) else key_label(k), v) for k, v in tracked.copy(lambda: list(d.items()), [])]
        out.append(('.__mro__', type.__dict__['__mro__'].__get__(obj)))
        return out
    return None


def _container(obj):
    """(total, page(offset, limit)) for builtin containers (and subclasses), else None."""
    if summary.isa(obj, dict):
        def page(off, lim):
            rows = tracked.copy(lambda: list(itertools.islice(dict.items(obj), off, off + lim)), [])
            return [(key_label(k), v) for k, v in rows]
        return dict.__len__(obj), page
    if summary.isa(obj, (list, tuple)):
        getitem = list.__getitem__ if summary.isa(obj, list) else tuple.__getitem__
        length = list.__len__ if summary.isa(obj, list) else tuple.__len__

        def page(off, lim):
            rows = getitem(obj, slice(off, off + lim))
            return [('[%d]' % (off + i), v) for i, v in enumerate(rows)]
        return length(obj), page
    if summary.isa(obj, (set, frozenset)):
        it = set.__iter__ if summary.isa(obj, set) else frozenset.__iter__

        def page(off, lim):
            rows = tracked.copy(lambda: list(itertools.islice(it(obj), off, off + lim)), [])
            return [('<member>', v) for v in rows]
        return len(obj), page
    return None


def children(obj, offset, limit):
    """(total, [(via, value)]) of one page of obj's children."""
    cont = _container(obj)
    if cont is not None:
        extra = _attrs(obj) if type(obj) not in summary.CONTAINERS else []
        total, page = cont
        rows = extra[offset:offset + limit]
        if len(rows) < limit:
            rows += page(max(0, offset - len(extra)), limit - len(rows))
        return total + len(extra), rows
    if type(obj) in summary.PRIMITIVES or summary.isa(obj, (str, bytes, bytearray)):
        return 0, []
    rows = _special(obj)
    if rows is None:
        rows = _attrs(obj)
        if not rows:
            rows = [('<referent %d>' % i, r) for i, r in enumerate(gc.get_referents(obj)) if r is not type(obj)]
    return len(rows), rows[offset:offset + limit]


def inspect(params):
    obj = handles.get(params.get('handle'))
    offset = max(0, int(params.get('offset') or 0))
    limit = max(0, min(2000, int(params.get('limit') or 100)))
    total, rows = children(obj, offset, limit)
    out = []
    for via, value in rows:
        out.append({'via': via, 'value': summary.summarize(value)})
    rows = None
    return {'summary': summary.summarize(obj), 'children': out, 'total': total, 'offset': offset}
