"""Per-object cost of tracking a class by name (agent/class_tracking.py): N constructions of a
class without the hook and with it, alternated in rounds in this one process so machine noise
hits both alike; CPU time of this process only. Each object is made three frames deep and kept,
as a leaking service does; then all N are dropped at once (the teardown side: each tracked death
also removes its record).

Three classes, because the ratio depends on what a construction costs by itself:
  Order   a service-like class whose __init__ sets 5 attributes (the case the goal is judged on)
  Line    a @dataclass with 5 fields
  Tick    a trivial class (no __init__): the hook's whole cost shows

    python3 bench/programs_class_tracking.py [N] [ROUNDS]     prints one JSON line
"""
import dataclasses
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


@dataclasses.dataclass
class Line(object):
    session_id: str
    item: str
    qty: int
    price: float = 1.5
    note: str = ''


class Tick(object):
    pass


MAKERS = {
    'Order': lambda session_id, i: Order(session_id, 'tea', i % 5),
    'Line': lambda session_id, i: Line(session_id, 'tea', i % 5),
    'Tick': lambda session_id, i: Tick(),
}


def load_hook():
    ns = {'__name__': '_liveref_class_tracking'}
    with open(AGENT, encoding='utf-8') as f:
        exec(compile(f.read(), '<liveref-agent>/class_tracking.py', 'exec'), ns)
    return ns


def place_order(make, session_id, i, keep):
    keep.append(make(session_id, i))


def handle(make, n, keep):
    for i in range(n):
        place_order(make, 's%d' % (i % 100), i, keep)


def timed(make, n):
    """(µs per construction, µs per object to drop them all at once)."""
    keep = []
    gc.collect()
    t0 = time.process_time()
    handle(make, n, keep)
    t1 = time.process_time()
    del keep[:]
    t2 = time.process_time()
    return (t1 - t0) / n * 1e6, (t2 - t1) / n * 1e6


def main():
    hook = load_hook()
    variants = (('plain', None), ('tracked', hook['DEFAULT_DEPTH']), ('depth1', 1))
    results = dict((name, dict((v, []) for v, _ in variants)) for name in MAKERS)
    drops = dict((name, dict((v, []) for v, _ in variants)) for name in MAKERS)
    for _ in range(ROUNDS):
        for variant, depth in variants:
            if depth is not None:
                state = hook['install'](list(MAKERS), depth=depth)
                assert len(hook['classes'](state)) == len(MAKERS), 'not every class hooked'
            for name, make in MAKERS.items():
                build, drop = timed(make, N)
                results[name][variant].append(build)
                drops[name][variant].append(drop)
            if depth is not None:
                hook['uninstall']()
    restored = all('__new__' not in cls.__dict__ for cls in (Order, Line, Tick)) and Order('s', 'tea', 1).qty == 1
    out = {'n': N, 'rounds': ROUNDS, 'python': sys.version.split()[0], 'depth': hook['DEFAULT_DEPTH'], 'restored': restored,
           'classes': dict((name, {'usPerObject': dict((v, min(r)) for v, r in results[name].items()),
                                   'dropUsPerObject': dict((v, min(r)) for v, r in drops[name].items())})
                           for name in MAKERS)}
    print(json.dumps(out))


if __name__ == '__main__':
    main()
