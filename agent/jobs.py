"""Chunked jobs: partitions run as generators the caller steps with a time budget, so the
extension can show progress and cancel between chunks. No threads run the work; abandoned
jobs (not stepped for EXPIRE_S) are dropped by the worker's idle housekeeping, never while a
step runs (a sliced step may outlast EXPIRE_S on a loaded machine)."""
import threading
import time

from . import byvia, gcslices, heapmark, partition, protocol, retained, sandbox, source, tracked

MAX_JOBS = 2
EXPIRE_S = 60.0

_lock = threading.RLock()
_jobs = {}
_next = [0]


class _Job(object):
    __slots__ = ('gen', 'progress', 'result', 'touched', 'error', 'running')

    def __init__(self, gen):
        self.gen = gen
        self.progress = {'done': 0, 'total': 0, 'phase': 'start'}
        self.result = None
        self.error = None
        self.touched = time.time()
        self.running = False    # a step is under way: closing the generator now would fail it


def _drop(job_id):
    job = _jobs.pop(job_id, None)
    if job is not None and job.gen is not None:
        try:
            job.gen.close()
        except Exception:
            pass
        job.gen = None


def expire():
    """Drops jobs nobody stepped for EXPIRE_S; True while jobs remain (the worker keeps ticking)."""
    now = time.time()
    with _lock:
        for job_id, job in list(_jobs.items()):
            if now - job.touched > EXPIRE_S and not job.running:
                _drop(job_id)
        return bool(_jobs)


sandbox.add_housekeeping(expire)


def _int(params, name, default, lo, hi):
    try:
        value = int(params.get(name, default) if params.get(name) is not None else default)
    except Exception:
        value = default
    return max(lo, min(hi, value))


# Objects handled between two yields. Under tracemalloc every allocation is traced and a chunk
# of 5000 took over a second on the leaky crawl; pydevd warns about any evaluate over 3 s.
CHUNK_FAST, CHUNK_TRACED = 5000, 1000


def _chunk():
    return CHUNK_TRACED if source.tracing() else CHUNK_FAST


def partition_start(params):
    return start(_partition_gen(params, _chunk()))


def _partition_gen(params, chunk):
    by = params.get('by') or 'type'
    # limit 0: every row (the CLI's --limit 0); the totals always count every object.
    limit = _int(params, 'limit', 200, 0, 10 ** 9) or None
    samples = _int(params, 'samples', 5, 0, 50)
    mark = None
    if params.get('sinceMark'):
        mark = heapmark.current()
        if mark is None:
            raise protocol.AgentError('unavailable', 'No heap mark in this program: run Mark Heap first.')
    if by == 'type' and mark is not None:
        return heapmark.diff_gen(limit, samples, chunk)
    if by == 'type':
        if params.get('type') or params.get('className'):
            raise protocol.AgentError('agent', "by 'type' partitions the whole heap; use by 'via' for a set")
        if params.get('retained'):
            return retained.partition_with_retained('type', params.get('scope') or 'reachable', None, None, limit,
                                                    samples, _int(params, 'retainedRows', 10, 0, 200), chunk=chunk)
        return partition.by_type(params.get('scope') or 'reachable', limit, samples, chunk)
    if by == 'via':
        type_label, class_name = params.get('type'), params.get('className')
        if not isinstance(type_label, str) and not isinstance(class_name, str):
            raise protocol.AgentError('agent', "by 'via' needs a type or a className")
        if isinstance(class_name, str) and tracked.find(class_name) is None:
            raise protocol.AgentError('unknownClass', 'No tracked class named %r.' % class_name)
        type_label = type_label if isinstance(type_label, str) else None
        class_name = class_name if isinstance(class_name, str) else None
        if mark is not None and type_label is not None and class_name is None:
            # New objects of a trackref class: by creation time (exact), not by address.
            class_name = heapmark.tracked_class_name(type_label)
            type_label = None if class_name is not None else type_label
        if params.get('retained'):
            return retained.partition_with_retained('via', None, type_label, class_name, limit, samples,
                                                    _int(params, 'retainedRows', 50, 0, 10000), mark, chunk)
        return byvia.by_via(type_label, class_name, limit, samples, mark, chunk=chunk)
    raise protocol.AgentError('agent', 'Unknown partition kind %r.' % (by,))


def mark_start(params):
    """Mark Heap as a job (a walk of the whole heap, stepped like a partition)."""
    return start(heapmark.mark_gen(_chunk()))


def retained_start(params):
    """A retained-size job (retained.py). Another job's lists would hold every object once and
    make everything look kept, so other jobs are dropped first."""
    gen = retained.of_request(params, chunk=_chunk())
    with _lock:
        for job_id in list(_jobs):
            _drop(job_id)
    return start(gen)


def start(gen):
    expire()
    with _lock:
        idle = [k for k in _jobs if not _jobs[k].running]
        while len(_jobs) >= MAX_JOBS and idle:
            oldest = min(idle, key=lambda k: _jobs[k].touched)
            idle.remove(oldest)
            _drop(oldest)
        _next[0] += 1
        job_id = 'j%d' % _next[0]
        _jobs[job_id] = _Job(gen)
    sandbox.ensure_worker()
    return {'job': job_id}


def _step(job, job_id, deadline):
    """Advances the job until it ends or the budget is spent; True when it ended."""
    try:
        while True:
            try:
                d, t, phase = next(job.gen)
                job.progress = {'done': d, 'total': t, 'phase': phase}
            except StopIteration as stop:
                job.result = stop.value
                return True
            if time.time() >= deadline:
                return False
    except protocol.AgentError:
        _drop(job_id)
        raise
    except Exception as exc:
        _drop(job_id)
        raise protocol.AgentError('agent', 'partition failed: %s' % exc.__class__.__name__)


def _step_on_shallow_stack(job, job_id, deadline):
    """tracemalloc records up to N frames of the stack for every allocation; on the debugger's
    deep command-thread stack a partition ran 30x slower under PYTHONTRACEMALLOC=25 (measured on
    the leaky crawl: 26 s against 0.85 s). A new thread's stack is a few frames deep. The thread
    is marked as a debugger thread so that pydevd does not trace it."""
    box = {}
    short = gcslices.active()

    def run():
        try:
            with gcslices.enabled(short):
                box['done'] = _step(job, job_id, deadline)
        except BaseException as exc:  # handed to the caller's thread below
            box['error'] = exc

    worker = threading.Thread(target=run, name='liveref-partition-step', daemon=True)
    worker.is_pydev_daemon_thread = True
    worker.pydev_do_not_trace = True
    worker.start()
    worker.join()
    if 'error' in box:
        error = box.pop('error')
        raise error
    return box['done']


def job_step(params):
    job_id = params.get('job')
    budget = _int(params, 'budgetMs', 250, 1, 60000) / 1000.0
    with _lock:
        job = _jobs.get(job_id)
    if job is None:
        raise protocol.AgentError('gone', 'Job %s is unknown, finished or was cancelled.' % job_id)
    job.touched = time.time()
    deadline = job.touched + budget
    job.running = True
    try:
        if source.tracing():
            done = _step_on_shallow_stack(job, job_id, deadline)
        else:
            done = _step(job, job_id, deadline)
    finally:
        job.running = False
        job.touched = time.time()
    if done:
        with _lock:
            _jobs.pop(job_id, None)
        job.gen = None
        result = job.result
        p = {'done': job.progress['total'], 'total': job.progress['total'], 'phase': 'done'}
        return {'done': True, 'progress': p, 'result': result}
    return {'done': False, 'progress': dict(job.progress)}


def job_cancel(params):
    with _lock:
        _drop(params.get('job'))
    return {}


def release_all():
    with _lock:
        n = len(_jobs)
        for job_id in list(_jobs):
            _drop(job_id)
    return n
