"""Tracking classes the user names in a program without Scrapy (agent/class_tracking.py)."""
import builtins
import copy
import dataclasses
import gc
import pickle
import os
import subprocess
import sys
import textwrap
import unittest
import weakref

try:
    from .base import AgentTest
except ImportError:
    from base import AgentTest

HERE = os.path.dirname(os.path.abspath(__file__))
AGENT = os.path.join(os.path.dirname(os.path.dirname(HERE)), 'agent')


class Basket(object):
    def __init__(self, n, **extra):
        self.n = n
        self.extra = extra


class Crate(Basket):
    pass


class Token(object):
    __slots__ = ('a',)

    def __init__(self):
        self.a = 1


class Named(object):
    def __new__(cls, value):
        self = super(Named, cls).__new__(cls)
        self.value = value
        return self

    def __eq__(self, other):
        raise AssertionError('program __eq__ must never run')

    __hash__ = object.__hash__


@dataclasses.dataclass
class Line(object):
    item: str
    qty: int = 1


class Solo(object):
    """A singleton: its own __new__ hands back the same object."""
    _one = None

    def __new__(cls):
        if cls._one is None:
            cls._one = super(Solo, cls).__new__(cls)
        return cls._one


class Shifty(object):
    """An own __new__ that hands back an object of another class."""
    def __new__(cls, value):
        return [value]


class Slotted(object):
    __slots__ = ('a', '__weakref__')

    def __init__(self):
        self.a = 1


HELD = {}


def make_basket(n):
    return Basket(n)  # BASKET LINE


def make_crate(n):
    return Crate(n)  # CRATE LINE


def make_basket_twice_removed(n):
    return make_basket(
        n)  # CALLER LINE


def line_of(marker):
    with open(__file__) as f:
        return next(i for i, text in enumerate(f, 1) if marker in text and 'line_of' not in text)


class ClassTrackingTest(AgentTest):
    def tearDown(self):
        self.agent.class_tracking.uninstall()
        HELD.clear()
        super().tearDown()

    def configure(self, names):
        return self.result('configure', {'creationSites': 'leave', 'trackedClasses': names})

    def rows(self):
        return dict((r['className'], r) for r in self.result('liveRefs', {})['rows'])

    def test_before_and_after_the_hook_counts_oldest_and_ages(self):
        early = [Basket(i) for i in range(3)]
        status = self.configure(['Basket', 'Nowhere'])['classTracking']
        self.assertIn(__name__ + '.Basket', status['tracked'])
        self.assertEqual(status['waiting'], ['Nowhere'])
        late = [make_basket(i) for i in range(4)]
        row = self.rows()['Basket']
        self.assertEqual(row['count'], 7)
        self.assertIsNone(row['oldestAgeS'])
        self.assertTrue(row['oldestBeforeAttach'])
        oldest = self.result('oldest', {'className': 'Basket'})
        self.assertIs(self.obj(oldest['handle']), early[0])
        self.assertTrue(oldest['createdBeforeAttach'])
        self.assertNotIn('ageS', oldest)
        hist = self.result('ages', {'className': 'Basket'})
        self.assertEqual(hist['count'], 4)  # the 3 made before the hook are never dated
        page = self.result('iterAll', {'className': 'Basket', 'offset': 0, 'limit': 100})
        self.assertEqual(page['total'], 7)
        self.assertEqual(sum(1 for i in page['items'] if 'ageS' in i), 4)
        del early[:2]
        gc.collect()
        self.assertEqual(self.rows()['Basket']['count'], 5)
        del late

    def test_subclasses_and_keyword_arguments_and_own_new(self):
        self.configure(['Basket', __name__ + '.Named'])
        a = Crate(1, colour='red')
        self.assertEqual(a.extra, {'colour': 'red'})
        b = Named(5)
        self.assertEqual(b.value, 5)
        rows = self.rows()
        self.assertEqual(rows['Basket']['count'], 1)
        self.assertEqual(rows['Named']['count'], 1)
        self.assertIsNotNone(rows['Named']['oldestAgeS'])

    def test_why_names_the_module_dict_and_the_creation_line(self):
        self.configure(['Basket'])
        HELD['x'] = make_basket(1)
        oldest = self.result('oldest', {'className': 'Basket'})
        why = self.result('why', {'handle': oldest['handle']})
        self.assertEqual(why['rootKind'], 'module')
        self.assertIn('HELD', why['rootName'] + ' '.join(h['via'] for h in why['hops']))
        with open(__file__) as f:
            line = next(i for i, text in enumerate(f, 1) if '# BASKET LINE' in text)
        self.assertEqual((why['leakSite']['path'], why['leakSite']['line']), (__file__, line))

    def test_slots_without_weakref_get_exact_counts_and_a_reason(self):
        tokens = [Token() for _ in range(6)]
        status = self.configure(['Token'])['classTracking']
        self.assertEqual(status['countOnly'], [__name__ + '.Token'])
        row = self.rows()['Token']
        self.assertEqual((row['count'], row['countOnly']), (6, True))
        reply = self.call('oldest', {'className': 'Token'})
        self.assertEqual(reply['error']['type'], 'unknownClass')
        self.assertIn('__weakref__', reply['error']['message'])
        del tokens

    def test_ambiguous_and_immutable_names_are_explained(self):
        other = type('Basket', (object,), {'__module__': 'elsewhere'})
        status = self.configure(['Basket', 'OrderedDict'])['classTracking']
        self.assertEqual(sorted(status['ambiguous']['Basket']), sorted([__name__ + '.Basket', 'elsewhere.Basket']))
        self.assertIn('immutable', status['problems']['OrderedDict'])
        del other

    def test_uninstall_restores_new_and_build_class_exactly(self):
        original_build = builtins.__build_class__
        self.configure(['Basket', 'Named'])
        self.assertIsNot(builtins.__build_class__, original_build)
        self.assertTrue(self.agent.class_tracking.uninstall())
        self.assertIs(builtins.__build_class__, original_build)
        self.assertNotIn('__new__', Basket.__dict__)
        self.assertIs(Named.__dict__['__new__'].__func__.__name__, '__new__')
        self.assertEqual(Basket(2).n, 2)
        self.assertEqual(Named(3).value, 3)

    def test_uninstall_puts_back_the_very_same_new_and_tp_new(self):
        named_new = Named.__dict__['__new__']
        before = dict((cls, cls.__dict__.get('__new__')) for cls in (Basket, Crate, Named, Line, Solo))
        self.configure(['Basket', 'Named', 'Line', 'Solo'])
        self.assertIsNot(Named.__dict__['__new__'], named_new)
        self.agent.class_tracking.uninstall()
        for cls, new in before.items():
            self.assertIs(cls.__dict__.get('__new__'), new, cls)
        self.assertIs(Basket.__new__, object.__new__)
        self.assertIs(Named.__dict__['__new__'], named_new)
        # With the hook's tp_new left behind, object.__new__ would reject the extra argument.
        self.assertIsInstance(object.__new__(Basket, 1), Basket)
        self.assertEqual(Crate(4, k=1).extra, {'k': 1})

    def test_program_behaviour_is_unchanged_while_hooked(self):
        self.configure(['Solo', 'Shifty', 'Line', 'Basket'])
        self.assertIs(Solo(), Solo())
        self.assertEqual(Shifty(3), [3])
        a, b = Line('tea'), Line('tea')
        self.assertEqual(a, b)     # a dataclass compares by fields and is unhashable: keyed by identity anyway
        basket = Basket(2, colour='red')
        twin = copy.copy(basket)
        thawed = pickle.loads(pickle.dumps(basket))
        self.assertEqual((twin.n, thawed.extra), (2, {'colour': 'red'}))
        rows = self.rows()
        self.assertEqual(rows['Solo']['count'], 1)          # handed back twice, born once
        self.assertNotIn('Shifty', rows)                    # its __new__ made no Shifty
        self.assertEqual(rows['Line']['count'], 2)
        self.assertEqual(rows['Basket']['count'], 3)        # copies and unpickled objects are births too
        oldest = self.result('oldest', {'className': 'Line'})
        self.assertIs(self.obj(oldest['handle']), a)
        Solo._one = None

    def test_slots_with_weakref_are_hooked_and_dated(self):
        early = Slotted()
        status = self.configure(['Slotted'])['classTracking']
        self.assertEqual(status['tracked'], [__name__ + '.Slotted'])
        late = [Slotted() for _ in range(3)]
        row = self.rows()['Slotted']
        self.assertEqual(row['count'], 4)
        self.assertTrue(row['oldestBeforeAttach'])
        self.assertEqual(self.result('ages', {'className': 'Slotted'})['count'], 3)
        self.assertEqual(self.agent.class_tracking.stack_of(early), None)
        del early, late

    def test_creation_stack_lines_and_depth(self):
        self.configure(['Basket'])
        basket = make_basket_twice_removed(1)
        stack = self.agent.class_tracking.stack_of(basket)
        self.assertEqual(stack[0].co_name, 'make_basket')
        self.assertEqual(stack[1], line_of('# BASKET LINE'))
        self.assertEqual(stack[2].co_name, 'make_basket_twice_removed')
        self.assertEqual(stack[3], line_of('# CALLER LINE') - 1)   # a call spread over lines: the line it starts on
        self.assertEqual(len(stack), 2 * self.agent.class_tracking.DEFAULT_DEPTH)
        self.agent.class_tracking.install(['Basket'], depth=2)
        shallow = make_basket_twice_removed(2)
        self.assertEqual([c.co_name for c in self.agent.class_tracking.stack_of(shallow)[::2]],
                         ['make_basket', 'make_basket_twice_removed'])
        self.assertEqual(len(self.agent.class_tracking.stack_of(basket)), 2 * self.agent.class_tracking.DEFAULT_DEPTH)

    def test_a_tracked_subclass_of_a_tracked_class_records_the_programs_line_in_both(self):
        # Crate's hook calls Basket's: Basket's record must start at the program's frame, not
        # at Crate's hook.
        self.configure(['Basket', 'Crate'])
        crate = make_crate(1)
        regs = dict((cls.__name__, reg) for cls, reg in self.agent.class_tracking.classes())
        for name in ('Basket', 'Crate'):
            record = regs[name].record_of(crate)
            self.assertIsNotNone(record, name)
            code, line = self.agent.class_tracking._resolved(record[1:3])
            self.assertEqual((name, code.co_name, line), (name, 'make_crate', line_of('# CRATE LINE')))
        self.assertEqual(self.agent.class_tracking.stack_of(crate)[1], line_of('# CRATE LINE'))

    def test_oldest_moves_on_when_the_front_dies(self):
        early = [Basket(-1)]
        self.configure(['Basket'])
        late = [Basket(i) for i in range(3)]
        self.assertIs(self.obj(self.result('oldest', {'className': 'Basket'})['handle']), early[0])
        self.result('releaseAll')
        del early[:]
        del late[0]
        gc.collect()
        oldest = self.result('oldest', {'className': 'Basket'})
        self.assertIs(self.obj(oldest['handle']), late[0])
        self.assertIn('ageS', oldest)
        items = self.agent.class_tracking.classes()[0][1].data.items()
        self.assertEqual([ref() for ref, _ in items], late)

    def test_deaths_after_uninstall_print_nothing(self):
        """Each record goes by its own dict's pop: after uninstall, with an Iterate All cursor
        still holding the weak references, a death must not raise into sys.unraisablehook."""
        raised = []
        hook = sys.unraisablehook
        sys.unraisablehook = raised.append
        try:
            self.configure(['Basket'])
            baskets = [Basket(i) for i in range(5)]
            page = self.result('iterAll', {'className': 'Basket', 'offset': 0, 'limit': 2})
            self.assertEqual(page['total'], 5)
            self.agent.class_tracking.uninstall()
            del baskets
            gc.collect()
        finally:
            sys.unraisablehook = hook
        self.assertEqual([str(r.exc_value) for r in raised], [])

    def test_no_init_still_rejects_arguments_while_hooked_and_after(self):
        Bare = type('Bare', (object,), {})
        self.configure(['Bare'])
        for _ in range(2):
            with self.assertRaises(TypeError):
                Bare(1)
            self.assertIsInstance(Bare(), Bare)
            self.agent.class_tracking.uninstall()

    def test_proxies_and_odd_modules_run_no_program_code(self):
        class Proxy(object):
            @property
            def __class__(self):
                raise AssertionError('program code ran: __class__')

        class OddModule(object):
            def __getattr__(self, name):
                raise AssertionError('program code ran: module __getattr__')
        HELD['proxy'] = Proxy()
        sys.modules['_liveref_test_odd'] = OddModule()
        try:
            basket = Basket(1)
            status = self.configure(['Basket'])['classTracking']
            self.assertEqual(status['tracked'], [__name__ + '.Basket'])
            self.assertEqual(self.rows()['Basket']['count'], 1)
            del basket
        finally:
            del sys.modules['_liveref_test_odd']

    def test_records_are_weak(self):
        self.configure(['Basket'])
        ref = weakref.ref(Basket(1))
        gc.collect()
        self.assertIsNone(ref())
        self.assertNotIn('Basket', self.rows())

    def test_discover_offers_user_classes_only(self):
        HELD['many'] = [Crate(i) for i in range(50)]
        found = self.result('discoverClasses', {'top': 5})
        names = [c['name'] for c in found['classes']]
        self.assertEqual(names[0], __name__ + '.Crate')
        self.assertEqual(found['classes'][0]['count'], 50)
        self.assertFalse(any(n.startswith(('collections.', 'builtins.', 'weakref.')) for n in names))


class FromTheFirstLineTest(unittest.TestCase):
    def test_launch_hook_tracks_classes_of_main(self):
        program = textwrap.dedent('''
            import sys
            sys.path.insert(0, %r)
            import loader
            class Session(object):
                def __init__(self, i):
                    self.i = i
            SESSIONS = dict((i, Session(i)) for i in range(4))
            agent = loader.install()
            rows = loader.result(agent, 'liveRefs', {})['rows']
            print([(r['className'], r['count'], r.get('oldestBeforeAttach', False)) for r in rows])
        ''' % HERE)
        env = dict(os.environ, PYTHONPATH=os.path.join(AGENT, 'launch'), LIVEREF_TRACK='Session')
        out = subprocess.run([sys.executable, '-c', program], env=env, capture_output=True, text=True, timeout=60)
        self.assertEqual(out.stderr, '')
        self.assertEqual(out.stdout.strip(), "[('Session', 4, False)]")

    def test_agent_reads_the_launch_hooks_registries_and_objects_made_before_a_later_name(self):
        # The launch hook runs its own copy of class_tracking.py: registries of that copy must
        # read as the agent's own. A dataclass has its own __eq__ (and no __hash__), so its age is
        # found only by the registry's identity lookup.
        program = textwrap.dedent('''
            import sys
            sys.path.insert(0, %r)
            import dataclasses, loader
            @dataclasses.dataclass
            class Session(object):
                i: int
            class Basket(object):
                def __init__(self, i):
                    self.i = i
            SESSIONS = [Session(i) for i in range(2)]
            BASKETS = [Basket(i) for i in range(3)]
            agent = loader.install()
            loader.result(agent, 'configure', {'creationSites': 'leave', 'trackedClasses': ['Session', 'Basket']})
            rows = loader.result(agent, 'liveRefs', {})['rows']
            print(sorted((r['className'], r['count'], r.get('oldestBeforeAttach', False), r['oldestAgeS'] is None) for r in rows))
            print(loader.result(agent, 'oldest', {'className': 'Basket'}).get('createdBeforeAttach'))
            oldest = loader.result(agent, 'oldest', {'className': 'Session'})
            print(oldest.get('ageS') is not None, oldest.get('createdBeforeAttach', False))
            print(agent.summary.summarize(SESSIONS[1], with_handle=False).get('ageS') is not None)
        ''' % HERE)
        env = dict(os.environ, PYTHONPATH=os.path.join(AGENT, 'launch'), LIVEREF_TRACK='Session')
        out = subprocess.run([sys.executable, '-c', program], env=env, capture_output=True, text=True, timeout=60)
        self.assertEqual(out.stderr, '')
        self.assertEqual(out.stdout.strip().splitlines(),
                         ["[('Basket', 3, True, True), ('Session', 2, False, False)]", 'True', 'True False', 'True'])


if __name__ == '__main__':
    unittest.main()
