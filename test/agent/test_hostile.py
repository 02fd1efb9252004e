import json
import time

try:
    from .base import AgentTest
    from . import loader
except ImportError:
    from base import AgentTest
    import loader


class RaisingRepr(object):
    def __repr__(self):
        raise ValueError('nope')


class SlowRepr(object):
    def __repr__(self):
        time.sleep(5)
        return 'slow'


class BusyRepr(object):
    def __repr__(self):
        # A CPU-bound repr (bounded, so the abandoned worker does not slow the other tests).
        end = time.time() + 2
        x = 0
        while time.time() < end:
            x += 1
        return 'busy'


class HugeRepr(object):
    def __repr__(self):
        return 'A' * (10 * 1024 * 1024)


class ScriptRepr(object):
    url = '<script>alert(1)</script>'

    def __repr__(self):
        return '<script>alert("x")</script><img src=x onerror=alert(1)>'


class NotStrRepr(object):
    def __repr__(self):
        return 42


class SlowUrl(object):
    @property
    def url(self):
        time.sleep(5)
        return 'http://slow/'


class HostileGetattr(object):
    def __getattribute__(self, name):
        raise RuntimeError('no attributes for you')


class Holder(object):
    pass


class HostileTest(AgentTest):
    def summarize(self, obj):
        """Reveals obj through a Holder's inspect, like the extension would, and checks JSON."""
        holder = Holder()
        holder.value = obj
        handle = self.agent.handles.register(holder)
        marked = self.agent.call(1, 'inspect', loader.params_b64({'handle': handle, 'offset': 0, 'limit': 10}), 'return')
        self.assertTrue(marked.startswith('LRB64<') and marked.endswith('>LRB64'))
        text = loader.decode(marked)
        json.dumps(text)
        self.assertTrue(text['ok'], text)
        child = text['result']['children'][0]
        self.assertEqual(child['via'], '.value')
        value = child['value']
        self.assertLessEqual(len(value['repr']), 300)
        return value

    def test_raising_repr(self):
        s = self.summarize(RaisingRepr())
        self.assertRegex(s['repr'], r'^<RaisingRepr object at 0x[0-9a-f]+ \(repr failed: ValueError\)>$')
        self.assertTrue(s['handle'])

    def test_not_str_repr(self):
        s = self.summarize(NotStrRepr())
        self.assertIn('repr failed', s['repr'])

    def test_slow_repr_does_not_hang(self):
        for cls in (SlowRepr, BusyRepr):
            t0 = time.time()
            s = self.summarize(cls())
            self.assertLess(time.time() - t0, 1.0, cls)
            self.assertIn('repr timed out', s['repr'])
            # The type is remembered as slow: the next one does not wait at all.
            t0 = time.time()
            self.summarize(cls())
            self.assertLess(time.time() - t0, 0.1)

    def test_slow_url_property(self):
        t0 = time.time()
        s = self.summarize(SlowUrl())
        self.assertLess(time.time() - t0, 1.0)
        self.assertNotIn('url', s)

    def test_hostile_getattribute(self):
        s = self.summarize(HostileGetattr())
        self.assertIn('HostileGetattr', s['type'])

    def test_huge_repr_truncated(self):
        # About truncation, not speed: a loaded machine may take longer than the 200 ms a repr
        # gets (then the repr is given up on, which other tests check).
        saved, self.agent.sandbox.TIMEOUT = self.agent.sandbox.TIMEOUT, 10.0
        try:
            self._huge_repr_truncated()
        finally:
            self.agent.sandbox.TIMEOUT = saved

    def _huge_repr_truncated(self):
        s = self.summarize(HugeRepr())
        self.assertTrue(s['repr'].startswith('AAAA'))
        self.assertLessEqual(len(s['repr']), 300)
        big = 'B' * (10 * 1024 * 1024)
        s = self.summarize(big)
        self.assertLessEqual(len(s['repr']), 300)
        self.assertFalse(s['expandable'])

    def test_script_is_text(self):
        s = self.summarize(ScriptRepr())
        self.assertIn('<script>alert("x")</script>', s['repr'])
        self.assertEqual(s['url'], '<script>alert(1)</script>')

    def test_bytes_and_surrogates(self):
        s = self.summarize(b'\xff\xfe\x80 not utf-8')
        self.assertEqual(s['repr'], repr(b'\xff\xfe\x80 not utf-8'))
        self.assertNotIn('handle', s)
        lone = 'a\udc80b\ud800'
        s = self.summarize(lone)
        self.assertEqual(s['repr'], repr(lone))
        h = Holder()
        h.url = 'http://x/\udc80'
        s = self.summarize(h)
        self.assertEqual(s['url'], 'http://x/\udc80')

    def test_cycles(self):
        a = []
        a.append(a)
        d = {}
        d['self'] = d
        h = Holder()
        h.me = h
        for obj in (a, d, h, [a, d, h]):
            s = self.summarize(obj)
            self.assertTrue(s['expandable'])
        self.assertEqual(self.summarize(a)['repr'], '[[[[...]]]]')

    def test_containers_of_hostile(self):
        s = self.summarize([RaisingRepr(), 'x', {'k': SlowRepr()}])
        self.assertIn('repr failed: ValueError', s['repr'])
        self.assertLessEqual(len(s['repr']), 300)

    def test_unsortable_keys(self):
        class Bad(object):
            def __lt__(self, other):
                raise TypeError('no order')

            def __repr__(self):
                return 'Bad'
        s = self.summarize({Bad(): 1, Bad(): 2})
        self.assertIn('Bad', s['repr'])

    def test_inspect_hostile_children(self):
        h = Holder()
        h.a = RaisingRepr()
        h.b = SlowRepr()
        h.c = 'x' * 1000
        d = {RaisingRepr(): 1, 'k': b'\x80'}
        h.d = d
        handle = self.agent.handles.register(h)
        t0 = time.time()
        r = self.result('inspect', {'handle': handle, 'offset': 0, 'limit': 10})
        self.assertLess(time.time() - t0, 1.0)
        vias = [c['via'] for c in r['children']]
        self.assertEqual(vias, ['.a', '.b', '.c', '.d'])
        dh = r['children'][3]['value']['handle']
        r = self.result('inspect', {'handle': dh, 'offset': 0, 'limit': 10})
        self.assertEqual(r['total'], 2)
        self.assertIn('repr failed', r['children'][0]['via'])
        self.assertEqual(r['children'][1]['via'], "['k']")
