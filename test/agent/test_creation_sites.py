"""Creation sites from the trackref hook: leak sites without tracemalloc."""
import gc
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import tracemalloc

import scrapy
from scrapy.http import HtmlResponse, Request
from scrapy.utils import trackref

try:
    from .base import AgentTest
    from . import loader
except ImportError:
    from base import AgentTest
    import loader

THIS_FILE = __file__.replace('.pyc', '.py')
LAUNCH_DIR = os.path.join(loader.AGENT_DIR, 'launch')


def _line(marker):
    with open(THIS_FILE, encoding='utf-8') as f:
        for i, line in enumerate(f, 1):
            if line.rstrip().endswith('# ' + marker):
                return i
    raise AssertionError(marker)


class MetaSpider(scrapy.Spider):
    name = 'sites-meta'

    def parse(self, response):
        yield scrapy.Request(response.url + '/next', callback=self.parse, meta={'referer': response})  # META-LEAK


class FollowSpider(scrapy.Spider):
    name = 'sites-follow'

    def parse(self, response):
        yield response.follow('next', callback=self.parse, cb_kwargs={'parent': response})  # FOLLOW-LEAK


class NosyItem(scrapy.Item):
    """An Item whose __eq__ would show if the hook or the agent compared program objects."""
    url = scrapy.Field()
    compared = []

    def __eq__(self, other):
        NosyItem.compared.append(1)
        return self is other

    __hash__ = scrapy.Item.__hash__


def _response(i):
    return HtmlResponse('http://sites.example/%d' % i, body=b'<html></html>', encoding='utf-8')


class CreationSitesTest(AgentTest):
    def setUp(self):
        self.was_tracing = tracemalloc.is_tracing()
        if self.was_tracing:
            tracemalloc.stop()
        self.original = trackref.object_ref.__dict__['__new__']
        self.status = self.result('configure', {'creationSites': True})

    def tearDown(self):
        self.result('configure', {'creationSites': False, 'libraryModules': ['scrapy', 'twisted']})
        if self.was_tracing:
            tracemalloc.start(25)
        AgentTest.tearDown(self)

    def _leaked(self, spider_cls):
        spider = spider_cls()
        queue = []
        for i in range(3):
            queue.extend(spider.parse(_response(i)))
        return queue

    def test_meta_leak_site_without_tracemalloc(self):
        self.assertTrue(self.status['enabled'] and self.status['active'])
        self.assertFalse(self.status['early'])
        queue = self._leaked(MetaSpider)
        handle = self.agent.handles.register(queue[0].meta['referer'])
        why = self.result('why', {'handle': handle})
        self.assertFalse(why['tracemalloc'])
        self.assertTrue(why['creationSites'])
        self.assertEqual([h['via'] for h in why['hops']], ["['referer']", '._meta'])
        self.assertEqual(why['leakSite']['path'], THIS_FILE)
        self.assertEqual(why['leakSite']['line'], _line('META-LEAK'))
        self.assertEqual(why['leakSite']['source'], 'creation')
        self.assertEqual(why['hops'][1]['allocation']['line'], _line('META-LEAK'))
        self.assertEqual(why['userCode']['libraryModules'], ['scrapy', 'twisted'])
        src = self.result('sourceOf', {'handle': why['hops'][1]['referrer']['handle']})
        self.assertEqual(src['creationState'], 'recorded')
        self.assertEqual(src['allocation'], {'path': THIS_FILE, 'line': _line('META-LEAK'), 'name': 'parse', 'source': 'creation'})
        self.assertEqual(src['creationStack'][-1]['name'], 'parse')
        self.assertNotIn('allocationStack', src)
        del queue

    def test_with_tracemalloc_too_each_hop_says_its_source(self):
        tracemalloc.start(25)
        try:
            queue = self._leaked(MetaSpider)
            why = self.result('why', {'handle': self.agent.handles.register(queue[0].meta['referer'])})
        finally:
            tracemalloc.stop()
        self.assertTrue(why['tracemalloc'] and why['creationSites'])
        meta, request = why['hops'][0]['allocation'], why['hops'][1]['allocation']
        self.assertEqual(meta['source'], 'tracemalloc')   # the meta dict is not tracked
        self.assertEqual(request['source'], 'creation')   # the Request is
        self.assertEqual(meta['line'], _line('META-LEAK'))
        # A dict may reuse a block traced for an older one: the Request's record wins.
        self.assertEqual((why['leakSite']['line'], why['leakSite']['source']), (_line('META-LEAK'), 'creation'))
        del queue

    def test_follow_leak_site_is_the_spider_line_not_scrapy(self):
        queue = self._leaked(FollowSpider)
        handle = self.agent.handles.register(queue[0].cb_kwargs['parent'])
        why = self.result('why', {'handle': handle})
        self.assertEqual([h['via'] for h in why['hops']], ["['parent']", '._cb_kwargs'])
        self.assertEqual((why['leakSite']['path'], why['leakSite']['line']), (THIS_FILE, _line('FOLLOW-LEAK')))
        # The recorded stack starts inside Scrapy (Response.follow builds the Request).
        src = self.result('sourceOf', {'handle': why['hops'][1]['referrer']['handle']})
        inner = src['creationStack'][-1]
        self.assertEqual(inner['name'], 'follow')
        self.assertIn(os.sep + 'scrapy' + os.sep, inner['path'])
        del queue

    def test_library_modules_rule_is_configurable(self):
        queue = self._leaked(MetaSpider)
        handle = self.agent.handles.register(queue[0])
        mod = sys.modules[MetaSpider.__module__]
        self.result('configure', {'creationSites': True, 'libraryModules': ['scrapy', mod.__name__]})
        src = self.result('sourceOf', {'handle': handle})
        # This file is now library code, and the frames around it are the standard library's.
        self.assertNotIn('allocation', src)
        self.assertEqual(src['userCode']['libraryModules'], ['scrapy', mod.__name__])
        self.result('configure', {'creationSites': True, 'libraryModules': ['scrapy']})
        self.assertEqual(self.result('sourceOf', {'handle': handle})['allocation']['line'], _line('META-LEAK'))
        del queue

    def test_created_before_the_hook_says_so(self):
        self.result('configure', {'creationSites': False})
        early = Request('http://sites.example/early')
        self.result('configure', {'creationSites': True})
        late = Request('http://sites.example/late')
        h_early, h_late = self.agent.handles.register(early), self.agent.handles.register(late)
        src = self.result('sourceOf', {'handle': h_early})
        self.assertEqual(src['creationState'], 'beforeAttach')
        self.assertNotIn('allocation', src)
        self.assertEqual(self.result('sourceOf', {'handle': h_late})['creationState'], 'recorded')
        del early, late

    def test_before_attach_on_a_tracked_hop(self):
        self.result('configure', {'creationSites': False})
        queue = self._leaked(MetaSpider)
        self.result('configure', {'creationSites': True})
        why = self.result('why', {'handle': self.agent.handles.register(queue[0].meta['referer'])})
        self.assertNotIn('leakSite', why)
        self.assertEqual(why['hops'][1]['creationState'], 'beforeAttach')
        del queue

    def test_uninstall_restores_scrapys_new_exactly_and_drops_records(self):
        wrapped = trackref.object_ref.__dict__['__new__']
        self.assertIsNot(wrapped, self.original)
        self.assertIs(Request.__new__, wrapped.__func__)  # subclasses see the wrapper
        keep = [Request('http://sites.example/%d' % i) for i in range(10)]
        self.assertGreaterEqual(self.result('hello')['creationSites']['records'], 10)
        self.result('configure', {'creationSites': False})
        self.assertIs(trackref.object_ref.__dict__['__new__'], self.original)
        self.assertIs(Request.__new__, self.original.__func__)
        self.assertEqual(self.result('hello')['creationSites'], dict(self.result('hello')['creationSites'], enabled=False))
        self.assertEqual(len(keep), 10)

    def test_leave_keeps_the_hook_as_it_is(self):
        wrapped = trackref.object_ref.__dict__['__new__']
        self.assertTrue(self.result('configure', {'creationSites': 'leave'})['enabled'])
        self.assertIs(trackref.object_ref.__dict__['__new__'], wrapped)
        self.result('configure', {'creationSites': False})
        self.assertFalse(self.result('configure', {'creationSites': 'leave'})['enabled'])
        self.assertIs(trackref.object_ref.__dict__['__new__'], self.original)

    def test_records_are_weak_bounded_and_compact(self):
        self.result('configure', {'creationSites': True, 'depth': 3})
        state = self.agent.creation_sites.current()

        def deep(n):
            return deep(n - 1) if n else Request('http://sites.example/deep')
        obj = deep(10)
        stack = self.agent.creation_sites.stack_of(obj)
        self.assertEqual(len(stack), 6)
        self.assertEqual([type(x).__name__ for x in stack], ['code', 'int'] * 3)
        before = len(state.records)
        del obj
        gc.collect()
        self.assertEqual(len(state.records), before - 1)

    def test_items_with_their_own_eq_are_never_compared(self):
        NosyItem.compared[:] = []
        items = [NosyItem(url='u%d' % i) for i in range(50)]
        handle = self.agent.handles.register(items[7])
        src = self.result('sourceOf', {'handle': handle})
        self.assertEqual(src['creationState'], 'recorded')
        self.assertEqual(src['allocation']['path'], THIS_FILE)
        self.assertEqual(NosyItem.compared, [])
        del items

    def test_reinjected_agent_adopts_the_installation(self):
        state = self.agent.creation_sites.current()
        ns = {}
        with open(os.path.join(loader.AGENT_DIR, 'creation_sites.py'), encoding='utf-8') as f:
            exec(compile(f.read(), '<liveref-agent>/creation_sites.py', 'exec'), ns)
        self.assertIs(ns['install'](depth=5), state)
        self.assertEqual(state.depth, 5)


_CHILD = r'''
import json, sys
sys.path.insert(0, %(test_dir)r)
import loader
pending = [f for f in sys.meta_path if hasattr(f, '_liveref_sites')]
import scrapy
from scrapy.http import Request
agent = loader.install()
req = Request('http://child.example/')
h = agent.handles.register(req)
print(json.dumps({
    'pendingBeforeScrapy': len(pending),
    'finderLeft': len([f for f in sys.meta_path if hasattr(f, '_liveref_sites')]),
    'sitecustomize': getattr(sys.modules.get('sitecustomize'), '__file__', None),
    'userRan': getattr(sys, 'LIVEREF_USER_SITECUSTOMIZE', None),
    'launchOnPath': any('launch' in p for p in sys.path),
    'status': loader.result(agent, 'configure', {'creationSites': True}),
    'source': loader.result(agent, 'sourceOf', {'handle': h}),
}))
'''


class LaunchHookTest(AgentTest):
    """The hook installed by agent/launch/sitecustomize.py before the program's first line."""

    def _run(self, extra_path):
        with tempfile.TemporaryDirectory() as tmp:
            script = os.path.join(tmp, 'child.py')
            with open(script, 'w', encoding='utf-8') as f:
                f.write(_CHILD % {'test_dir': os.path.dirname(os.path.abspath(__file__))})
            env = dict(os.environ, PYTHONPATH=os.pathsep.join([LAUNCH_DIR] + extra_path))
            env.pop('PYTHONTRACEMALLOC', None)
            out = subprocess.run([sys.executable, script], env=env, capture_output=True, text=True, timeout=60)
            self.assertEqual(out.returncode, 0, out.stderr)
            self.assertEqual(out.stderr, '')
            return json.loads(out.stdout)

    def test_installed_before_scrapy_and_the_users_sitecustomize_still_runs(self):
        with tempfile.TemporaryDirectory() as user:
            with open(os.path.join(user, 'sitecustomize.py'), 'w', encoding='utf-8') as f:
                f.write('import sys\nsys.LIVEREF_USER_SITECUSTOMIZE = "ran"\n')
            child = self._run([user])
            self.assertEqual(child['sitecustomize'], os.path.join(user, 'sitecustomize.py'))
        self.assertEqual(child['userRan'], 'ran')
        self.assertEqual(child['pendingBeforeScrapy'], 1)
        self.assertEqual(child['finderLeft'], 0)
        self.assertFalse(child['launchOnPath'])
        self.assertTrue(child['status']['early'])
        self.assertEqual(child['source']['creationState'], 'recorded')
        self.assertEqual(child['source']['allocation']['name'], '<module>')

    def test_without_a_user_sitecustomize(self):
        child = self._run([])
        self.assertEqual(child['source']['creationState'], 'recorded')
        # The distribution's own (Debian has one) or, when there is none, ours stays registered.
        spec = importlib.util.find_spec('sitecustomize') if 'sitecustomize' not in sys.modules else None
        theirs = getattr(sys.modules.get('sitecustomize'), '__file__', None) or getattr(spec, 'origin', None)
        self.assertEqual(child['sitecustomize'], theirs or os.path.join(LAUNCH_DIR, 'sitecustomize.py'))
