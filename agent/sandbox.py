"""Runs untrusted program code (a Python-level __repr__, a url property) on a worker thread.

The caller waits at most TIMEOUT seconds; on timeout the worker is abandoned (it finishes or
hangs on its own) and the type is remembered as slow. The worker is a daemon thread marked
so that pydevd neither traces nor lists it. While idle it also runs housekeeping callbacks
(expiry of abandoned partition jobs) and ends once nothing is left to look after.
"""
import threading
import weakref

TIMEOUT = 0.2
IDLE_TICK = 5.0

_lock = threading.Lock()
_state = {'worker': None}
_slow = weakref.WeakSet()
_housekeeping = []


class Timeout(Exception):
    pass


class _Job(object):
    __slots__ = ('fn', 'args', 'result', 'error', 'done')

    def __init__(self, fn, args):
        self.fn = fn
        self.args = args
        self.result = None
        self.error = None
        self.done = threading.Event()


class _Worker(object):
    def __init__(self):
        import queue
        self.queue = queue.Queue()
        self.abandoned = False
        self.thread = threading.Thread(target=self.run, name='liveref-agent-worker', daemon=True)
        # pydevd skips threads carrying these attributes (no tracing, not shown to the user).
        self.thread.is_pydev_daemon_thread = True
        self.thread.pydev_do_not_trace = True
        self.thread.start()

    def run(self):
        # No sys.settrace(None) here: under pydevd that prints a warning into the program's
        # stderr; the thread attributes above already keep pydevd's tracer off this thread.
        import queue
        while not self.abandoned:
            try:
                job = self.queue.get(timeout=IDLE_TICK)
            except queue.Empty:
                if not _housekeep() and self._retire():
                    return
                continue
            if job is None:
                return
            try:
                job.result = job.fn(*job.args)
            except BaseException as exc:  # noqa: B902 - report anything, never raise
                job.error = exc.__class__.__name__
            finally:
                job.fn = job.args = None
                job.done.set()
                job = None

    def _retire(self):
        """An idle worker with nothing to look after ends, so no agent thread outlives its use;
        the next call starts a new one. Under _lock, so no job is queued to a retiring worker."""
        with _lock:
            if not self.queue.empty():
                return False
            self.abandoned = True
            if _state['worker'] is self:
                _state['worker'] = None
            return True


def add_housekeeping(fn):
    """Has the idle worker call fn() every IDLE_TICK; fn returns True while it still has
    something to look after (the worker ends only when no callback does)."""
    if fn not in _housekeeping:
        _housekeeping.append(fn)


def _housekeep():
    """Runs the idle callbacks; True while one of them still has something to look after."""
    busy = False
    for fn in list(_housekeeping):
        try:
            busy = bool(fn()) or busy
        except Exception:
            pass
    return busy


def _current_worker():
    """The live worker, started if needed; the caller holds _lock."""
    worker = _state['worker']
    if worker is None or worker.abandoned or not worker.thread.is_alive():
        worker = _state['worker'] = _Worker()
    return worker


def ensure_worker():
    with _lock:
        _current_worker()


def run(fn, *args, timeout=None):
    """fn(*args) on the worker; returns its result, raises Timeout or RuntimeError(name).
    The default timeout is read at each call (TIMEOUT), so a test can give a slow machine more."""
    if timeout is None:
        timeout = TIMEOUT
    job = _Job(fn, args)
    with _lock:
        worker = _current_worker()
        worker.queue.put(job)
    if not job.done.wait(timeout):
        worker.abandoned = True
        with _lock:
            if _state['worker'] is worker:
                _state['worker'] = None
        raise Timeout()
    if job.error is not None:
        raise RuntimeError(job.error)
    return job.result


def mark_slow(tp):
    try:
        _slow.add(tp)
    except TypeError:
        pass


def is_slow(tp):
    try:
        return tp in _slow
    except TypeError:
        return False


def stop():
    with _lock:
        worker = _state['worker']
        _state['worker'] = None
    if worker is not None:
        worker.abandoned = True
        worker.queue.put(None)
