"""liveRefs / oldest / iterAll: Scrapy's prefs(), get_oldest() and iter_all() without their
O(objects) cost, plus a gc-based fallback for programs without trackref."""
import gc
import threading
from collections import OrderedDict

from . import ages, class_tracking, protocol, rss, summary, tracked

MAX_CURSORS = 8
TOP_TYPES = 15

_lock = threading.RLock()
_cursors = OrderedDict()  # cursor id -> _Cursor
_next = [0]


def _ignored(cls, ignore):
    if not ignore:
        return False
    try:
        mro = type.__dict__['__mro__'].__get__(cls)
    except Exception:
        mro = (cls,)
    for base in mro:
        qual, short = summary.type_names(base)
        try:
            name = base.__name__
        except Exception:
            name = short
        if name in ignore or qual in ignore:
            return True
        try:
            if (base.__module__ + '.' + base.__qualname__) in ignore:
                return True
        except Exception:
            pass
    return False


def live_refs(params):
    ignore = set(n for n in params.get('ignore') or () if isinstance(n, str))
    classes = [n for n in params.get('classes') or () if isinstance(n, str)]
    if not tracked.any_tracked():
        tracked.check_readable()
        return {'trackref': False, 'rows': _gc_rows(classes, ignore), 'rssBytes': rss.rss_bytes()}
    clock = tracked.Clock()
    rows = []
    for cls, wdict in tracked.classes():
        row = _row(cls, wdict, clock, ignore)
        if row is not None:
            rows.append(row)
    for cls, count in class_tracking.count_only().items():
        if count > 0 and not _ignored(cls, ignore):
            rows.append({'className': _name(cls), 'count': count, 'oldestAgeS': None, 'countOnly': True})
    rows.sort(key=lambda r: r['className'])
    out = {'trackref': True, 'rows': rows, 'rssBytes': rss.rss_bytes()}
    if class_tracking.current() is not None:
        out['classTracking'] = class_tracking.status()
    return out


def _name(cls):
    name = getattr(cls, '__name__', None)
    return name if isinstance(name, str) else summary.type_names(cls)[1]


def _row(cls, wdict, clock, ignore):
    try:
        count = len(wdict)
    except Exception:
        return None
    if count <= 0 or _ignored(cls, ignore):
        return None
    entry = tracked.oldest_entry(wdict)
    age = None
    before = False
    if entry is not None:
        created = entry[1]
        entry = None
        age = clock.age(created)
        # Made before the class hook went in: its age is unknown, never a guess.
        before = created is None and class_tracking.is_registry(wdict)
    row = {'className': _name(cls), 'count': count, 'oldestAgeS': None if age is None else round(age, 3)}
    if before:
        row['oldestBeforeAttach'] = True
    return row


def _gc_rows(classes, ignore):
    counts = {}
    for obj in gc.get_objects():
        tp = type(obj)
        counts[tp] = counts.get(tp, 0) + 1
    obj = None
    by_short = {}
    by_qual = {}
    for tp, n in counts.items():
        qual, short = summary.type_names(tp)
        if qual in ignore or short in ignore:
            continue
        by_short[short] = by_short.get(short, 0) + n
        by_qual[qual] = by_qual.get(qual, 0) + n
    counts.clear()
    rows = []
    seen = set()
    for name in classes:
        if name not in seen:
            seen.add(name)
            rows.append({'className': name, 'count': by_short.get(name, by_qual.get(name, 0)), 'oldestAgeS': None})
    for n, name in sorted(((n, k) for k, n in by_short.items()), key=lambda x: (-x[0], x[1]))[:TOP_TYPES]:
        if name not in seen:
            seen.add(name)
            rows.append({'className': name, 'count': n, 'oldestAgeS': None})
    return rows


def oldest(params):
    cls, wdict = tracked.require(params.get('className'))
    entry = tracked.oldest_entry(wdict)
    if entry is None:
        return None
    obj, created = entry
    entry = None
    out = summary.summarize(obj)
    age = tracked.Clock().age(created)
    if age is not None:
        out['ageS'] = round(age, 3)
    elif created is None and class_tracking.is_registry(wdict):
        out['createdBeforeAttach'] = True
    return out


class _Cursor(object):
    __slots__ = ('wdict_ref', 'refs', 'filter', 'view', 'total', 'marks')

    def __init__(self, wdict, refs):
        import weakref
        try:
            self.wdict_ref = weakref.ref(wdict)
        except TypeError:
            self.wdict_ref = lambda: None
        self.refs = refs          # weakrefs (the keys of wdict.data): keep nothing alive
        self.filter = None
        self.view = refs          # refs matching the filter
        self.total = sum(1 for r in refs if r() is not None)
        self.marks = {0: 0}       # delivered offset -> position in view


def _matches(obj, needle):
    url = summary.safe_url(obj)
    if url is not None and needle in url.lower():
        return True
    return needle in summary.safe_repr(obj).lower()


def _apply_filter(cur, text):
    text = (text or '').lower() or None
    if text == cur.filter:
        return
    cur.filter = text
    cur.marks = {0: 0}
    if text is None:
        cur.view = cur.refs
        cur.total = sum(1 for r in cur.refs if r() is not None)
        return
    view = []
    for ref in cur.refs:
        obj = ref()
        if obj is not None and _matches(obj, text):
            view.append(ref)
        obj = None
    cur.view = view
    cur.total = len(view)


def _position(cur, offset):
    """Position in cur.view of the offset-th live item (delivered items are counted)."""
    if offset in cur.marks:
        return cur.marks[offset]
    start = max([o for o in cur.marks if o <= offset] or [0])
    pos = cur.marks.get(start, 0)
    count = start
    view = cur.view
    while pos < len(view) and count < offset:
        if view[pos]() is not None:
            count += 1
        pos += 1
    return pos


def iter_all(params):
    offset = max(0, int(params.get('offset') or 0))
    limit = max(0, min(5000, int(params.get('limit') or 100)))
    cursor_id = params.get('cursor')
    with _lock:
        if cursor_id:
            cur = _cursors.get(cursor_id)
            if cur is None:
                raise protocol.AgentError('gone', 'Cursor %s expired; start again.' % cursor_id)
            _cursors.move_to_end(cursor_id)
        else:
            cls, wdict = tracked.require(params.get('className'))
            age_range = ages.age_filter(params)
            refs = tracked.keys(wdict) if age_range is None else ages.refs_in_age_range(wdict, *age_range)
            cur = _Cursor(wdict, refs)
            refs = None
            _next[0] += 1
            cursor_id = 'c%d' % _next[0]
            _cursors[cursor_id] = cur
            while len(_cursors) > MAX_CURSORS:
                _cursors.popitem(last=False)
    _apply_filter(cur, params.get('filter'))
    pos = _position(cur, offset)
    view = cur.view
    wdict = cur.wdict_ref()
    items = []
    clock = tracked.Clock()
    while pos < len(view) and len(items) < limit:
        ref = view[pos]
        pos += 1
        obj = ref()
        if obj is None:
            continue
        item = summary.summarize(obj)
        obj = None
        if 'ageS' not in item and wdict is not None:
            age = clock.age(tracked.created_by_ref(wdict, ref))
            if age is not None:
                item['ageS'] = round(age, 3)
        items.append(item)
    cur.marks[offset + len(items)] = pos
    if len(cur.marks) > 256:
        cur.marks = {0: 0, offset + len(items): pos}
    done = True
    for p in range(pos, len(view)):
        if view[p]() is not None:
            done = False
            break
    return {'cursor': cursor_id, 'total': cur.total, 'offset': offset, 'items': items, 'done': done}


def release(cursor_ids):
    n = 0
    with _lock:
        for cid in cursor_ids or ():
            if _cursors.pop(cid, None) is not None:
                n += 1
    return n


def release_all():
    with _lock:
        n = len(_cursors)
        _cursors.clear()
        return n


def owns(obj):
    if obj is _cursors:
        return True
    for cur in list(_cursors.values()):
        if obj is cur.refs or obj is cur.view or obj is cur.marks:
            return True
    return False
