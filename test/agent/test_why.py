import gc
import tracemalloc

import scrapy
from scrapy.http import HtmlResponse, Request

try:
    from .base import AgentTest
except ImportError:
    from base import AgentTest

THIS_FILE = __file__.replace('.pyc', '.py')


class LeakySpider(scrapy.Spider):
    name = 'leaky-why'

    def parse(self, response):
        yield scrapy.Request(response.url + '/next', callback=self.parse, meta={'referer': response})  # LEAK


def _leak_line():
    with open(THIS_FILE, encoding='utf-8') as f:
        for i, line in enumerate(f, 1):
            if line.rstrip().endswith('# LEAK'):
                return i


class Plain(object):
    pass


GLOBAL_HOLDER = {}


class WhyTest(AgentTest):
    def setUp(self):
        self.was_tracing = tracemalloc.is_tracing()
        if not self.was_tracing:
            tracemalloc.start(25)
        # These tests cover tracemalloc's sites; test_creation_sites covers the trackref hook.
        self.result('configure', {'creationSites': False})

    def tearDown(self):
        if not self.was_tracing:
            tracemalloc.stop()
        AgentTest.tearDown(self)

    def _crawl(self):
        spider = LeakySpider()
        queue = []
        for i in range(5):
            resp = HtmlResponse('http://why.example/%d' % i, body=b'<html></html>')
            queue.extend(spider.parse(resp))
        return spider, queue

    def test_referer_chain_and_leak_site(self):
        spider, queue = self._crawl()
        resp = queue[0].meta['referer']
        handle = self.agent.handles.register(resp)
        del resp
        why = self.result('why', {'handle': handle, 'maxDepth': 8})
        self.assertTrue(why['tracemalloc'])
        self.assertEqual(why['target']['url'], 'http://why.example/0')
        vias = [h['via'] for h in why['hops']]
        self.assertEqual(vias, ["['referer']", '._meta'])
        self.assertEqual(why['hops'][0]['referrer']['typeName'], 'dict')
        self.assertEqual(why['hops'][1]['referrer']['typeName'], 'Request')
        self.assertEqual(why['rootKind'], 'tracked')
        self.assertEqual(why['rootName'], 'Request')
        self.assertEqual(why['leakSite'], {'path': THIS_FILE, 'line': _leak_line(), 'source': 'tracemalloc'})
        # The Request itself is traced too (3.11.0-2 need the managed-dict workaround).
        src = self.result('sourceOf', {'handle': why['hops'][1]['referrer']['handle']})
        self.assertEqual(src['allocation'], {'path': THIS_FILE, 'line': _leak_line(), 'source': 'tracemalloc'})
        self.assertEqual(src['allocationStack'][-1]['path'].rsplit('/', 1)[-1], 'trackref.py')
        self.assertEqual(src['callback']['name'], 'LeakySpider.parse')
        self.assertEqual(src['callback']['path'], THIS_FILE)
        self.assertEqual(src['classDef']['name'], 'Request')
        self.assertLess(src['classDef']['line'], Request.__init__.__code__.co_firstlineno)
        self.assertTrue(src['classDef']['path'].endswith('scrapy/http/request/__init__.py'))
        del spider, queue

    def test_module_global_root(self):
        obj = Plain()
        GLOBAL_HOLDER['plain'] = [obj]
        handle = self.agent.handles.register(obj)
        del obj
        why = self.result('why', {'handle': handle})
        self.assertEqual([h['via'] for h in why['hops']], ['[0]', "['plain']", '.GLOBAL_HOLDER'], [(h['referrer']['type'], h['referrer']['repr']) for h in why['hops']])
        self.assertEqual(why['rootKind'], 'module')
        self.assertEqual(why['rootName'], 'module ' + __name__)
        GLOBAL_HOLDER.clear()

    def test_instance_attribute_and_materialized_dict(self):
        holder = Plain()
        holder.payload = Plain()
        GLOBAL_HOLDER['h'] = holder
        handle = self.agent.handles.register(holder.payload)
        why = self.result('why', {'handle': handle})
        self.assertEqual([h['via'] for h in why['hops']], ['.payload', "['h']", '.GLOBAL_HOLDER'])
        vars(holder)  # materialize the __dict__: the dict hop collapses into the instance
        why = self.result('why', {'handle': handle})
        self.assertEqual([h['via'] for h in why['hops']], ['.payload', "['h']", '.GLOBAL_HOLDER'])
        self.assertEqual(why['hops'][0]['referrer']['typeName'], 'Plain')
        GLOBAL_HOLDER.clear()
        del holder

    def test_closure_and_local_frame(self):
        def make():
            secret = Plain()

            def inner():
                return secret
            return inner, secret
        inner, secret = make()
        keep = [inner]
        handle = self.agent.handles.register(secret)
        del secret
        why = self.result('why', {'handle': handle, 'maxDepth': 3})
        vias = [h['via'] for h in why['hops']]
        self.assertEqual(vias[:2], ['.cell_contents', '.__closure__[0]'])
        self.assertEqual(why['hops'][1]['referrer']['typeName'], 'function')
        self.assertIn(why['rootKind'], ('frame', 'depth', 'root'))
        del keep, inner

    def test_gone_handle(self):
        obj = Plain()
        handle = self.agent.handles.register(obj)
        del obj
        gc.collect()
        self.assertEqual(self.call('why', {'handle': handle})['error']['type'], 'gone')

    def test_without_tracemalloc(self):
        tracemalloc.stop()
        try:
            obj = Plain()
            GLOBAL_HOLDER['x'] = obj
            handle = self.agent.handles.register(obj)
            why = self.result('why', {'handle': handle})
            self.assertFalse(why['tracemalloc'])
            self.assertNotIn('leakSite', why)
            src = self.result('sourceOf', {'handle': handle})
            self.assertEqual(src['tracemalloc'], False)
            self.assertNotIn('allocation', src)
            self.assertEqual(src['classDef']['name'], 'Plain')
            self.assertEqual(src['classDef']['path'], THIS_FILE)
        finally:
            GLOBAL_HOLDER.clear()
            tracemalloc.start(25)


CACHED = []  # HOLDER-GLOBAL


class Store(object):
    items = {}  # HOLDER-CLASS


def _line_of(marker):
    with open(THIS_FILE, encoding='utf-8') as f:
        for i, line in enumerate(f, 1):
            if line.rstrip().endswith(marker):
                return i


class WhyHolderTest(AgentTest):
    def test_module_global_holder_and_short_labels(self):
        CACHED.extend(Plain() for _ in range(100))
        handle = self.agent.handles.register(CACHED[42])
        why = self.result('why', {'handle': handle})
        self.assertEqual([h['via'] for h in why['hops']], ['[42]', '.CACHED'])
        self.assertEqual(why['hops'][0]['label'], 'list (100 items)')
        self.assertEqual(why['hops'][1]['label'], 'module ' + __name__)
        self.assertEqual(why['holder'], {'path': THIS_FILE, 'line': _line_of('# HOLDER-GLOBAL'),
                                         'name': __name__ + '.CACHED'})
        del CACHED[:]

    def test_class_attribute_holder(self):
        Store.items.update((i, Plain()) for i in range(3))
        handle = self.agent.handles.register(Store.items[1])
        why = self.result('why', {'handle': handle})
        self.assertEqual([h['via'] for h in why['hops']][:2], ['[1]', '.items'])
        self.assertEqual(why['hops'][0]['label'], 'dict (3 keys)')
        self.assertEqual(why['holder'], {'path': THIS_FILE, 'line': _line_of('# HOLDER-CLASS'), 'name': 'Store.items'})
        Store.items.clear()

    def test_no_holder_for_a_local(self):
        keep = [Plain()]
        handle = self.agent.handles.register(keep[0])
        why = self.result('why', {'handle': handle})
        self.assertNotIn('holder', why)
        del keep
