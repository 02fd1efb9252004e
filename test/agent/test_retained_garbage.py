"""Retained size with uncollected garbage cycles referring into the set: a referrer that is
itself unreachable garbage keeps nothing alive. Truth: the value after gc.collect(), when the
garbage is gone, and what really dies when the holder is cut."""
import gc
import weakref

try:
    from .base import AgentTest
except ImportError:
    from base import AgentTest


class Item(object):
    def __init__(self, i):
        self.payload = {'i': i, 'text': 'item %d' % i, 'data': [i] * 10}


class Junk(object):
    """One half of a garbage cycle: a <-> b, and a refers to an Item."""

    def __init__(self, item=None):
        self.item = item
        self.other = None


def garbage_cycle(item):
    a, b = Junk(item), Junk()
    a.other, b.other = b, a


N = 1000


class RetainedGarbageTest(AgentTest):
    def retained(self, handle):
        job = self.result('retainedStart', {'handle': handle, 'largest': 0})['job']
        while True:
            step = self.result('jobStep', {'job': job, 'budgetMs': 200})
            if step['done']:
                return step['result']

    def test_garbage_cycles_referring_into_the_set(self):
        gc.collect()
        gc.disable()
        try:
            holder = [Item(i) for i in range(N)]
            for item in holder:
                garbage_cycle(item)
            item = None
            handle = self.agent.handles.register(holder)
            before = self.retained(handle)
            self.assertGreaterEqual(len(gc.get_referrers(holder[0])), 2, 'the garbage is still there')
            gc.collect()
            after = self.retained(handle)
        finally:
            gc.enable()
        # The garbage is no part of what releasing the list frees: the collector frees it anyway.
        self.assertEqual([r for r in before['byType'] if r['label'].endswith('.Junk')], [])
        # Releasing the list frees the Items and their payloads: 1 + N * (Item, dict, str, list).
        self.assertGreaterEqual(after['count'], 1 + 4 * N)
        self.assertLessEqual(abs(before['count'] - after['count']), 0.02 * after['count'], (before, after))
        self.assertLessEqual(abs(before['size'] - after['size']), 0.02 * after['size'], (before, after))
        # Ground truth after the collection: cut the list and count the Items that die.
        refs = [weakref.ref(o) for o in holder]
        self.result('releaseAll')
        del holder[:]
        self.assertEqual(sum(1 for r in refs if r() is None), N)
