import sys

try:
    from .base import AgentTest
except ImportError:
    from base import AgentTest

CONSTANT = {'answer': 42}


class Slotted(object):
    __slots__ = ('a', '__hidden', 'unset')

    def __init__(self):
        self.a = [1, 2]
        self.__hidden = 'h'


class Plain(object):
    def __init__(self):
        self.name = 'plain'
        self.items = list(range(3))
        self.big = 'x' * 500


def make_closure():
    captured = Plain()

    def inner():
        return captured, CONSTANT
    return inner


class InspectTest(AgentTest):
    def inspect(self, obj, offset=0, limit=100):
        return self.result('inspect', {'handle': self.agent.handles.register(obj), 'offset': offset, 'limit': limit})

    def test_instance_attributes_and_primitives(self):
        r = self.inspect(Plain())
        kids = {c['via']: c['value'] for c in r['children']}
        self.assertEqual(sorted(kids), ['.big', '.items', '.name'])
        self.assertNotIn('handle', kids['.name'])
        self.assertFalse(kids['.name']['expandable'])
        self.assertIn('handle', kids['.big'])  # strings over 200 chars get a handle
        self.assertTrue(kids['.items']['expandable'])
        self.assertEqual(r['summary']['typeName'], 'Plain')

    def test_slots(self):
        r = self.inspect(Slotted())
        vias = [c['via'] for c in r['children']]
        self.assertIn('.a', vias)
        self.assertIn('.__hidden', vias)
        self.assertNotIn('.unset', vias)

    def test_paging_large_containers(self):
        big = list(range(1000, 2000))
        r = self.inspect(big, offset=990, limit=20)
        self.assertEqual(r['total'], 1000)
        self.assertEqual([c['via'] for c in r['children']], ['[%d]' % i for i in range(990, 1000)])
        self.assertEqual(r['children'][0]['value']['repr'], '1990')
        d = {'k%04d' % i: i for i in range(500)}
        r = self.inspect(d, offset=100, limit=3)
        self.assertEqual(r['total'], 500)
        self.assertEqual([c['via'] for c in r['children']], ["['k0100']", "['k0101']", "['k0102']"])
        s = frozenset(range(50))
        r = self.inspect(s, offset=0, limit=100)
        self.assertEqual(r['total'], 50)
        self.assertEqual(set(c['via'] for c in r['children']), {'<member>'})

    def test_function_closure_and_globals(self):
        fn = make_closure()
        r = self.inspect(fn)
        vias = [c['via'] for c in r['children']]
        self.assertIn('.__closure__[0] (captured)', vias)
        self.assertIn(".__globals__['CONSTANT']", vias)
        self.assertIn('.__globals__', vias)

    def test_gone_and_release(self):
        obj = Plain()
        handle = self.agent.handles.register(obj)
        self.assertEqual(self.result('release', {'handles': [handle, 'nope']})['released'], 1)
        self.assertEqual(self.call('inspect', {'handle': handle})['error']['type'], 'gone')

    def test_strong_table_is_bounded(self):
        handles = self.agent.handles
        old = handles.MAX_STRONG
        handles.MAX_STRONG = 10
        try:
            lists = [[i] for i in range(25)]
            hs = [handles.register(l) for l in lists]
            self.assertEqual(handles.counts()['strong'], 10)
            self.assertEqual(self.call('inspect', {'handle': hs[0]})['error']['type'], 'gone')
            self.assertTrue(self.result('inspect', {'handle': hs[-1]})['children'])
        finally:
            handles.MAX_STRONG = old

    def test_live_refs_without_trackref(self):
        saved = sys.modules.pop('scrapy.utils.trackref', None)
        try:
            markers = [Plain() for _ in range(1234)]
            reply = self.result('liveRefs', {'ignore': [], 'classes': ['Plain', 'NoSuchType']})
            self.assertFalse(reply['trackref'])
            rows = {r['className']: r for r in reply['rows']}
            self.assertEqual(rows['Plain']['count'], 1234)
            self.assertIsNone(rows['Plain']['oldestAgeS'])
            self.assertEqual(rows['NoSuchType']['count'], 0)
            self.assertGreaterEqual(len(reply['rows']), 15)
            self.assertEqual(self.call('oldest', {'className': 'Request'})['error']['type'], 'unavailable')
            self.assertFalse(self.result('hello')['trackref'])
            del markers
        finally:
            if saved is not None:
                sys.modules['scrapy.utils.trackref'] = saved
