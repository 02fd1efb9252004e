# A still-running program for the nothing-left-behind tests: Scrapy Requests whose meta dicts
# (not weakly referenceable, so the agent holds them strongly while they are inspected) keep
# Responses. `drop()` (called through a raw debugger evaluate) lets go of every one of them and
# says how many the program can still reach through weak references: 0 unless someone else
# (the agent) still holds them. `leftovers()` reports the agent's state and threads.
import gc
import sys
import threading
import time
import weakref

from scrapy import Request
from scrapy.http import HtmlResponse

N = int(sys.argv[1]) if len(sys.argv) > 1 else 40
kept = []
for i in range(1, N + 1):
    url = 'http://127.0.0.1:1/product.php?pid=%d' % i
    response = HtmlResponse(url, body=b'<html><title>p</title></html>', encoding='utf-8')
    kept.append(Request(url + '&next=1', meta={'referer': response, 'trail': [response]}))
probes = [weakref.ref(r) for r in kept] + [weakref.ref(r.meta['referer']) for r in kept]
del response


def drop():
    del kept[:]
    gc.collect()
    return sum(1 for p in probes if p() is not None)


def agent_threads():
    """Threads running agent code (pydevd hides threads marked as its own from threading.enumerate,
    as the agent's are, so look at every thread's stack)."""
    found = []
    for ident, frame in sys._current_frames().items():
        if ident == threading.get_ident():
            continue
        while frame is not None:
            if frame.f_code.co_filename.startswith('<liveref-agent>'):
                found.append('%s (%s)' % (frame.f_code.co_name, frame.f_code.co_filename))
                break
            frame = frame.f_back
    return sorted(found)


def leftovers():
    agents = [m for name, m in list(sys.modules.items()) if name.startswith('_liveref_agent_') and '.' not in name]
    state = {'threads': agent_threads(), 'agents': len(agents)}
    for agent in agents:
        state['handles'] = agent.handles.counts()
        state['cursors'] = len(agent.liverefs._cursors)
        state['jobs'] = len(agent.jobs._jobs)
    return state


def dump_leftovers(path):
    """leftovers() into a file: a statement for a debugger session whose evaluate replies are
    not readable by the caller (returns None, so debugpy prints nothing)."""
    import json
    with open(path, 'w') as f:
        json.dump(leftovers(), f)


def serve_probes():
    """A channel that needs no debugger: after a client drops without a goodbye, debugpy 1.8
    stops listening, so `leftovers`/`drop` are also answered on a loopback socket, one JSON line
    per command line."""
    import json
    import socket
    server = socket.socket()
    server.bind(('127.0.0.1', 0))
    server.listen(4)

    def run():
        while True:
            conn, _ = server.accept()
            with conn, conn.makefile('rw') as f:
                for line in f:
                    command = line.strip()
                    answer = leftovers() if command == 'leftovers' else drop() if command == 'drop' else None
                    f.write(json.dumps(answer) + '\n')
                    f.flush()

    threading.Thread(target=run, daemon=True, name='probe-server').start()
    return server.getsockname()[1]


print('PROBE %d' % serve_probes(), flush=True)
print('READY', flush=True)
time.sleep(float(sys.argv[2]) if len(sys.argv) > 2 else 120)
