"""By type reaches what only containers the collector cannot traverse hold (code objects), and
counts each object once. Ground truth: release the functions and count what disappears."""
import gc
import sys

try:
    from .base import AgentTest
except ImportError:
    from base import AgentTest

FUNCTIONS, CONSTANTS = 30, 100


def make_functions(tag):
    """FUNCTIONS functions whose code holds CONSTANTS distinct bytes constants each."""
    lines = []
    for f in range(FUNCTIONS):
        lines.append('def f%d():' % f)
        lines.append('    return (%s)' % ', '.join("b'%s-%d-%d'" % (tag, f, c) for c in range(CONSTANTS)))
    ns = {}
    exec(compile('\n'.join(lines), '<hidden %s>' % tag, 'exec'), ns)
    return [ns['f%d' % f] for f in range(FUNCTIONS)]


class HiddenTest(AgentTest):
    def by_type(self):
        gen = self.agent.partition.by_type(limit=100000, samples=0)
        while True:
            try:
                next(gen)
            except StopIteration as stop:
                return {r['label']: r for r in stop.value['rows']}

    def test_bytes_held_only_by_code(self):
        self.by_type()  # the agent's first walk makes its own one-time tables
        fns = make_functions('hid')
        gc.collect()    # the collector untracks tuples of atomic objects: only the code holds them
        consts = fns[0].__code__.co_consts
        self.assertFalse(gc.is_tracked(fns[0].__code__))
        # The collector usually untracks the constants tuple (3.11, 3.13): then only the code
        # object holds it, and the walk reaches it only through the code.
        self.assertEqual(gc.get_referents(fns[0].__code__), [])
        consts = None
        with_fns = self.by_type()['bytes']
        del fns[:]
        gc.collect()
        without = self.by_type()['bytes']
        # What died: the 3,000 constants, and the line tables that were not shared.
        died = with_fns['count'] - without['count']
        self.assertGreaterEqual(died, FUNCTIONS * CONSTANTS)
        self.assertLessEqual(died, FUNCTIONS * (CONSTANTS + 1))
        expected = sum(sys.getsizeof(b'hid-%d-%d' % (f, c)) for f in range(FUNCTIONS) for c in range(CONSTANTS))
        self.assertGreaterEqual(with_fns['size'] - without['size'], expected)

    def test_walk_reports_each_object_once(self):
        fns = make_functions('once')
        gc.collect()
        ids = []
        own = {id(ids)}
        # An automatic collection during the walk may untrack a tuple listed before: it would be
        # reached again as untracked (a race of the walk, not of what it reaches).
        gc.disable()
        try:
            for batch, _kind, _done, _total in self.agent.heapwalk.walk(own):
                ids.extend(map(id, batch))
                batch = None
        finally:
            gc.enable()
        self.assertEqual(len(ids), len(set(ids)))
        # Every constant of every function was reached.
        reached = set(ids)
        ids = None
        for fn in fns:
            for c in fn.__code__.co_consts:
                if type(c) is bytes:
                    self.assertIn(id(c), reached)
        del fns[:]

    def test_retained_of_functions_counts_their_constants(self):
        fns = make_functions('ret')
        gc.collect()
        ids = []
        gen = self.agent.retained.walk(fns, ids=ids)
        while True:
            try:
                next(gen)
            except StopIteration as stop:
                result = stop.value
                break
        rows = {r['label']: r for r in result['byType']}
        self.assertGreaterEqual(rows['bytes']['count'], FUNCTIONS * CONSTANTS)
        self.assertLessEqual(rows['bytes']['count'], FUNCTIONS * (CONSTANTS + 1))
        self.assertEqual(len(ids), len(set(ids)))
        del fns[:]
