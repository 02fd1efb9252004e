import gc
import re
import threading
import time
import weakref

from scrapy.http import HtmlResponse, Request
from scrapy.spiders import Spider
from scrapy.utils import trackref

try:
    from .base import AgentTest
except ImportError:
    from base import AgentTest


def parse_prefs(text):
    rows = {}
    for line in text.splitlines():
        m = re.match(r'^(\S+)\s+(\d+)\s+oldest: (\d+)s ago$', line)
        if m:
            rows[m.group(1)] = (int(m.group(2)), int(m.group(3)))
    return rows


class LeakySpider(Spider):
    name = 'leaky'


def make(n, prefix='http://example.com/p'):
    reqs = [Request('%s%d' % (prefix, i), meta={'i': i}) for i in range(n)]
    resps = [HtmlResponse(r.url, body=b'<html></html>', request=r) for r in reqs]
    return reqs, resps


class LiveRefsTest(AgentTest):
    def test_hello(self):
        hello = self.result('hello')
        self.assertEqual(hello['agentVersion'], self.agent.VERSION)
        self.assertTrue(hello['trackref'])
        self.assertIn(hello['tracemalloc'], (True, False))

    def test_matches_format_live_refs(self):
        reqs, resps = make(300)
        time.sleep(1.1)
        more = make(10, 'http://example.com/q')
        gc.collect()
        reply = self.result('liveRefs', {'ignore': [], 'classes': []})
        expected = parse_prefs(trackref.format_live_refs())
        self.assertTrue(reply['trackref'])
        got = {r['className']: r for r in reply['rows']}
        self.assertEqual(sorted(got), sorted(expected))
        self.assertEqual([r['className'] for r in reply['rows']], sorted(got))
        for name, (count, age) in expected.items():
            self.assertEqual(got[name]['count'], count, name)
            self.assertLess(abs(got[name]['oldestAgeS'] - age), 1.0, name)
        self.assertGreaterEqual(got['Request']['oldestAgeS'], 1.0)
        del reqs, resps, more

    def test_ignore_hides_subclasses(self):
        spider = LeakySpider()
        reqs, _ = make(3)
        names = [r['className'] for r in self.result('liveRefs', {'ignore': [], 'classes': []})['rows']]
        self.assertIn('LeakySpider', names)
        for ignore in (['Spider'], ['scrapy.spiders.Spider']):
            rows = self.result('liveRefs', {'ignore': ignore, 'classes': []})['rows']
            names = [r['className'] for r in rows]
            self.assertNotIn('LeakySpider', names)
            self.assertIn('Request', names)
            self.assertEqual(sorted(names), sorted(parse_prefs(trackref.format_live_refs(ignore=Spider))))
        del spider, reqs

    def test_oldest_is_get_oldest(self):
        reqs, resps = make(50)
        summary = self.result('oldest', {'className': 'HtmlResponse'})
        self.assertIs(self.obj(summary['handle']), trackref.get_oldest('HtmlResponse'))
        self.assertEqual(summary['url'], trackref.get_oldest('HtmlResponse').url)
        self.assertEqual(summary['typeName'], 'HtmlResponse')
        self.assertEqual(summary['type'], 'scrapy.http.response.html.HtmlResponse')
        reply = self.call('oldest', {'className': 'NoSuchClass'})
        self.assertEqual(reply['error']['type'], 'unknownClass')
        del reqs, resps

    def test_oldest_skips_dead_front(self):
        reqs = [Request('http://front/%d' % i) for i in range(20)]
        # Keep the front entries' weakrefs dead but present: iterating guards removal.
        wdict = trackref.live_refs[Request]
        # Python <= 3.13 defers removals while iterating (_IterationGuard); 3.14 removes at once,
        # so put dead weakrefs (hashed while alive) at the front of wdict.data by hand.
        data = wdict.data
        rest = list(data.items())
        victims = [Request('http://dead/%d' % i) for i in range(5)]
        dead = [weakref.ref(v) for v in victims]
        for d in dead:
            hash(d)
        data.clear()
        for d in dead:
            data[d] = 0
        data.update(rest)
        del victims, rest
        gc.collect()
        try:
            summary = self.result('oldest', {'className': 'Request'})
            self.assertIs(self.obj(summary['handle']), reqs[0])
            self.assertEqual(summary['url'], 'http://front/0')
        finally:
            for d in dead:
                data.pop(d, None)
        del reqs

    def test_iter_all_every_object_once_with_churn(self):
        keep, _ = make(500, 'http://keep/')
        doomed, _ = make(200, 'http://doomed/')
        born = []
        seen = []
        cursor = None
        offset = 0
        page_no = 0
        while True:
            params = {'className': 'Request', 'offset': offset, 'limit': 37}
            if cursor:
                params['cursor'] = cursor
            page = self.result('iterAll', params)
            cursor = page['cursor']
            seen.extend(i['url'] for i in page['items'])
            offset += len(page['items'])
            page_no += 1
            # Between pages the program frees some objects and creates new ones.
            del doomed[:15]
            born.extend(make(5, 'http://born%d/' % page_no)[0])
            gc.collect()
            if page['done'] or not page['items']:
                break
        self.assertEqual(len(seen), len(set(seen)), 'an object appeared twice')
        keep_urls = set(r.url for r in keep)
        self.assertTrue(keep_urls <= set(seen), 'a live object was skipped')
        self.assertFalse(any(u.startswith('http://born') for u in seen))
        del keep, doomed, born

    def test_iter_all_filter_and_total(self):
        reqs, _ = make(100, 'http://filter.example/')
        other, _ = make(30, 'http://OTHER.example/')
        page = self.result('iterAll', {'className': 'Request', 'offset': 0, 'limit': 10, 'filter': 'other.EXAMPLE'})
        self.assertEqual(page['total'], 30)
        urls = [i['url'] for i in page['items']]
        cursor = page['cursor']
        while not page['done']:
            page = self.result('iterAll', {'className': 'Request', 'cursor': cursor, 'offset': len(urls), 'limit': 10, 'filter': 'other.EXAMPLE'})
            urls += [i['url'] for i in page['items']]
        self.assertEqual(sorted(urls), sorted(r.url for r in other))
        released = self.result('release', {'handles': [], 'cursors': [cursor]})
        self.assertEqual(released['released'], 1)
        reply = self.call('iterAll', {'className': 'Request', 'cursor': cursor, 'offset': 0, 'limit': 10})
        self.assertEqual(reply['error']['type'], 'gone')
        del reqs, other

    def test_concurrent_mutation(self):
        stop = threading.Event()
        errors = []

        def churn():
            pool = []
            i = 0
            while not stop.is_set():
                pool.append(Request('http://churn/%d' % i))
                i += 1
                if len(pool) > 300:
                    del pool[:150]

        threads = [threading.Thread(target=churn) for _ in range(2)]
        for t in threads:
            t.start()
        try:
            base, _ = make(200, 'http://base/')
            deadline = time.time() + 2.0
            n = 0
            while time.time() < deadline:
                for method, params in (('liveRefs', {}), ('iterAll', {'className': 'Request', 'offset': 0, 'limit': 200}),
                                       ('oldest', {'className': 'Request'})):
                    reply = self.call(method, params)
                    if not reply['ok']:
                        errors.append(reply['error'])
                    n += 1
            self.assertGreater(n, 10)
        finally:
            stop.set()
            for t in threads:
                t.join()
        self.assertEqual(errors, [])
        del base

    def test_objects_are_not_kept_alive(self):
        reqs, resps = make(20, 'http://weak/')
        refs = [weakref.ref(o) for o in reqs + resps]
        oldest = self.result('oldest', {'className': 'Request'})
        page = self.result('iterAll', {'className': 'HtmlResponse', 'offset': 0, 'limit': 100})
        self.assertTrue(page['items'])
        ins = self.result('inspect', {'handle': oldest['handle'], 'offset': 0, 'limit': 100})
        self.assertTrue(ins['children'])
        inspected_handles = [c['value']['handle'] for c in ins['children'] if 'handle' in c['value']]
        # The program drops everything; handles are weak, so nothing may survive
        # except what non-weakrefable children (the meta dict) pin until released.
        del reqs, resps, oldest, page, ins
        gc.collect()
        self.assertEqual([r for r in refs if r() is not None], [])
        for h in inspected_handles:
            self.result('release', {'handles': [h]})
        gc.collect()
        self.assertEqual(self.agent.handles.counts()['strong'], 0)

    def test_response_pinned_by_inspected_meta_until_release(self):
        req = Request('http://pin/', meta={'referer': HtmlResponse('http://pin/r', body=b'')})
        resp_ref = weakref.ref(req.meta['referer'])
        s = self.result('oldest', {'className': 'Request'})
        req_handle = [x for x in self.result('iterAll', {'className': 'Request', 'offset': 0, 'limit': 1000})['items'] if x['url'] == 'http://pin/'][0]['handle']
        ins = self.result('inspect', {'handle': req_handle, 'offset': 0, 'limit': 100})
        meta = [c for c in ins['children'] if c['via'] == '._meta'][0]
        del req, ins, s
        gc.collect()
        self.assertIsNotNone(resp_ref(), 'the meta dict handle is strong until released')
        self.result('release', {'handles': [meta['value']['handle']]})
        gc.collect()
        self.assertIsNone(resp_ref())
        reply = self.call('inspect', {'handle': req_handle, 'offset': 0, 'limit': 10})
        self.assertEqual(reply['error']['type'], 'gone')
