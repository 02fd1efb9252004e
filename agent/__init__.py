"""Live References agent: injected into a running Python program by the VS Code extension.

Entry point: call(request_id, method, params_b64, reply_mode). Never raises, never prints.
"""
VERSION = "0.2.0"

import os
import sys
import threading

from . import ages, discovery, gcslices, handles, heapmark, inspector, jobs, lifecycle, liverefs, protocol, source, tracked, why

_call_lock = threading.RLock()
BUSY_TIMEOUT = 20.0


def _hello(params):
    tm = sys.modules.get('tracemalloc')
    try:
        tracing = bool(tm is not None and tm.is_tracing())
    except Exception:
        tracing = False
    return {
        'agentVersion': VERSION,
        'python': sys.version.split()[0],
        'pid': os.getpid(),
        'trackref': tracked.module() is not None,
        'tracemalloc': tracing,
        'debugpy': protocol.debugpy_version(),
        'creationSites': source.sites_status(),
    }


def _release(params):
    n = handles.release(params.get('handles') or ())
    n += liverefs.release(params.get('cursors') or ())
    return {'released': n}


def _release_all(params):
    return {'released': lifecycle.release_everything()}


METHODS = {
    'hello': _hello,
    'liveRefs': liverefs.live_refs,
    'discoverClasses': discovery.discover,
    'oldest': liverefs.oldest,
    'iterAll': liverefs.iter_all,
    'inspect': inspector.inspect,
    'release': _release,
    'releaseAll': _release_all,
    'sourceOf': source.source_of,
    'why': why.why,
    'configure': source.configure,
    'partitionStart': jobs.partition_start,
    'jobStep': jobs.job_step,
    'jobCancel': jobs.job_cancel,
    'retainedStart': jobs.retained_start,
    'ages': ages.ages,
    'markStart': jobs.mark_start,
    'markInfo': heapmark.info_call,
}


def dispatch(method, params):
    fn = METHODS.get(method)
    if fn is None:
        raise protocol.AgentError('agent', 'Unknown method %r.' % (method,))
    if not _call_lock.acquire(timeout=BUSY_TIMEOUT):
        raise protocol.AgentError('unavailable', 'The agent is busy with another call.')
    try:
        lifecycle.watch_disconnect()
        return fn(params)
    finally:
        _call_lock.release()


def call(request_id, method, params_b64, reply_mode='return'):
    try:
        try:
            params = protocol.decode_params(params_b64)
            # Set by the remote-control transport only: its calls share the crawl's event loop.
            with gcslices.enabled(params.pop('shortCalls', False) is True):
                result = dispatch(method, params)
            payload = protocol.ok(result)
            result = None
        except protocol.AgentError as exc:
            payload = protocol.error(exc.kind, exc.message)
        except RecursionError:
            payload = protocol.error('agent', 'RecursionError')
        except Exception as exc:
            payload = protocol.error('agent', '%s: %s' % (exc.__class__.__name__, _safe_str(exc)))
        return protocol.deliver(request_id, payload, reply_mode)
    except BaseException as exc:  # noqa: B902 - nothing may escape into the program
        try:
            return protocol.encode(protocol.error('agent', exc.__class__.__name__))
        except BaseException:
            return None


def _safe_str(exc):
    try:
        text = str.__str__(exc.args[0]) if exc.args and isinstance(exc.args[0], str) else ''
        return text[:500]
    except Exception:
        return ''
