import base64
import json
import sys
import unittest

try:
    from .base import AgentTest
    from . import loader
except ImportError:
    from base import AgentTest
    import loader


class ProtocolTest(AgentTest):
    def test_round_trip(self):
        p = self.agent.protocol
        payload = {'ok': True, 'result': {'s': 'caf\u00e9 \udc80 <b>', 'n': [1, 2.5, None]}}
        marked = p.encode(payload)
        self.assertRegex(marked, r'^LRB64<[A-Za-z0-9+/=]+>LRB64$')
        inner = base64.b64decode(marked[6:-6])
        inner.decode('ascii')
        self.assertEqual(json.loads(inner), payload)
        self.assertEqual(loader.decode('noise' + marked + 'noise'), payload)

    def test_event_mode_without_debugpy_returns_marked(self):
        self.assertNotIn('pydevd', sys.modules)
        out = self.agent.call(7, 'hello', loader.params_b64({}), 'event')
        self.assertIsInstance(out, str)
        self.assertTrue(loader.decode(out)['ok'])

    def test_event_mode_with_old_debugpy_sends_event(self):
        sent = []

        class Writer(object):
            def add_command(self, cmd):
                sent.append(cmd)

        class Debugger(object):
            writer = Writer()

        class NetCommand(object):
            def __init__(self, cmd_id, seq, text, is_json=False):
                self.text = text
                self.is_json = is_json

        fake_debugpy = type(sys)('debugpy')
        fake_debugpy.__version__ = '1.6.3+git20221103.a2a3328'
        fake_pydevd = type(sys)('pydevd')
        fake_pydevd.get_global_debugger = lambda: Debugger()
        fake_net = type(sys)('_pydevd_bundle.pydevd_net_command')
        fake_net.NetCommand = NetCommand
        saved = {k: sys.modules.get(k) for k in ('debugpy', 'pydevd', '_pydevd_bundle.pydevd_net_command')}
        sys.modules.update({'debugpy': fake_debugpy, 'pydevd': fake_pydevd, '_pydevd_bundle.pydevd_net_command': fake_net})
        try:
            out = self.agent.call(42, 'hello', loader.params_b64({}), 'event')
            self.assertIsNone(out)
            self.assertEqual(len(sent), 1)
            body = sent[0].text
            self.assertTrue(sent[0].is_json)
            self.assertEqual(body['event'], 'liveReferences.reply')
            self.assertEqual(body['body']['id'], 42)
            self.assertEqual(loader.decode(body['body']['payload'])['result']['debugpy'], fake_debugpy.__version__)
            # debugpy >= 1.8.21 returns values in the response: no event then.
            fake_debugpy.__version__ = '1.8.21'
            out = self.agent.call(43, 'hello', loader.params_b64({}), 'event')
            self.assertIsInstance(out, str)
            self.assertEqual(len(sent), 1)
        finally:
            for k, v in saved.items():
                if v is None:
                    sys.modules.pop(k, None)
                else:
                    sys.modules[k] = v

    def test_version_parsing(self):
        pv = self.agent.protocol.parse_version
        self.assertEqual(pv('1.6.3+git20221103.a2a3328'), (1, 6, 3))
        self.assertEqual(pv('1.8.21'), (1, 8, 21))
        self.assertEqual(pv('1.8'), (1, 8, 0))
        self.assertEqual(pv('garbage'), (0, 0, 0))

    def test_errors_never_escape(self):
        for method, b64 in (('nope', loader.params_b64({})), ('hello', '!!notbase64'), ('inspect', loader.params_b64({'handle': 5})),
                            ('iterAll', loader.params_b64({'className': 'Request', 'offset': 'x'}))):
            out = self.agent.call(1, method, b64, 'return')
            reply = loader.decode(out)
            self.assertFalse(reply['ok'])
            self.assertIn(reply['error']['type'], ('agent', 'gone', 'unknownClass', 'unavailable'))

    def test_prints_nothing(self):
        import io
        import contextlib
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            for m in ('hello', 'liveRefs', 'nope'):
                self.agent.call(1, m, loader.params_b64({}), 'event')
        self.assertEqual(out.getvalue() + err.getvalue(), '')

    def test_reinstall_is_idempotent(self):
        again = loader.install()
        self.assertIs(again, self.agent)
        key = self.agent.__name__
        self.assertTrue(key.startswith('_liveref_agent_'))
        self.assertIn(key + '.protocol', sys.modules)


if __name__ == '__main__':
    unittest.main()
