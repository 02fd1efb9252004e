"""Ages, Mark Heap and Heap Since Mark, in-process against real trackref objects."""
import gc
import sys
import time

from scrapy import Request
from scrapy.utils import trackref
from scrapy.utils.trackref import object_ref

try:
    from .base import AgentTest
except ImportError:
    from base import AgentTest


class Tick(object_ref):
    """A trackref class of these tests only, so other tests' objects do not change its counts."""
    __slots__ = ('n', '__weakref__')

    def __init__(self, n):
        self.n = n


class Fresh(object):
    def __init__(self, i):
        self.i = i


class TimeTest(AgentTest):
    def run_job(self, method, params):
        job = self.result(method, params)['job']
        while True:
            step = self.result('jobStep', {'job': job, 'budgetMs': 500})
            if step['done']:
                return step['result']

    def diff_rows(self, **params):
        result = self.run_job('partitionStart', dict({'by': 'type', 'sinceMark': True, 'limit': 10000, 'samples': 5}, **params))
        return result, {r['label']: r for r in result['rows']}

    def test_histogram_counts_add_up_to_the_live_count(self):
        reqs = [Request('http://ages.example/%d' % i) for i in range(1234)]
        gc.collect()
        live = len(trackref.live_refs[Request])
        for scale in ('log', 'linear'):
            hist = self.result('ages', {'className': 'Request', 'scale': scale, 'bins': 17})
            self.assertEqual(hist['count'], live)
            self.assertEqual(sum(b['count'] for b in hist['buckets']), live)
            row = [r for r in self.result('liveRefs', {})['rows'] if r['className'] == 'Request'][0]
            self.assertEqual(row['count'], live)
            edges = [(b['lowS'], b['highS']) for b in hist['buckets']]
            self.assertTrue(all(lo < hi for lo, hi in edges))
            self.assertTrue(all(a[1] == b[0] for a, b in zip(edges, edges[1:])), 'buckets are contiguous')
            self.assertLessEqual(hist['oldestAgeS'], edges[-1][1])
        del reqs

    def test_a_pause_shows_as_a_gap_and_a_bar_opens_exactly_its_objects(self):
        first = [Tick(i) for i in range(150)]
        time.sleep(1.0)  # the program pauses: nothing of this class is created for a second
        second = [Tick(i) for i in range(90)]
        hist = self.result('ages', {'className': 'Tick', 'scale': 'linear', 'bins': 20})
        counts = [b['count'] for b in hist['buckets']]
        self.assertEqual(sum(counts), 240)
        self.assertEqual(counts[0], 90)
        self.assertEqual(counts[-1], 150)
        empty = [b for b in hist['buckets'] if not b['count']]
        self.assertGreaterEqual(sum(b['highS'] - b['lowS'] for b in empty), 0.8, 'the pause is an empty stretch')
        # Clicking the oldest bar: Iterate All restricted to its age range gives exactly `first`.
        bar = hist['buckets'][-1]
        page = self.result('iterAll', {'className': 'Tick', 'offset': 0, 'limit': 1000,
                                       'minAgeS': bar['lowS'], 'maxAgeS': bar['highS'], 'ageAt': hist['now']})
        self.assertEqual(page['total'], 150)
        self.assertEqual({id(self.obj(i['handle'])) for i in page['items']}, {id(t) for t in first})
        young = self.result('iterAll', {'className': 'Tick', 'offset': 0, 'limit': 1000, 'maxAgeS': hist['buckets'][0]['highS'], 'ageAt': hist['now']})
        self.assertEqual({id(self.obj(i['handle'])) for i in young['items']}, {id(t) for t in second})
        del first, second

    def test_objects_created_after_a_mark_are_exactly_the_count_delta(self):
        gone = [Fresh(-1) for _ in range(40)]
        info = self.run_job('markStart', {})
        self.assertGreater(info['count'], 10000)
        self.assertLessEqual(info['markBytes'], 0.10 * info['size'])
        del gone
        # "New" is by address: a dict freed since the mark (the job's own temporaries) may be
        # reused by a Request's meta dict, which would then read as old. Empty dicts of the same
        # block size take those freed blocks first (pymalloc fills pools with free blocks before
        # new ones); they are held via a list, not via ._meta.
        ballast = [{} for _ in range(20000)]
        fresh = [Fresh(i) for i in range(321)]
        reqs = [Request('http://mark.example/%d' % i, meta={'k': i}) for i in range(45)]
        result, rows = self.diff_rows()
        name = __name__ + '.Fresh'
        self.assertEqual(result['set'], 'heap since mark')
        self.assertEqual(rows[name]['countDelta'], 321 - 40)
        # Not trackref: "new" is by address, and a new object may sit where a freed one was.
        self.assertGreaterEqual(rows[name]['newCount'], 321 - 40)
        self.assertLessEqual(rows[name]['newCount'], 321)
        self.assertEqual(rows['scrapy.http.request.Request']['countDelta'], 45)
        self.assertEqual(rows['scrapy.http.request.Request']['newCount'], 45)
        self.assertTrue(all('mark.example' in s['repr'] for s in rows['scrapy.http.request.Request']['samples']))
        self.assertEqual(rows[name]['sizeDelta'], (321 - 40) * sys.getsizeof(fresh[0]))
        self.assertEqual(rows[name]['count'], 321)
        # Sorted by growth.
        deltas = [r['countDelta'] for r in result['rows']]
        self.assertEqual(deltas, sorted(deltas, reverse=True))
        # Drill-down: by via of only the new dicts / new Requests.
        via = self.run_job('partitionStart', {'by': 'via', 'type': 'dict', 'sinceMark': True, 'limit': 1000, 'samples': 2})
        self.assertEqual({r['label']: r['count'] for r in via['rows']}.get('._meta'), 45)
        byclass = self.run_job('partitionStart', {'by': 'via', 'className': 'Request', 'sinceMark': True, 'samples': 0})
        self.assertEqual(byclass['totalCount'], 45)
        # Drill-down from the diff's Request row (a type label) also goes by creation time.
        bylabel = self.run_job('partitionStart', {'by': 'via', 'type': 'scrapy.http.request.Request', 'sinceMark': True, 'samples': 0})
        self.assertEqual(bylabel['totalCount'], 45)
        del fresh, reqs, ballast

    def test_the_mark_survives_release_all_until_the_next_mark(self):
        first = self.run_job('markStart', {})
        self.result('releaseAll')
        self.assertEqual(self.result('markInfo')['mark']['markedAt'], first['markedAt'])
        keep = [Fresh(i) for i in range(10)]
        _, rows = self.diff_rows()
        self.assertEqual(rows[__name__ + '.Fresh']['countDelta'], 10)
        second = self.run_job('markStart', {})
        self.assertGreater(second['markedAt'], first['markedAt'])
        _, rows = self.diff_rows()
        self.assertEqual(rows.get(__name__ + '.Fresh', {'countDelta': 0})['countDelta'], 0)
        del keep

    def test_rss_comes_with_every_live_refs_snapshot(self):
        rss = self.result('liveRefs', {})['rssBytes']
        self.assertIsInstance(rss, int)
        self.assertGreater(rss, 10 * 1024 * 1024)
