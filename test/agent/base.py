"""Shared helpers for the agent tests."""
import gc
import unittest

try:
    from . import loader
except ImportError:  # run with -t test/agent
    import loader


class AgentTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.agent = loader.install()

    def tearDown(self):
        loader.result(self.agent, 'releaseAll')
        gc.collect()

    def call(self, method, params=None):
        return loader.call(self.agent, method, params)

    def result(self, method, params=None):
        return loader.result(self.agent, method, params)

    def obj(self, handle):
        return self.agent.handles.get(handle)
