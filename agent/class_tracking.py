"""Tracking of classes the user names, in any Python program (no Scrapy needed).

Each named class gets a creation hook: its `__new__` is replaced (with `type.__setattr__`, which
updates the `tp_new` slot of every subclass, exactly like the trackref hook of
`creation_sites.py`) by a wrapper that calls the class's own `__new__`, then files a weak
reference to the new object with its creation time and creating frames. Each class's
`Registry` looks like one of trackref's `live_refs[cls]` values to the rest of the agent: a
`.data` in creation order mapping a weakref to its creation time (`time.monotonic_ns()`, the
shape of Scrapy 2.19's trackref), so counts, the oldest object, ages and Iterate All read it
the same way.

Cost is per birth in the program, so the hook does the least it can: one weakref whose callback
is a dict's own C `pop`, one clock read, and the creating frames as (code, last instruction)
pairs, which become line numbers only when a stack is read (see bench/classTracking.bench.ts).

* Classes are found by name: `Class` (its `__name__`) or `package.module.Class`
  (`__module__` + `__qualname__`). A class defined after `install` is hooked the moment its
  `class` statement ends (a wrapper of `builtins.__build_class__`, which also sees `__main__`);
  classes that exist already are found by one gc scan.
* Objects made before the hook are found by the same scan and filed first with creation time
  None: "created before Live References attached", never given an age.
* A class without `__weakref__` (`__slots__`) cannot be weakly keyed: it is not hooked, and
  its live instances are counted by a gc scan at each call (exact, no ages).
* `uninstall` restores every `__new__` (the very same object, or none) and `__build_class__`.

Self-contained (stdlib only): `agent/launch/sitecustomize.py` runs it before the program's first
line (env LIVEREF_TRACK), and an agent injected later adopts that installation through the
`_liveref_classes` attribute of the `__build_class__` wrapper.
"""
import bisect
import builtins
import gc
import sys
import time
import types
import weakref

DEFAULT_DEPTH = 8
_HEAPTYPE = 1 << 9
MAX_DEPTH = 32
_getweakrefs = weakref.getweakrefs
# Where a frame is (its last instruction) is one attribute read; its line number is a search of
# the code's line table, so lines are worked out when a stack is read, not at each birth.
_LASTI = hasattr((lambda: None).__code__, 'co_lines')


class _Ref(weakref.ref):
    """Weak reference to a tracked object. Hashes and compares by its own identity (C slots, no
    program code runs), so it keys a plain dict; its callback is that dict's own `pop` (C), so
    a death runs no Python code and its entry goes at once."""
    __slots__ = ()
    __hash__ = object.__hash__
    __eq__ = object.__eq__
    __ne__ = object.__ne__


_MISSING = object()


class _Entries(object):
    """Reads like the `.data` of one of trackref's WeakKeyDictionaries, {ref: creation time} in
    creation order: the objects found before the hook (time None), then the births (whose
    records are (time, code, last instruction, ...)). Copies are taken with C calls, so another
    thread's births cannot interrupt them half way."""
    __slots__ = ('before', 'births')

    def __init__(self, before, births):
        self.before = before
        self.births = births

    def __len__(self):
        return len(self.before) + len(self.births)

    def __iter__(self):
        return iter(list(self.before) + list(self.births))

    def items(self):
        births = list(self.births.items())
        return list(self.before.items()) + [(ref, record[0]) for ref, record in births]

    def get(self, ref, default=None):
        if type(ref) is not _Ref:
            return default   # any other weakref would hash its referent (program code)
        record = self.births.get(ref, _MISSING)
        return self.before.get(ref, default) if record is _MISSING else record[0]

    def first_live(self, retries=50):
        """(obj, created) of the oldest live entry, or None, reading from the front without a
        copy (a death pops its entry at once, so the front is almost always alive)."""
        for _ in range(retries):
            try:
                for ref in self.before:
                    obj = ref()
                    if obj is not None:
                        return obj, None
                for ref, record in self.births.items():
                    obj = ref()
                    if obj is not None:
                        return obj, record[0]
                return None
            except RuntimeError:
                continue
        return None


class Registry(object):
    """The live instances of one hooked class: `births` {ref: (monotonic_ns, code, last
    instruction, ...)} filed by the hook, and `before` {ref: None}, the objects the scan found
    made before the hook. Each ref is removed by its own dict's `pop` when its object dies."""
    # The launch hook runs its own copy of this file (module `_liveref_class_tracking`), so an
    # agent injected later meets registries of another Registry class: `is_registry` checks this
    # mark, not the class.
    _liveref_registry = True

    def __init__(self, cls):
        self.cls_ref = weakref.ref(cls)
        self.before = {}
        self.births = {}
        self.original = None    # the class's own __new__ from its __dict__, or None
        self.tp_new = None      # (ctypes cell, pointer) of the inherited tp_new, when original is None
        self.since = None

    @property
    def data(self):
        return _Entries(self.before, self.births)

    def __len__(self):
        return len(self.before) + len(self.births)

    def ref_of(self, obj):
        """This registry's ref to obj, or None: found among obj's own weakrefs (C, no index to
        keep up at each birth)."""
        try:
            for ref in _getweakrefs(obj):
                if type(ref) is _Ref and (ref in self.births or ref in self.before):
                    return ref
        except Exception:
            pass
        return None

    def get(self, obj, default=None):
        ref = self.ref_of(obj)
        return default if ref is None else self.data.get(ref, default)

    def record_of(self, obj):
        """(time, code, last instruction, ...) of obj's birth, or None (made before the hook or
        not tracked here)."""
        ref = self.ref_of(obj)
        return None if ref is None else self.births.get(ref)

    def drop(self):
        # Replaced, never cleared: a ref still held elsewhere (an Iterate All cursor) fires its
        # `pop` when its object dies, and a cleared dict would raise KeyError into stderr.
        self.before = {}
        self.births = {}


def is_registry(wdict):
    """True for a Registry of this file, whichever copy of it (launch hook or agent) made it."""
    return getattr(type(wdict), '_liveref_registry', False) is True


class State(object):
    """One installation: the wanted names, the hooked classes and what could not be done."""

    def __init__(self, depth, early):
        self.depth = depth
        self.early = early
        self.names = []          # as the user gave them
        self.registries = {}     # id(cls) -> Registry
        self.count_only = {}     # id(cls) -> weakref to a class without __weakref__
        self.problems = {}       # name -> message (C/immutable class...)
        self.matches = {}        # name -> ['module.Qualname', ...] every class the name matched
        self.original_build = None
        self.shorts = set()
        self.dotted = False
        self.since = time.time()


def _depth(value):
    try:
        return max(1, min(MAX_DEPTH, int(value)))
    except Exception:
        return DEFAULT_DEPTH


def qualified(cls):
    try:
        return '%s.%s' % (type.__dict__['__module__'].__get__(cls), type.__dict__['__qualname__'].__get__(cls))
    except Exception:
        return getattr(cls, '__name__', '?')


def _short(cls):
    try:
        return type.__dict__['__name__'].__get__(cls)
    except Exception:
        return None


def _wanted(state, cls):
    """The name of state.names this class answers to, or None."""
    short = _short(cls)
    if short is None:
        return None
    for name in state.names:
        if name == short or ('.' in name and name == qualified(cls)):
            return name
    return None


def _make_new(cls, reg, state):
    """The wrapper for cls, recording into reg.births."""
    own = reg.original
    fn = own.__func__ if own is not None else super(cls, cls).__new__
    plain = fn is object.__new__
    names = {
        'births': reg.births, 'pop': reg.births.pop, 'make_ref': _Ref, 'mono': time.monotonic_ns,
        'getframe': sys._getframe, 'fn': fn, 'object_init': object.__init__,
        'cls_ref': reg.cls_ref, 'ref_of': reg.ref_of, 'is_subclass': type.__subclasscheck__, 'type': type, 'TypeError': TypeError,
        'Exception': Exception, 'hook_codes': _HOOK_CODES, '__builtins__': {},
    }
    new = types.FunctionType(_hook_code(plain, state.depth), names, '__new__')
    new._liveref_classes = state
    new._liveref_depth = state.depth
    return new


_CODES = {}
# Every hook's code: a tracked subclass's hook calls its tracked base's, whose caller frame is
# then a hook, not the program.
_HOOK_CODES = set()


def _hook_code(plain, depth):
    """The wrapper's code for one depth, compiled once. It runs at every birth of a tracked
    class, so it is written out for its depth: the frames are read into locals and the record
    is one tuple (time, code, last instruction, code, ...), with no loop, list or attribute
    store; a call to a helper would cost as much as a frame."""
    key = (plain, depth)
    code = _CODES.get(key)
    if code is None:
        module = compile(_hook_source(plain, depth), '<liveref-agent>/class_tracking.py (hook)', 'exec')
        code = _CODES[key] = next(c for c in module.co_consts if isinstance(c, types.CodeType))
        _HOOK_CODES.add(code)
    return code


def _hook_source(plain, depth):
    return '\n'.join(['def __new__(klass, *args, **kwargs):'] + _hook_head(plain) + _hook_record(depth)) + '\n'


def _hook_head(plain):
    """Makes obj, and returns it at once when it is not a birth."""
    if plain:
        # object.__new__'s own rule: the hook's tp_new would otherwise let arguments through.
        return ['    if (args or kwargs) and klass.__init__ is object_init:',
                "        raise TypeError('%s() takes no arguments' % klass.__name__)",
                '    obj = fn(klass)',
                '    try:']
    # An own __new__ may hand back an object that exists already (a cache, a singleton) or one
    # of another class: those are not births. (type's own subclass check: a metaclass's
    # __subclasscheck__ would be program code.)
    return ['    obj = fn(klass, *args, **kwargs)',
            '    try:',
            '        cls = cls_ref()',
            '        if cls is None or not is_subclass(cls, type(obj)) or ref_of(obj) is not None:',
            '            return obj',
            '        cls = None']


def _hook_record(depth):
    """Files (time, code, where, ...) for up to depth frames, the caller first."""
    where = 'f_lasti' if _LASTI else 'f_lineno'
    lines = ['        f = getframe(1)',
             '        while f.f_code in hook_codes:',
             '            f = f.f_back']
    record = []
    for i in range(depth):
        lines.append('        c%d = f.f_code; l%d = f.%s' % (i, i, where))
        record += ['c%d' % i, 'l%d' % i]
        if i < depth - 1:
            lines += ['        f = f.f_back',
                      '        if f is None:',
                      '            births[make_ref(obj, pop)] = (mono(), %s)' % ', '.join(record),
                      '            return obj']
    return lines + ['        f = None',
                    '        births[make_ref(obj, pop)] = (mono(), %s)' % ', '.join(record),
                    '    except Exception:',
                    '        pass',
                    '    return obj']


_TP_NEW = 39        # index of tp_new among the pointer-sized fields of PyTypeObject (3.8-3.14)
_TP_BASICSIZE = 4


def _tp_new_cell(cls):
    """The tp_new field of cls as a ctypes cell, or None when the layout cannot be confirmed.

    Deleting a `__new__` that was set on a class does not give the class its inherited tp_new
    back (CPython keeps slot_tp_new, and object.__new__ then rejects arguments), so uninstall
    puts the saved pointer back itself. The layout is checked against known types first."""
    try:
        import ctypes
        size = ctypes.sizeof(ctypes.c_void_p)

        def cell(t, i):
            return ctypes.c_void_p.from_address(id(t) + size * i)

        class Probe(object):
            pass
        if not (cell(object, _TP_BASICSIZE).value == object.__basicsize__
                and cell(Probe, _TP_NEW).value == cell(object, _TP_NEW).value
                and cell(dict, _TP_NEW).value != cell(object, _TP_NEW).value):
            return None
        return cell(cls, _TP_NEW)
    except Exception:
        return None


def _weakrefable(cls):
    try:
        return type.__dict__['__weakrefoffset__'].__get__(cls) != 0
    except Exception:
        return False


def _hook(state, cls, name):
    """Hooks one class (once). Records a problem for the name when it cannot be hooked."""
    key = id(cls)
    if key in state.registries or key in state.count_only:
        return None
    if not _weakrefable(cls):
        state.count_only[key] = weakref.ref(cls)
        return None
    own = type.__dict__['__dict__'].__get__(cls).get('__new__')
    if own is not None and type(own) is not staticmethod:
        state.problems[name] = '%s defines __new__ as %s, not a function: it is not tracked.' % (qualified(cls), type(own).__name__)
        return None
    reg = Registry(cls)
    reg.original = own
    if own is None:
        cell = _tp_new_cell(cls)
        if cell is None:
            state.problems[name] = '%s: this Python build\'s type layout is unknown, so its hook could not be removed exactly: not tracked.' % qualified(cls)
            return None
        reg.tp_new = (cell, cell.value)
    try:
        type.__setattr__(cls, '__new__', staticmethod(_make_new(cls, reg, state)))
    except (TypeError, AttributeError) as exc:
        state.problems[name] = ('%s cannot be hooked: its __new__ is C code of an immutable (built-in, extension or frozen) '
                                'type (%s). Only its count is shown.' % (qualified(cls), exc.__class__.__name__))
        state.count_only[key] = weakref.ref(cls)
        return None
    reg.since = time.time()
    state.registries[key] = reg
    return reg


def _consider(state, cls):
    """A class that exists (just defined, or found by a scan): hooks it when its name is wanted
    and no other class already answers to that name."""
    name = _wanted(state, cls)
    if name is None:
        return None
    found = state.matches.setdefault(name, [])
    qual = qualified(cls)
    if qual not in found:
        found.append(qual)
    if len(found) > 1:
        return None
    return _hook(state, cls, name)


def _make_build_class(original, state):
    def __build_class__(func, name, *bases, **kwds):
        cls = original(func, name, *bases, **kwds)
        try:
            if isinstance(cls, type) and (name in state.shorts or state.dotted):
                _consider(state, cls)
        except Exception:
            pass
        return cls

    __build_class__._liveref_classes = state
    return __build_class__


def _scan(state, hooked_now):
    """One gc scan: classes that exist with a wanted name are hooked, then instances made
    before their hook are filed first, with creation time None."""
    objects = gc.get_objects()
    for obj in objects:
        # By the real type: isinstance() would ask a proxy's own __class__ (program code).
        if issubclass(type(obj), type):
            reg = _consider(state, obj)
            if reg is not None:
                hooked_now.append(reg)
    # Static (C) types are not gc objects: module namespaces find those (after Python classes,
    # so a user's class wins a name it shares with a C type; both are listed).
    for mod in list(sys.modules.values()):
        for value in _namespace(mod):
            if issubclass(type(value), type) and not (type.__dict__['__flags__'].__get__(value) & _HEAPTYPE):
                _consider(state, value)
    if not hooked_now:
        return
    by_type = dict((id(reg.cls_ref()), reg) for reg in hooked_now)
    before = dict((id(reg), {}) for reg in hooked_now)
    regs_of = {}   # id(type) -> the registries of its hooked bases (computed once per type)
    for obj in objects:
        tp = type(obj)
        regs = regs_of.get(id(tp))
        if regs is None:
            regs = regs_of[id(tp)] = [by_type[id(c)] for c in tp.__mro__ if id(c) in by_type]
        for reg in regs:
            # Born meanwhile (another thread, after the hook went in): filed by the hook.
            if reg.ref_of(obj) is None:
                entries = before[id(reg)]
                entries[_Ref(obj, entries.pop)] = None
    obj = objects = tp = None
    for reg in hooked_now:
        # A dict of its own (not merged into births): each ref's callback pops the dict it is in.
        reg.before = before[id(reg)]


def _namespace(mod):
    """The values of a module's namespace, read without running program code (sys.modules may
    hold any object, with its own __getattr__)."""
    try:
        if not issubclass(type(mod), types.ModuleType):
            return []
        namespace = types.ModuleType.__dict__['__dict__'].__get__(mod)
        return list(dict.values(namespace)) if type(namespace) is dict else []
    except Exception:
        return []


def _restore_tp_new(cls, saved):
    """Puts back the inherited tp_new in cls and in each subclass that still has the hook's."""
    cell, value = saved
    hooked = cell.value
    todo = [cls]
    while todo:
        t = todo.pop()
        c = _tp_new_cell(t)
        if c is None or c.value != hooked or '__new__' in t.__dict__:
            continue   # a subclass with its own __new__ keeps it, and so do its subclasses
        c.value = value
        todo.extend(type.__subclasses__(t))


def current():
    fn = getattr(builtins, '__build_class__', None)
    return getattr(fn, '_liveref_classes', None)


def _set_names(state, names):
    out = []
    for name in names or ():
        if isinstance(name, str) and name.strip() and name.strip() not in out:
            out.append(name.strip())
    state.names = out
    state.shorts = set(n for n in out if '.' not in n)
    state.dotted = any('.' in n for n in out)


def install(names, depth=DEFAULT_DEPTH, early=False):
    """Tracks the named classes (adding to an installation already there). Classes that exist
    are hooked now (one gc scan); the others when their class statement runs."""
    state = current()
    if state is None:
        state = State(_depth(depth), early)
        _set_names(state, names)
        state.original_build = builtins.__build_class__
        builtins.__build_class__ = _make_build_class(state.original_build, state)
    else:
        state.depth = _depth(depth)
        _set_names(state, list(state.names) + list(names or ()))
        _rehook(state)
    if not early:
        _scan(state, [])
    return state


def _rehook(state):
    """Gives the hooked classes wrappers for the state's depth (written out per depth)."""
    for reg in list(state.registries.values()):
        cls = reg.cls_ref()
        fn = getattr(cls.__dict__.get('__new__'), '__func__', None) if cls is not None else None
        if getattr(fn, '_liveref_classes', None) is state and fn._liveref_depth != state.depth:
            type.__setattr__(cls, '__new__', staticmethod(_make_new(cls, reg, state)))


def uninstall():
    """Restores every hooked class's own __new__ and builtins.__build_class__; drops records."""
    state = current()
    if state is None:
        return False
    builtins.__build_class__ = state.original_build
    for reg in list(state.registries.values()):
        cls = reg.cls_ref()
        if cls is None:
            continue
        fn = getattr(cls.__dict__.get('__new__'), '__func__', None)
        if getattr(fn, '_liveref_classes', None) is state:
            if reg.original is not None:
                type.__setattr__(cls, '__new__', reg.original)
            else:
                type.__delattr__(cls, '__new__')
                _restore_tp_new(cls, reg.tp_new)
        reg.drop()
    state.registries.clear()
    _LINES.clear()
    state.count_only.clear()
    return True


def classes(state=None):
    """[(cls, Registry)] of the hooked classes alive."""
    state = state or current()
    if state is None:
        return []
    out = []
    for reg in list(state.registries.values()):
        cls = reg.cls_ref()
        if cls is not None:
            out.append((cls, reg))
    return out


def count_only(state=None):
    """{cls: live instances} for the named classes that cannot be weakly keyed (one gc scan)."""
    state = state or current()
    if state is None or not state.count_only:
        return {}
    wanted = {}
    for ref in list(state.count_only.values()):
        cls = ref()
        if cls is not None:
            wanted[id(cls)] = cls
    counts = dict((key, 0) for key in wanted)
    for obj in gc.get_objects():
        key = id(type(obj))
        if key in counts:
            counts[key] += 1
    return dict((wanted[key], n) for key, n in counts.items())


def stack_of(obj, state=None):
    """The recorded flat (code, line, ...) creation stack of obj (most recent call first), or
    None (not tracked, or made before the hook)."""
    state = state or current()
    if state is None:
        return None
    for reg in list(state.registries.values()):
        ref = reg.ref_of(obj)
        if ref is not None:
            record = reg.births.get(ref)
            return None if record is None else _resolved(record[1:])
    return None


_LINES = {}       # code -> (instruction starts, lines): kept until uninstall (holds code objects only)
_LINES_MAX = 4096


def _line(code, lasti):
    table = _LINES.get(code)
    if table is None:
        if len(_LINES) >= _LINES_MAX:
            _LINES.clear()
        starts, lines = [], []
        for start, _end, line in code.co_lines():
            starts.append(start)
            lines.append(line)
        table = _LINES[code] = (starts, lines)
    starts, lines = table
    i = bisect.bisect_right(starts, lasti) - 1
    line = lines[i] if i >= 0 else None
    return line if line is not None else code.co_firstlineno


def _resolved(flat):
    """A recorded (code, last instruction, ...) stack as (code, line, ...), the shape
    creation_sites records."""
    if flat is None or not _LASTI:
        return flat
    out = []
    for i in range(0, len(flat) - 1, 2):
        out.append(flat[i])
        out.append(_line(flat[i], flat[i + 1]))
    return tuple(out)


def hooked_since(obj, state=None):
    """When the hook on obj's tracked class went in, or None when obj's class is not hooked."""
    state = state or current()
    if state is None:
        return None
    for reg in list(state.registries.values()):
        if reg.ref_of(obj) is not None:
            return reg.since
    return None


def status(state=None):
    """{enabled, names, tracked, waiting, ambiguous, problems, countOnly}: what each name found."""
    state = state or current()
    if state is None:
        return {'enabled': False, 'names': []}
    hooked = [qualified(cls) for cls, _ in classes(state)]
    count_only_names = []
    for ref in list(state.count_only.values()):
        cls = ref()
        if cls is not None and qualified(cls) not in hooked:
            count_only_names.append(qualified(cls))
    return {
        'enabled': True, 'early': bool(state.early), 'since': state.since, 'names': list(state.names),
        'tracked': hooked,
        'waiting': [n for n in state.names if not state.matches.get(n)],
        'ambiguous': dict((n, list(m)) for n, m in state.matches.items() if len(m) > 1),
        'problems': dict(state.problems),
        'countOnly': count_only_names,
    }
