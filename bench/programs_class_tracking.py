"""Per-object cost of tracking a class by name (agent/class_tracking.py): N constructions of a
service-like class (an Order with a few attributes, made three frames deep and kept, as a
leaking service does) without the hook and with it, alternated in rounds in this one process so
machine noise hits both alike; CPU time of this process only.

    python3 bench/programs_class_tracking.py [N] [ROUNDS]     prints one JSON line
"""
import gc
import json
import os
import sys
import time

N = int(sys.argv[1]) if len(sys.argv) > 1 else 100000
ROUNDS = int(sys.argv[2]) if len(sys.argv) > 2 else 5
AGENT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'agent', 'class_tracking.py')


class Order(object):
    def __init__(self, session_id, item, qty):
        self.id = id(self)
        self.session_id = session_id
        self.item = item
        self.qty = qty
        self.receipt = 'Receipt for %d x %s. ' % (qty, item)


def load_hook():
    ns = {'__name__': '_liveref_class_tracking'}
    with open(AGENT, encoding='utf-8') as f:
        exec(compile(f.read(), '<liveref-agent>/class_tracking.py', 'exec'), ns)
    return ns


def place_order(session_id, i, keep):
    keep.append(Order(session_id, 'tea', i % 5))


def handle(n, keep):
    for i in range(n):
        place_order('s%d' % (i % 100), i, keep)


def timed(n):
    keep = []
    gc.collect()
    t0 = time.process_time()
    handle(n, keep)
    elapsed = time.process_time() - t0
    del keep[:]
    return elapsed / n * 1e6


def main():
    hook = load_hook()
    results = {'plain': [], 'tracked': [], 'depth1': []}
    for _ in range(ROUNDS):
        results['plain'].append(timed(N))
        for variant, depth in (('tracked', hook['DEFAULT_DEPTH']), ('depth1', 1)):
            state = hook['install'](['Order'], depth=depth)
            assert hook['classes'](state), 'Order not hooked'
            results[variant].append(timed(N))
            hook['uninstall']()
    best = dict((k, min(v)) for k, v in results.items())
    restored = '__new__' not in Order.__dict__ and Order('s', 'tea', 1).qty == 1
    print(json.dumps({'n': N, 'rounds': ROUNDS, 'python': sys.version.split()[0], 'depth': hook['DEFAULT_DEPTH'],
                      'usPerObject': best, 'restored': restored}))


if __name__ == '__main__':
    main()
