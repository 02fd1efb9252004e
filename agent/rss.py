"""The program's resident memory, for the growth history of the Live References view.

Linux: the second field of /proc/self/statm (pages) — one small read, ~20 µs. Elsewhere the
peak (`resource.getrusage().ru_maxrss`), which is what the platform offers without psutil.
"""
import sys

_page = []


def rss_bytes():
    try:
        with open('/proc/self/statm', 'rb') as f:
            pages = int(f.read().split()[1])
        if not _page:
            import os
            _page.append(os.sysconf('SC_PAGE_SIZE'))
        return pages * _page[0]
    except Exception:
        pass
    try:
        import resource
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak if sys.platform == 'darwin' else peak * 1024
    except Exception:
        return None
