"""Short calls (agent/gcslices.py, the remote-control transport's flag): the same answers as the
whole C calls. Over Scrapy's remote control the agent runs on a thread the crawl's event loop
awaits; one long C call holds the GIL, and the loop, for its whole length. The stall itself is
measured in bench/remoteControl.bench.ts (no timing here)."""
import gc

try:
    from .base import AgentTest
except ImportError:
    from base import AgentTest


class SlicedLeaf(object):
    def __init__(self, i):
        self.i = i


class SlicedBasket(object):
    def __init__(self):
        self.items = []


class SlicedShelf(object):
    stock = {}


HELD = []
BASKET = SlicedBasket()


class ShortCallsTest(AgentTest):
    @classmethod
    def setUpClass(cls):
        super(ShortCallsTest, cls).setUpClass()
        cls.slices = cls.agent.gcslices

    def setUp(self):
        del HELD[:]
        del BASKET.items[:]
        SlicedShelf.stock.clear()
        HELD.extend(SlicedLeaf(i) for i in range(20))
        BASKET.items.extend(SlicedLeaf(i) for i in range(30))
        SlicedShelf.stock.update(('k%d' % i, SlicedLeaf(i)) for i in range(12))
        SlicedShelf.stock.update((i, SlicedLeaf(i)) for i in range(15))
        gc.collect()

    def tearDown(self):
        del HELD[:]
        del BASKET.items[:]
        SlicedShelf.stock.clear()
        super(ShortCallsTest, self).tearDown()

    def job(self, method, params):
        job = self.result(method, params)['job']
        while True:
            step = self.result('jobStep', {'job': job, 'budgetMs': 200, 'shortCalls': params.get('shortCalls', False)})
            if step['done']:
                return step['result']

    def both(self, run):
        """run(short) with short calls off, then on; both answers."""
        return run(False), run(True)

    def test_why_and_by_via_are_the_same(self):
        def why(short):
            handle = self.agent.handles.register(HELD[7])
            return self.result('why', {'handle': handle, 'maxDepth': 8, 'shortCalls': short})

        off, on = self.both(why)
        self.assertEqual(on['rootKind'], 'module')
        self.assertEqual([h['via'] for h in on['hops']], [h['via'] for h in off['hops']])
        self.assertEqual(on['rootName'], off['rootName'])
        self.assertEqual(on.get('holder'), off.get('holder'))
        label = '%s.SlicedLeaf' % __name__

        def via(short):
            return self.job('partitionStart', {'by': 'via', 'type': label, 'limit': 0, 'samples': 3, 'shortCalls': short})

        off, on = self.both(via)
        rows = lambda r: [(row['label'], row['count'], row['size'], [s.get('via') for s in row.get('samples', [])])
                          for row in r['rows']]
        self.assertEqual(rows(on), rows(off))
        self.assertEqual(on['totalCount'], 20 + 30 + 12 + 15)
        self.assertIn('%s.HELD[*]' % __name__, [row['label'] for row in on['rows']])
        self.assertEqual([row['count'] for row in on['rows'] if row['label'].endswith('.items[*]')], [30])

    def test_by_type_and_retained_are_the_same(self):
        label = '%s.SlicedLeaf' % __name__

        def leaf_row(short):
            result = self.job('partitionStart', {'by': 'type', 'limit': 0, 'samples': 0, 'shortCalls': short})
            return [(r['count'], r['size']) for r in result['rows'] if r['label'] == label]

        off, on = self.both(leaf_row)
        self.assertEqual(on, off)
        self.assertEqual(on[0][0], 77)

        rows = self.job('partitionStart', {'by': 'via', 'type': label, 'limit': 0, 'samples': 0})['rows']
        basket = next(r['label'] for r in rows if r['label'].endswith('.items[*]'))

        def retained(short):
            result = self.job('retainedStart', {'type': label, 'via': basket, 'shortCalls': short})
            return result['setCount'], result['count'], result['size']

        off, on = self.both(retained)
        self.assertEqual(on, off)
        self.assertEqual(on[0], 30)

    def test_a_big_list_is_labelled_and_freed_in_slices(self):
        n = 3 * self.slices.FREE_SLICE + 5
        BASKET.items.extend(SlicedLeaf(i) for i in range(n))
        label = '%s.SlicedLeaf' % __name__

        def via(short):
            result = self.job('partitionStart', {'by': 'via', 'type': label, 'limit': 0, 'samples': 2,
                                                 'shortCalls': short})
            return {r['label']: (r['count'], [s.get('via') for s in r['samples']]) for r in result['rows']}

        off, on = self.both(via)
        self.assertEqual(on, off)
        self.assertEqual([v for k, v in on.items() if k.endswith('.items[*]')], [(30 + n, ['[0]', '[1]'])])
        with self.slices.enabled(True):
            mask = self.slices.type_mask({SlicedLeaf}, BASKET.items + [1, 'x'])
            self.assertEqual(mask, [True] * (30 + n) + [False, False])
            tmp = [(i,) for i in range(n)]
            self.slices.free(tmp)
        self.assertEqual(tmp, [])

    def test_the_collector_is_paused_around_a_burst_of_a_short_call_only(self):
        self.assertTrue(gc.isenabled())
        with self.slices.no_collection():
            self.assertTrue(gc.isenabled())          # short calls off: nothing changes
        with self.slices.enabled(True):
            self.assertTrue(self.slices.active())
            self.assertTrue(gc.isenabled())          # not for the whole call
            with self.slices.no_collection():
                self.assertFalse(gc.isenabled())
            self.assertTrue(gc.isenabled())
            with self.slices.enabled(False):
                self.assertFalse(self.slices.active())
            self.assertTrue(self.slices.active())
            gc.disable()
            try:
                with self.slices.no_collection():
                    pass
                self.assertFalse(gc.isenabled())     # the program's own choice is left alone
            finally:
                gc.enable()
        self.assertFalse(self.slices.active())
        self.result('liveRefs', {'ignore': [], 'classes': [], 'shortCalls': True})
        self.assertTrue(gc.isenabled())

    def test_a_job_is_not_expired_while_a_step_runs(self):
        jobs = self.agent.jobs
        seen = []

        def slow():
            # The step outlasts EXPIRE_S (its clock moved on) and housekeeping runs meanwhile.
            jobs._jobs[job_id].touched -= 10 * jobs.EXPIRE_S
            seen.append(jobs.expire())
            yield (1, 2, 'slow')
            return {'done': True}

        job_id = jobs.start(slow())['job']
        step = self.result('jobStep', {'job': job_id, 'budgetMs': 1000})
        self.assertTrue(step['done'])
        self.assertEqual(step['result'], {'done': True})
        self.assertEqual(seen, [True])
        idle = jobs.start(iter(()))['job']
        jobs._jobs[idle].touched -= 10 * jobs.EXPIRE_S
        jobs.expire()
        self.assertNotIn(idle, jobs._jobs)
