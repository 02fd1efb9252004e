import datetime
import json
import os
import subprocess
import gc
import sys

from scrapy.http import HtmlResponse, Request
from scrapy.utils import trackref

try:
    from .base import AgentTest
except ImportError:
    from base import AgentTest


# Scrapy 2.19: Request has __slots__ and keeps cookies in `_cookies` (the `cookies` property
# creates {} when read); Scrapy 2.8: a plain `cookies` attribute.
COOKIES = '_cookies' if '_cookies' in getattr(Request, '__slots__', ()) else 'cookies'


class Marker(object):
    pass


class Node(object):
    def __init__(self, i):
        self.payload = {}
        self.config = {'k': [i]}


def build_requests(n, tag):
    return [Request('http://part.example/%s/%d' % (tag, i),
                    meta={'referer': HtmlResponse('http://part.example/r/%d' % i, body=b'')},
                    cb_kwargs={'i': i}, cookies={'c': str(i)}) for i in range(n)]


class PartitionTest(AgentTest):
    def run_job(self, params, budget=250):
        job = self.result('partitionStart', params)['job']
        steps = 0
        while True:
            step = self.result('jobStep', {'job': job, 'budgetMs': budget})
            steps += 1
            self.assertLessEqual(step['progress']['done'], max(step['progress']['total'], 1))
            if step['done']:
                return step['result'], steps

    @staticmethod
    def rows(result):
        return {r['label']: r for r in result['rows']}

    def baseline(self):
        gc.collect()
        live = list(trackref.live_refs.get(Request, {}).keys())
        return {'meta': sum(1 for r in live if r._meta is not None),
                'cb': sum(1 for r in live if r._cb_kwargs is not None),
                'cookies': sum(1 for r in live if isinstance(getattr(r, COOKIES), dict))}

    def test_via_dict_on_scrapy_heap_is_exact(self):
        base = self.baseline()
        n = 700
        reqs = build_requests(n, 'a')
        for attempt in range(2):  # the second run sees any dict the agent materialized
            result, _ = self.run_job({'by': 'via', 'type': 'dict', 'limit': 100000, 'samples': 2})
            rows = self.rows(result)
            self.assertEqual(result['by'], 'via')
            self.assertEqual(result['set'], 'type dict')
            self.assertEqual(rows['._meta']['count'], n + base['meta'])
            self.assertEqual(rows['._cb_kwargs']['count'], n + base['cb'])
            self.assertEqual(rows['.' + COOKIES]['count'], n + base['cookies'])
            self.assertGreaterEqual(rows['._meta']['size'], sum(sys.getsizeof(r._meta) for r in reqs))
            self.assertEqual(result['totalCount'], sum(r['count'] for r in result['rows']))
            self.assertEqual(result['totalSize'], sum(r['size'] for r in result['rows']))
            sample = rows['._meta']['samples'][0]
            self.assertEqual(sample['typeName'], 'dict')
            self.assertIn('referer', sample['repr'])
            sizes = [(r['size'], r['count']) for r in result['rows']]
            self.assertEqual(sizes, sorted(sizes, reverse=True))
            self.result('releaseAll')
        del reqs

    def test_via_tracked_class(self):
        reqs = build_requests(300, 'b')
        result, _ = self.run_job({'by': 'via', 'className': 'HtmlResponse', 'samples': 3})
        rows = self.rows(result)
        self.assertEqual(result['set'], 'class HtmlResponse')
        self.assertEqual(rows["['referer']"]['count'], 300)
        self.assertEqual(len(rows["['referer']"]['samples']), 3)
        self.assertEqual(rows["['referer']"]['samples'][0]['typeName'], 'HtmlResponse')
        del reqs

    def test_via_plain_heap_with_known_names(self):
        nodes = [Node(i) for i in range(300)]
        holders = [[nodes[i].payload] for i in range(50)]
        for node in nodes[290:]:
            vars(node)  # a program that reads __dict__: Guppy-style ['key'] labels for those
        result, _ = self.run_job({'by': 'via', 'type': 'dict', 'limit': 100000, 'samples': 1})
        rows = self.rows(result)
        self.assertEqual(rows['.config']['count'], 290)
        self.assertEqual(rows["['config']"]['count'], 10)
        self.assertEqual(rows['.payload, list[*]']['count'], 50)
        self.assertEqual(rows['.payload']['count'], 240)
        self.assertEqual(rows["['payload']"]['count'], 10)
        # The 10 materialized instance dicts themselves are referred to via '.__dict__'.
        dict_ids = set(id(vars(n)) for n in nodes[290:])
        self.assertGreaterEqual(rows['.__dict__']['count'], 10)
        self.assertTrue(dict_ids)
        del nodes, holders

    def test_via_unknown_class(self):
        reply = self.call('partitionStart', {'by': 'via', 'className': 'NoSuchClass'})
        self.assertEqual(reply['error']['type'], 'unknownClass')

    def test_by_type_reachable_and_gc(self):
        markers = [Marker() for _ in range(1000)]
        deltas = [datetime.timedelta(seconds=i) for i in range(321)]  # not gc objects
        result, steps = self.run_job({'by': 'type', 'limit': 100000, 'samples': 2}, budget=5)
        self.assertGreater(steps, 1)
        rows = self.rows(result)
        label = [l for l in rows if l.endswith('test_partition.Marker')][0]
        self.assertEqual(rows[label]['count'], 1000)
        self.assertEqual(rows[label]['size'], 1000 * sys.getsizeof(markers[0]))
        self.assertGreaterEqual(rows['datetime.timedelta']['count'], 321)
        self.assertIn('dict', rows)
        self.assertIn('str', rows)
        self.assertEqual(result['set'], 'heap')
        gc_result, _ = self.run_job({'by': 'type', 'scope': 'gc', 'limit': 100000, 'samples': 0})
        gc_rows = self.rows(gc_result)
        self.assertEqual(gc_rows[label]['count'], 1000)
        self.assertFalse('datetime.timedelta' in gc_rows)
        self.assertLess(gc_result['totalCount'], result['totalCount'])
        del markers, deltas

    def test_cancel_and_gone(self):
        job = self.result('partitionStart', {'by': 'type'})['job']
        step = self.result('jobStep', {'job': job, 'budgetMs': 1})
        self.assertFalse(step['done'])
        self.assertEqual(step['progress']['phase'], 'objects')
        self.assertEqual(self.result('jobCancel', {'job': job}), {})
        self.assertEqual(self.call('jobStep', {'job': job, 'budgetMs': 10})['error']['type'], 'gone')

    def test_jobs_hold_nothing_after_cancel(self):
        import weakref
        objs = [Marker() for _ in range(100)]
        refs = [weakref.ref(o) for o in objs]
        job = self.result('partitionStart', {'by': 'type'})['job']
        self.result('jobStep', {'job': job, 'budgetMs': 1})
        self.result('jobCancel', {'job': job})
        del objs
        gc.collect()
        self.assertEqual([r for r in refs if r() is not None], [])

    def test_memory_is_bounded(self):
        """Peak extra memory of partitions, traced from interpreter start in a child process."""
        script = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'memory_probe.py')
        out = subprocess.run([sys.executable, '-X', 'tracemalloc=1', script, '20000'],
                             capture_output=True, text=True, timeout=300)
        self.assertEqual(out.returncode, 0, out.stderr[-2000:])
        report = json.loads(out.stdout)
        for kind in ('type', 'via'):
            heap, extra = report[kind]['heap'], report[kind]['extra']
            self.assertLess(extra, 0.10 * heap, '%s: peak extra %d of heap %d' % (kind, extra, heap))
        self.assertEqual(report['via']['meta'], 20000)
