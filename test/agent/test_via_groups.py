"""By via groups the elements of one container as one row named after its holder; ground truth:
clearing the holder really frees the row's objects."""
import gc
import weakref

try:
    from .base import AgentTest
except ImportError:
    from base import AgentTest


class Product(object):
    def __init__(self, i):
        self.i = i


class CachingPipeline(object):
    def __init__(self):
        self.seen = []


class Registry(object):
    members = set()


CACHE = {}


class ViaGroupsTest(AgentTest):
    def via(self, params):
        job = self.result('partitionStart', dict(params, by='via'))['job']
        while True:
            step = self.result('jobStep', {'job': job, 'budgetMs': 200})
            if step['done']:
                return {r['label']: r for r in step['result']['rows']}

    def label(self):
        return '%s.Product' % __name__

    def test_one_list_is_one_row_of_100(self):
        pipe = CachingPipeline()
        pipe.seen.extend(Product(i) for i in range(100))
        rows = self.via({'type': self.label(), 'samples': 3, 'limit': 1000})
        row = rows['CachingPipeline.seen[*]']
        self.assertEqual(row['count'], 100)
        self.assertEqual([s['via'] for s in row['samples']], ['[0]', '[1]', '[2]'])
        refs = [weakref.ref(p) for p in pipe.seen]
        del pipe.seen[:]
        gc.collect()
        self.assertEqual(sum(1 for r in refs if r() is None), row['count'])

    def test_dict_keys_set_members_and_unnamed_lists(self):
        CACHE.clear()
        CACHE.update((i, Product(i)) for i in range(40))
        CACHE['config'] = Product(-1)
        Registry.members.update(Product(i) for i in range(30))
        loose = [[Product(i)] for i in range(7)]
        rows = self.via({'type': self.label(), 'samples': 1, 'limit': 1000})
        self.assertEqual(rows[__name__ + '.CACHE[*]']['count'], 40)
        self.assertEqual(rows["['config']"]['count'], 1)
        self.assertEqual(rows['Registry.members<member>']['count'], 30)
        self.assertEqual(rows['list[*]']['count'], 7)
        self.assertEqual(sum(r['count'] for r in rows.values()), 40 + 1 + 30 + 7)
        CACHE.clear()
        Registry.members.clear()
        del loose

    def test_retained_of_a_grouped_row(self):
        pipe = CachingPipeline()
        pipe.seen.extend(Product(i) for i in range(50))
        job = self.result('retainedStart', {'type': self.label(), 'via': 'CachingPipeline.seen[*]'})['job']
        while True:
            step = self.result('jobStep', {'job': job, 'budgetMs': 200})
            if step['done']:
                break
        self.assertEqual(step['result']['setCount'], 50)
        del pipe
