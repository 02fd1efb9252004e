"""heapwalk: the one walk of the reachable heap and the one sizer every heap-wide pass uses."""
import gc
import sys

try:
    from .base import AgentTest
except ImportError:
    from base import AgentTest


class RaisingSizeof(object):
    # A C-level __sizeof__ that fails on this type: the sizer lets it run (no program code) and
    # must survive the TypeError.
    __sizeof__ = int.__sizeof__


class PythonSizeof(object):
    calls = 0

    def __sizeof__(self):
        PythonSizeof.calls += 1
        return 10 ** 6


class HeapWalkTest(AgentTest):
    def walk_ids(self, own=None, **kwargs):
        """{id: [kinds]} of everything one complete walk reports."""
        hw = self.agent.heapwalk
        seen = {}
        for batch, kind, done, total in hw.walk(set() if own is None else own, **kwargs):
            self.assertLessEqual(done, total)
            for o in batch:
                seen.setdefault(id(o), []).append(kind)
            batch = o = None
        return seen

    def test_reaches_objects_held_only_by_untracked_containers_once(self):
        hw = self.agent.heapwalk
        shared = 'heapwalk-shared-%d' % id(self)
        deep = 'heapwalk-deep-%d' % id(self)
        # Tuples of atomic objects are untracked by the next collection on every Python (dicts
        # of atomic values only up to 3.13: 3.14 tracks every dict).
        outer = ('a', shared, 10 ** 30 + 7)
        other = ('c', shared)
        inner = (deep, 10 ** 30 + 9)
        holder = [outer, other, inner]
        gc.collect()
        self.assertTrue(gc.is_tracked(holder))
        self.assertFalse(gc.is_tracked(outer) or gc.is_tracked(other) or gc.is_tracked(inner))
        ids = {name: id(o) for name, o in (('shared', shared), ('deep', deep), ('inner', inner), ('outer', outer))}
        del inner, outer, other, shared, deep
        seen = self.walk_ids()
        for name, i in ids.items():
            self.assertEqual(len(seen.get(i, [])), 1, name)
            self.assertIn(seen[i][0], (hw.REACHED, hw.DRAINED), name)
        self.assertEqual(seen.get(id(holder)), [hw.LISTED])
        # Listed objects only: the untracked ones are not reported.
        listed = self.walk_ids(untracked=False)
        self.assertIn(id(holder), listed)
        self.assertNotIn(ids['deep'], listed)
        self.assertNotIn(ids['outer'], listed)

    def test_leaves_out_own_objects_and_what_only_they_hold(self):
        mine = 'heapwalk-own-%d' % id(self)
        bookkeeping = [('x', mine)]
        gc.collect()
        own = {id(bookkeeping)}
        i = id(mine)
        del mine
        seen = self.walk_ids(own)
        self.assertNotIn(id(bookkeeping), seen)
        self.assertNotIn(i, seen)
        self.assertIn(i, self.walk_ids())
        del bookkeeping[:]

    def test_only_reports_untracked_objects_of_the_given_types(self):
        hw = self.agent.heapwalk
        target = ('heapwalk-only', 10 ** 30 + 11)
        other = {'k': 'heapwalk-not-followed-%d' % id(self)}
        holder = [target, other]
        gc.collect()
        seen = self.walk_ids(only={tuple})
        self.assertEqual(seen.get(id(target)), [hw.REACHED])
        if gc.is_tracked(other):
            # 3.14 tracks every dict: it is listed like every tracked object, whatever `only` says.
            self.assertEqual(seen.get(id(other)), [hw.LISTED])
        else:
            self.assertNotIn(id(other), seen)
            self.assertNotIn(id(other['k']), seen)
        del holder

    def test_sizer_survives_a_failing_sizeof_and_runs_no_python_sizeof(self):
        sizer = self.agent.heapwalk.Sizer()
        bad, py = RaisingSizeof(), PythonSizeof()
        with self.assertRaises(TypeError):
            sys.getsizeof(bad)
        self.assertEqual(sizer(bad), 0)
        self.assertEqual(sizer(py), 0)
        self.assertEqual(sizer('abc'), sys.getsizeof('abc'))
        self.assertEqual(sizer.sizes(['abc', bad, py, 7]), [sys.getsizeof('abc'), 0, 0, sys.getsizeof(7)])
        self.assertEqual(PythonSizeof.calls, 0)

    def test_mark_and_diff_survive_a_failing_sizeof(self):
        keep = [RaisingSizeof() for _ in range(3)]
        job = self.result('markStart')['job']
        while not self.result('jobStep', {'job': job, 'budgetMs': 5000})['done']:
            pass
        keep.append(RaisingSizeof())
        job = self.result('partitionStart', {'by': 'type', 'sinceMark': True, 'limit': 0, 'samples': 0})['job']
        while True:
            step = self.result('jobStep', {'job': job, 'budgetMs': 5000})
            if step['done']:
                break
        rows = {r['label']: r for r in step['result']['rows']}
        row = rows[RaisingSizeof.__module__ + '.RaisingSizeof']
        self.assertEqual((row['count'], row['size'], row['countDelta']), (4, 0, 1))
        del keep
