"""Leaves nothing behind: every handle, cursor and partition job the agent holds is dropped,
and its worker thread stopped, when the client asks (`releaseAll`: CLI exit, VS Code disposing
an engine) and when the debugger detaches without asking (a session ended while the program
keeps running, a CLI whose connection dropped). pydevd calls `PyDB.on_disconnect()` on every
DAP `disconnect` that leaves the program running; the agent wraps that bound method on the one
PyDB instance. Nothing here prints or raises into pydevd."""
import sys

from . import handles, jobs, liverefs, sandbox, via

_MARK = '_liveref_release_on_disconnect'


def release_everything():
    """Drops all agent state that refers to program objects; returns how many entries went."""
    n = handles.release_all() + liverefs.release_all() + jobs.release_all()
    via.reset()
    sandbox.stop()
    return n


def watch_disconnect():
    """Makes pydevd's disconnect release everything (once per PyDB instance, idempotent)."""
    pydevd = sys.modules.get('pydevd')
    get = getattr(pydevd, 'get_global_debugger', None) if pydevd is not None else None
    db = get() if get is not None else None
    if db is None:
        return False
    current = db.__dict__.get('on_disconnect')
    if current is not None and getattr(current, _MARK, False):
        return True
    original = getattr(db, 'on_disconnect', None)
    if original is None:
        return False

    def on_disconnect(*args, **kwargs):
        try:
            return original(*args, **kwargs)
        finally:
            try:
                release_everything()
            except Exception:
                pass

    setattr(on_disconnect, _MARK, True)
    db.on_disconnect = on_disconnect
    return True
