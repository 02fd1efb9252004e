"""The agent's worker thread ends when idle with nothing to look after; releaseAll drops every
handle, cursor and job and stops it. (The disconnect hook is tested against a real debugpy in
test/integration/leftovers.test.ts.)"""
import gc
import time
import weakref

try:
    from .base import AgentTest
except ImportError:
    from base import AgentTest


class PyRepr(object):
    """A Python-level __repr__ runs on the sandbox worker."""

    def __repr__(self):
        return 'PyRepr()'


class Box(object):
    pass


class LifecycleTest(AgentTest):
    def worker_alive(self):
        worker = self.agent.sandbox._state['worker']
        return worker is not None and worker.thread.is_alive()

    def test_idle_worker_ends_and_comes_back(self):
        sandbox = self.agent.sandbox
        tick, sandbox.IDLE_TICK = sandbox.IDLE_TICK, 0.05
        try:
            self.assertEqual(sandbox.run(repr, PyRepr()), 'PyRepr()')
            thread = sandbox._state['worker'].thread
            thread.join(2)
            self.assertFalse(thread.is_alive(), 'the idle worker kept running')
            self.assertEqual(sandbox.run(repr, PyRepr()), 'PyRepr()')
        finally:
            sandbox.IDLE_TICK = tick

    def test_worker_stays_while_a_job_waits_for_expiry(self):
        sandbox = self.agent.sandbox
        tick, sandbox.IDLE_TICK = sandbox.IDLE_TICK, 0.05
        try:
            self.result('partitionStart', {'by': 'type', 'limit': 5})
            time.sleep(0.3)
            self.assertTrue(self.worker_alive(), 'nobody would expire the abandoned job')
        finally:
            sandbox.IDLE_TICK = tick

    def test_release_all_lets_the_program_objects_go(self):
        boxes = [Box() for _ in range(5)]
        for box in boxes:
            box.meta = {'box': box}
        probes = [weakref.ref(b) for b in boxes]
        holder = {'boxes': boxes}
        handle = self.agent.handles.register(holder)
        inspected = self.result('inspect', {'handle': handle, 'offset': 0, 'limit': 10})
        self.assertTrue(inspected['children'])
        self.result('partitionStart', {'by': 'type', 'limit': 5})
        self.assertGreater(self.result('releaseAll')['released'], 0)
        self.assertFalse(self.worker_alive())
        self.assertEqual(self.agent.handles.counts(), {'weak': 0, 'strong': 0})
        self.assertEqual(len(self.agent.jobs._jobs), 0)
        del boxes, holder, box, inspected
        gc.collect()
        self.assertEqual([p for p in probes if p() is not None], [])
