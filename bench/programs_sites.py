"""Per-object cost of the creation-site hook: N Scrapy Request constructions from a spider-like
call four frames deep, without the hook, with it (agent/creation_sites.py, default depth) and
under tracemalloc(25) (on N/10 objects), alternated in rounds so machine noise hits every variant alike; then the
memory one record takes (traced in a separate phase, so tracing does not skew the timings).

    /usr/bin/python3 bench/programs_sites.py [N] [ROUNDS]     prints one JSON line
"""
import gc
import json
import os
import sys
import time
import tracemalloc

from scrapy.http import Request
from scrapy.utils import trackref

N = int(sys.argv[1]) if len(sys.argv) > 1 else 100000
ROUNDS = int(sys.argv[2]) if len(sys.argv) > 2 else 5
AGENT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'agent', 'creation_sites.py')


def load_hook():
    ns = {'__name__': '_liveref_creation_sites'}
    with open(AGENT, encoding='utf-8') as f:
        exec(compile(f.read(), '<liveref-agent>/creation_sites.py', 'exec'), ns)
    return ns


def parse(url, referer, keep):
    keep.append(Request(url, callback=parse, meta={'referer': referer}))


def crawl_like(n, keep):
    for i in range(n):
        parse('http://bench.example/product.php?pid=%d' % i, i, keep)


def timed(n):
    keep = []
    gc.collect()
    # CPU time of this process: other processes' load on a shared machine does not count.
    t0 = time.process_time()
    crawl_like(n, keep)
    elapsed = time.process_time() - t0
    del keep[:]
    return elapsed / n * 1e6


def main():
    hook = load_hook()
    results = {'plain': [], 'sites': [], 'tracemalloc': []}
    for _ in range(ROUNDS):
        results['plain'].append(timed(N))
        hook['install']()
        results['sites'].append(timed(N))
        hook['uninstall']()
        tracemalloc.start(25)
        # ~20x slower: a tenth of the objects gives the same per-object figure in bounded time.
        results['tracemalloc'].append(timed(max(1, N // 10)))
        tracemalloc.stop()
    best = {k: min(v) for k, v in results.items()}

    # Memory of one record: traced bytes still held per live Request, with and without the hook.
    def held(n):
        keep = []
        gc.collect()
        tracemalloc.start(1)
        base = tracemalloc.get_traced_memory()[0]
        crawl_like(n, keep)
        gc.collect()
        size = tracemalloc.get_traced_memory()[0] - base
        tracemalloc.stop()
        del keep[:]
        return size / n
    m = min(N, 20000)
    without = held(m)
    hook['install']()
    with_sites = held(m)
    state = hook['current']()
    depth = state.depth
    hook['uninstall']()
    print(json.dumps({
        'n': N, 'rounds': ROUNDS, 'depth': depth,
        'usPerObject': best,
        'bytesPerObject': {'plain': without, 'sites': with_sites, 'record': with_sites - without},
        'restored': trackref.object_ref.__dict__['__new__'].__func__.__name__ == '__new__' and not hasattr(trackref.object_ref.__dict__['__new__'].__func__, '_liveref_sites'),
    }))


main()
