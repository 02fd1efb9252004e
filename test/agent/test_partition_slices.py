"""A by-type partition walks the referents of one huge container in slices, yielding between
them: over Scrapy's telnet console the agent runs on the crawl's reactor thread, so one step
must not walk a million objects at once (1.5 s measured before slicing)."""
import sys

try:
    from .base import AgentTest
except ImportError:
    from base import AgentTest


class PartitionSliceTest(AgentTest):
    def test_one_huge_list_is_walked_in_slices_and_counted_once(self):
        partition = sys.modules[self.agent.__name__ + '.partition']
        n = 3 * self.agent.heapwalk.CHUNK + 7
        before = self._dicts(partition)
        ballast = [{'slice': i} for i in range(n)]  # untracked dicts: only reachable via the list
        gen = partition.by_type(limit=500, samples=0)
        yields = 0
        try:
            while True:
                next(gen)
                yields += 1
        except StopIteration as stop:
            result = stop.value
        dicts = next(r['count'] for r in result['rows'] if r['label'] == 'dict')
        self.assertGreaterEqual(dicts - before, n - 100)   # the ballast, counted once each
        self.assertLessEqual(dicts - before, n + 2000)     # (other dicts come and go meanwhile)
        # One yield per slice of the list's referents at least, beyond the per-chunk yields.
        plain = partition.by_type(limit=500, samples=0)
        del ballast
        plain_yields = sum(1 for _ in iter(lambda: next(plain, None), None))
        self.assertGreaterEqual(yields - plain_yields, 3)

    @staticmethod
    def _dicts(partition):
        gen = partition.by_type(limit=500, samples=0)
        try:
            while True:
                next(gen)
        except StopIteration as stop:
            return next(r['count'] for r in stop.value['rows'] if r['label'] == 'dict')
