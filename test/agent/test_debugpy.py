"""The reply path against the real debugpy of this machine: a program runs under
`python3 -m debugpy --listen`, a minimal DAP client installs the agent and calls it with a
frameless evaluate while the program runs. On debugpy < 1.8.21 the reply must arrive as a
`liveReferences.reply` event and nothing may reach the program's stdout."""
import base64
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import unittest

try:
    from . import loader
except ImportError:
    import loader

try:
    import debugpy
except ImportError:  # pragma: no cover
    debugpy = None

PROGRAM = r'''
import sys, time
from scrapy.http import Request
reqs = [Request('http://dap.example/%d' % i) for i in range(42)]
sys.stdout.write('PROGRAM-START\n'); sys.stdout.flush()
deadline = time.time() + 60
while time.time() < deadline:
    time.sleep(0.05)
'''


class Dap(object):
    def __init__(self, port):
        self.sock = socket.create_connection(('127.0.0.1', port), timeout=5)
        self.buf = b''
        self.seq = 0
        self.messages = []

    def send(self, command, arguments=None):
        self.seq += 1
        body = json.dumps({'seq': self.seq, 'type': 'request', 'command': command, 'arguments': arguments or {}}).encode()
        self.sock.sendall(b'Content-Length: %d\r\n\r\n' % len(body) + body)
        return self.seq

    def _read(self):
        while b'\r\n\r\n' not in self.buf:
            self.buf += self.sock.recv(65536)
        head, rest = self.buf.split(b'\r\n\r\n', 1)
        length = int([l for l in head.split(b'\r\n') if l.lower().startswith(b'content-length')][0].split(b':')[1])
        while len(rest) < length:
            rest += self.sock.recv(65536)
        self.buf = rest[length:]
        return json.loads(rest[:length])

    def wait(self, pred, timeout=20):
        end = time.time() + timeout
        for m in self.messages:
            if pred(m):
                self.messages.remove(m)
                return m
        while time.time() < end:
            m = self._read()
            if pred(m):
                return m
            self.messages.append(m)
        raise AssertionError('no matching DAP message')

    def request(self, command, arguments=None):
        seq = self.send(command, arguments)
        return self.wait(lambda m: m.get('type') == 'response' and m.get('request_seq') == seq)


def free_port():
    s = socket.socket()
    s.bind(('127.0.0.1', 0))
    port = s.getsockname()[1]
    s.close()
    return port


@unittest.skipIf(debugpy is None, 'debugpy is not installed')
class DebugpyTest(unittest.TestCase):
    def test_event_reply_under_real_debugpy(self):
        port = free_port()
        tmp = tempfile.mkdtemp(prefix='liveref-dap-')
        prog = os.path.join(tmp, 'program.py')
        with open(prog, 'w') as f:
            f.write(PROGRAM)
        # A file, not a pipe: the debugpy adapter process inherits the descriptors.
        out_path = prog + '.out'
        out_file = open(out_path, 'wb')
        proc = subprocess.Popen([sys.executable, '-Xfrozen_modules=off', '-m', 'debugpy', '--listen', '127.0.0.1:%d' % port,
                                 '--wait-for-client', prog], stdout=out_file, stderr=subprocess.DEVNULL)
        dap = None
        try:
            for _ in range(100):
                try:
                    dap = Dap(port)
                    break
                except OSError:
                    time.sleep(0.1)
            self.assertIsNotNone(dap)
            dap.request('initialize', {'adapterID': 'debugpy', 'clientID': 'agent-test', 'linesStartAt1': True})
            dap.send('attach', {'justMyCode': False})
            dap.wait(lambda m: m.get('event') == 'initialized')
            dap.request('configurationDone')
            self.assertTrue(wait_for(lambda: read(out_path) == b'PROGRAM-START\n'), read(out_path))
            agent_dir = os.path.dirname(os.path.abspath(loader.__file__))
            install = "import sys\nsys.path.insert(0, %r)\nimport loader\nloader.install()\n" % agent_dir
            reply = dap.request('evaluate', {'expression': install, 'context': 'repl'})
            self.assertTrue(reply['success'], reply)
            version, key, _files = loader.read_bundle()
            expr = "__import__('sys').modules[%r].call(77, 'liveRefs', %r, 'event')" % (key, loader.params_b64({}))
            t0 = time.time()
            reply = dap.request('evaluate', {'expression': expr, 'context': 'repl'})
            self.assertTrue(reply['success'], reply)
            if loader_version(debugpy.__version__) >= (1, 8, 21):
                payload = reply['body']['result']
            else:
                event = dap.wait(lambda m: m.get('event') == 'liveReferences.reply')
                self.assertEqual(event['body']['id'], 77)
                payload = event['body']['payload']
            elapsed = time.time() - t0
            start = payload.index('LRB64<')
            result = json.loads(base64.b64decode(payload[start + 6:payload.index('>LRB64')]))
            self.assertTrue(result['ok'], result)
            rows = {r['className']: r['count'] for r in result['result']['rows']}
            self.assertEqual(rows.get('Request'), 42)
            self.assertLess(elapsed, 5)
            # Nothing but the program's own line reached its stdout.
            time.sleep(0.3)
            self.assertEqual(read(out_path), b'PROGRAM-START\n')
            dap.request('disconnect', {'terminateDebuggee': True})
        finally:
            if dap is not None:
                try:  # also ends the adapter process when the test failed half way
                    dap.send('disconnect', {'terminateDebuggee': True})
                    time.sleep(0.2)
                except OSError:
                    pass
                dap.sock.close()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            out_file.close()
            out = read(out_path)
            os.unlink(prog)
            os.unlink(out_path)
            os.rmdir(tmp)
        self.assertEqual(out, b'PROGRAM-START\n', 'the agent wrote to the program stdout: %r' % out[:300])


def read(path):
    with open(path, 'rb') as f:
        return f.read()


def wait_for(pred, timeout=20):
    end = time.time() + timeout
    while time.time() < end:
        if pred():
            return True
        time.sleep(0.05)
    return False


def loader_version(text):
    parts = []
    for piece in text.split('.')[:3]:
        digits = ''.join(c for c in piece if c.isdigit()) if piece[:1].isdigit() else ''
        parts.append(int(digits.split('+')[0] or 0) if digits else 0)
    return tuple(parts + [0] * (3 - len(parts)))
