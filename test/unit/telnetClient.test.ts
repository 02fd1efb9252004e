// The telnet layer on its own: option negotiation, IAC escaping, terminal text cleaning, and the
// session against an in-process fake of Twisted's telnet login + manhole (same bytes as measured
// against Scrapy 2.8 / Twisted 22.4: see telnetCodec.ts). The real console is covered by
// test/integration/telnetEvaluator.test.ts.
import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import { lineProblem, TelnetClient, TIDY_LINE } from '../../extension/runtimes/scrapy/telnet/telnetClient';
import {
  DEFAULT_POLICY, DO, DONT, IAC, OPT_ECHO, OPT_LINEMODE, OPT_NAWS, OPT_SGA, REFUSE_DO_POLICY, SB, SE,
  TelnetCodec, WILL, WONT,
} from '../../extension/runtimes/scrapy/telnet/telnetCodec';
import { TerminalText } from '../../extension/runtimes/scrapy/telnet/terminalText';
import { remoteErrorOf, TelnetEvaluator } from '../../extension/runtimes/scrapy/telnet/telnetEvaluator';
import { rejects } from '../shared/expectations';
import { sleep, waitFor } from '../shared/waitFor';

const NAMES: Record<number, string> = { [WILL]: 'WILL', [WONT]: 'WONT', [DO]: 'DO', [DONT]: 'DONT' };
const OPTIONS = { ECHO: OPT_ECHO, SGA: OPT_SGA, NAWS: OPT_NAWS, LINEMODE: OPT_LINEMODE, TTYPE: 24 };

function codecWithSink(policy = DEFAULT_POLICY) {
  const sent: Buffer[] = [];
  const codec = new TelnetCodec((b) => sent.push(Buffer.from(b)), policy);
  const replies = () => {
    const all = Buffer.concat(sent.splice(0));
    const out: string[] = [];
    for (let i = 0; i + 2 < all.length + 0 && all[i] === IAC; i += 3) out.push(`${NAMES[all[i + 1]]} ${all[i + 2]}`);
    return out;
  };
  return { codec, replies };
}

function negotiate(codec: TelnetCodec, command: number, option: number): Buffer {
  return codec.decode(Buffer.from([IAC, command, option]));
}

describe('TelnetCodec negotiation', () => {
  // Expected first reply to each request, from the "disabled" state. Default policy: the server
  // may enable ECHO and SGA on its side; we agree to SGA, NAWS and LINEMODE on ours.
  const firstReply: Record<string, Record<string, string | undefined>> = {
    WILL: { ECHO: 'DO', SGA: 'DO', NAWS: 'DONT', LINEMODE: 'DONT', TTYPE: 'DONT' },
    DO: { ECHO: 'WONT', SGA: 'WILL', NAWS: 'WILL', LINEMODE: 'WILL', TTYPE: 'WONT' },
    // Disabling what is already disabled is not acknowledged (RFC 1143: no loops).
    WONT: { ECHO: undefined, SGA: undefined, NAWS: undefined, LINEMODE: undefined, TTYPE: undefined },
    DONT: { ECHO: undefined, SGA: undefined, NAWS: undefined, LINEMODE: undefined, TTYPE: undefined },
  };
  const commands: Record<string, number> = { WILL, DO, WONT, DONT };

  for (const [commandName, command] of Object.entries(commands)) {
    for (const [optionName, option] of Object.entries(OPTIONS)) {
      const expected = firstReply[commandName][optionName];
      it(`${commandName} ${optionName} (disabled) → ${expected ?? 'no reply'}`, () => {
        const { codec, replies } = codecWithSink();
        const data = negotiate(codec, command, option);
        assert.equal(data.length, 0, 'negotiation bytes are not application data');
        assert.deepEqual(replies(), expected ? [`${expected} ${option}`] : []);
      });
    }
  }

  for (const [optionName, option] of Object.entries(OPTIONS)) {
    it(`WILL→DO, WONT→DONT for ${optionName} when the server may enable it`, () => {
      const { codec, replies } = codecWithSink({ remote: [option], local: [] });
      negotiate(codec, WILL, option);
      assert.deepEqual(replies(), [`DO ${option}`]);
      assert.ok(codec.remoteEnabled(option));
      negotiate(codec, WILL, option); // repeated: already enabled, no reply
      assert.deepEqual(replies(), []);
      negotiate(codec, WONT, option);
      assert.deepEqual(replies(), [`DONT ${option}`]);
      assert.ok(!codec.remoteEnabled(option));
      negotiate(codec, WILL, option); // enabled again (Twisted: WILL ECHO, WONT ECHO, WILL ECHO)
      assert.deepEqual(replies(), [`DO ${option}`]);
    });

    it(`DO→WILL, DONT→WONT for ${optionName} when we accept it, DO→WONT when we do not`, () => {
      const accept = codecWithSink({ remote: [], local: [option] });
      negotiate(accept.codec, DO, option);
      assert.deepEqual(accept.replies(), [`WILL ${option}`]);
      negotiate(accept.codec, DONT, option);
      assert.deepEqual(accept.replies(), [`WONT ${option}`]);
      assert.ok(!accept.codec.localEnabled(option));
      const refuse = codecWithSink(REFUSE_DO_POLICY);
      negotiate(refuse.codec, DO, option);
      assert.deepEqual(refuse.replies(), [`WONT ${option}`]);
    });
  }

  it('answers Twisted\'s login sequence exactly', () => {
    const { codec, replies } = codecWithSink();
    // Before "Password: ", after the password line, then the manhole bootstrap.
    codec.decode(Buffer.concat([Buffer.from([IAC, WILL, OPT_ECHO]), Buffer.from('Password: ')]));
    codec.decode(Buffer.from([IAC, WONT, OPT_ECHO]));
    const text = codec.decode(Buffer.from([IAC, DO, OPT_LINEMODE, IAC, DO, OPT_NAWS, IAC, DO, OPT_SGA, IAC, WILL, OPT_ECHO, 0x1b, 0x63, 0x3e, 0x3e, 0x3e, 0x20]));
    assert.deepEqual(replies(), [`DO ${OPT_ECHO}`, `DONT ${OPT_ECHO}`, `WILL ${OPT_LINEMODE}`, `WILL ${OPT_NAWS}`, `WILL ${OPT_SGA}`, `DO ${OPT_ECHO}`]);
    assert.equal(text.toString('latin1'), '\x1bc>>> ');
  });

  it('handles commands split across reads', () => {
    const { codec, replies } = codecWithSink();
    assert.equal(codec.decode(Buffer.from([0x61, IAC])).toString(), 'a');
    assert.equal(codec.decode(Buffer.from([WILL])).length, 0);
    assert.equal(codec.decode(Buffer.from([OPT_ECHO, 0x62])).toString(), 'b');
    assert.deepEqual(replies(), [`DO ${OPT_ECHO}`]);
  });

  it('skips subnegotiation (with IAC IAC inside) and two-byte commands', () => {
    const { codec, replies } = codecWithSink();
    const data = codec.decode(Buffer.from([0x41, IAC, SB, OPT_LINEMODE, 1, IAC, IAC, 2, IAC, SE, 0x42, IAC, 241 /* NOP */, 0x43, IAC, 249 /* GA */]));
    assert.equal(data.toString(), 'ABC');
    assert.deepEqual(codec.subnegotiations, [{ option: OPT_LINEMODE, data: [1, IAC, 2] }]);
    assert.deepEqual(replies(), []);
  });
});

describe('IAC escaping', () => {
  it('decodes IAC IAC in data as one 0xFF byte, also split across reads', () => {
    const { codec } = codecWithSink();
    assert.deepEqual([...codec.decode(Buffer.from([0x31, IAC, IAC, 0x32]))], [0x31, 0xff, 0x32]);
    assert.deepEqual([...codec.decode(Buffer.from([0x33, IAC]))], [0x33]);
    assert.deepEqual([...codec.decode(Buffer.from([IAC, 0x34]))], [0xff, 0x34]);
  });

  it('doubles 0xFF when sending and leaves other bytes alone', () => {
    assert.deepEqual([...TelnetCodec.escape(Buffer.from([1, 0xff, 2, 0xff, 0xff]))], [1, 0xff, 0xff, 2, 0xff, 0xff, 0xff, 0xff]);
    const plain = Buffer.from('prefs()\r\n');
    assert.equal(TelnetCodec.escape(plain), plain);
  });

  it('round-trips arbitrary bytes through escape + decode', () => {
    const { codec } = codecWithSink();
    const bytes = Buffer.from(Array.from({ length: 1024 }, (_, i) => (i * 37) % 256));
    assert.deepEqual(codec.decode(TelnetCodec.escape(bytes)), bytes);
  });
});

describe('TerminalText', () => {
  it('drops the manhole\'s escapes around the prompt and turns \\r\\r\\r\\n into \\n', () => {
    const t = new TerminalText();
    assert.equal(t.push('\x1bc>>> \x1b[4h'), '>>> ');
    assert.equal(t.push('prefs()\r\r\r\nLive References\r\r\r\n\r\r\r\nHtmlResponse   3   oldest: 2s ago\r\r\r\n>>> '),
      'prefs()\nLive References\n\nHtmlResponse   3   oldest: 2s ago\n>>> ');
  });

  it('strips colours, cursor moves, OSC titles, charset selection and controls', () => {
    const t = new TerminalText();
    assert.equal(t.push('\x1b[1;31mred\x1b[0m \x1b[2K\x1b[10D\x1b]0;title\x07ok\x1b]2;t\x1b\\ \x1b(Bx\x07\x08\0y\tz\x1b[?25l'), 'red ok xy\tz');
    assert.equal(t.push('a\x1bEb'), 'a\nb');
    assert.equal(t.push('\r\0'), '');
  });

  it('handles escapes and \\r runs split across chunks', () => {
    const t = new TerminalText();
    const parts = ['abc\x1b', '[', '3', '1', 'mdef\r', '\r', '\r', '\n', '>>', '> \x1b', 'c', 'x'];
    assert.equal(parts.map((p) => t.push(p)).join(''), 'abcdef\n>>> x');
  });

  it('keeps non-ASCII text and payload markers intact', () => {
    const t = new TerminalText();
    assert.equal(t.push("'café 日本 😀 LRB64<QUJD>LRB64'"), "'café 日本 😀 LRB64<QUJD>LRB64'");
  });
});

describe('lineProblem / remoteErrorOf', () => {
  it('accepts printable ASCII only', () => {
    assert.equal(lineProblem("len(x) + 'a\\n'"), undefined);
    assert.match(lineProblem('é')!, /U\+00E9 at index 0/);
    assert.match(lineProblem('a\tb')!, /U\+0009/);
    assert.match(lineProblem('a\x03')!, /U\+0003/);
  });

  it('finds the exception line of a traceback or syntax error, not ordinary output', () => {
    assert.equal(remoteErrorOf('Traceback (most recent call last):\n  File "<console>", line 1, in <module>\nZeroDivisionError: division by zero'), 'ZeroDivisionError: division by zero');
    assert.equal(remoteErrorOf('  File "<console>", line 1\n    1 +\n       ^\nSyntaxError: invalid syntax'), 'SyntaxError: invalid syntax');
    assert.equal(remoteErrorOf('Traceback (most recent call last):\n  File "x", line 2\nmodule.CustomError: boom'), 'module.CustomError: boom');
    assert.equal(remoteErrorOf(''), undefined);
    assert.equal(remoteErrorOf("'ValueError: not raised, just text'"), undefined);
    assert.equal(remoteErrorOf('ValueError: printed by the program'), undefined);
  });
});

// ---------------------------------------------------------------------------------------------
// A fake of Twisted's AuthenticatingTelnetProtocol + TelnetBootstrapProtocol + Manhole, byte for
// byte as observed: it will not check the password until the client answers WONT ECHO with DONT.

interface FakeOptions {
  password?: string;
  /** Canned console output per line (without echo/prompt); default: echo the line's repr. */
  answer?: (line: string) => { output: string; delayMs?: number } | 'close';
  /** What the fake echoes for a typed character (default: the character). */
  echo?: (ch: string) => string;
}

interface Fake {
  port: number;
  received: Buffer[];
  lines: string[];
  close(): Promise<void>;
}

function startFake(options: FakeOptions = {}): Promise<Fake> {
  const password = options.password ?? 'pw';
  const received: Buffer[] = [];
  const lines: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.setNoDelay(true);
    socket.on('close', () => sockets.delete(socket));
    let state: 'user' | 'password' | 'waitDont' | 'shell' = 'user';
    let line = '';
    let pendingIac: number[] = [];
    const write = (s: string) => { if (!socket.destroyed) socket.write(Buffer.from(s.replace(/\n/g, '\r\r\r\n'), 'utf8')); };
    const prompt = () => write('>>> ');
    const onLine = (text: string) => {
      if (state === 'user') {
        state = 'password';
        socket.write(Buffer.from([IAC, WILL, OPT_ECHO]));
        socket.write('Password: ');
      } else if (state === 'password') {
        socket.write(Buffer.from([IAC, WONT, OPT_ECHO]));
        state = 'waitDont';
        (socket as unknown as { pw: string }).pw = text;
      } else if (state === 'shell') {
        lines.push(text);
        write('\n');
        const reply = options.answer ? options.answer(text) : { output: text === '' ? '' : JSON.stringify(text) };
        if (reply === 'close') { socket.destroy(); return; }
        setTimeout(() => {
          if (reply.output) write(`${reply.output}\n`);
          prompt();
        }, reply.delayMs ?? 0).unref();
      }
    };
    socket.on('data', (chunk: Buffer) => {
      received.push(Buffer.from(chunk));
      for (const byte of chunk) {
        if (pendingIac.length || byte === IAC) {
          pendingIac.push(byte);
          if (pendingIac.length === 3) {
            const [, cmd, opt] = pendingIac;
            pendingIac = [];
            if (state === 'waitDont' && cmd === DONT && opt === OPT_ECHO) {
              const pw = (socket as unknown as { pw: string }).pw;
              if (pw !== password) {
                state = 'user';
                socket.write('\nAuthentication failed\nUsername: ');
              } else {
                state = 'shell';
                socket.write(Buffer.from([IAC, DO, OPT_LINEMODE, IAC, DO, OPT_NAWS, IAC, DO, OPT_SGA, IAC, WILL, OPT_ECHO]));
                socket.write('\x1bc>>> \x1b[4h');
              }
            }
          }
          continue;
        }
        if (byte === 0x0d || byte === 0x00) continue;
        if (byte === 0x0a) { const text = line; line = ''; onLine(text); continue; }
        line += String.fromCharCode(byte);
        if (state === 'shell') socket.write((options.echo ?? ((c: string) => c))(String.fromCharCode(byte))); // echo, one write per key
      }
    });
    socket.write('Username: ');
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({
    port: (server.address() as net.AddressInfo).port, received, lines,
    close: () => new Promise<void>((r) => { for (const s of sockets) s.destroy(); server.close(() => r()); }),
  })));
}

function sentNegotiation(received: Buffer[]): string[] {
  const all = Buffer.concat(received);
  const out: string[] = [];
  for (let i = 0; i + 2 < all.length; i++) if (all[i] === IAC && NAMES[all[i + 1]]) out.push(`${NAMES[all[i + 1]]} ${all[i + 2]}`);
  return out;
}

describe('TelnetClient against a fake manhole', function () {
  this.timeout(10_000);
  let fake: Fake;
  afterEach(async () => { await fake?.close(); });

  it('logs in, answering the negotiation the server waits for, and runs lines', async () => {
    fake = await startFake({ password: 'sekret' });
    const client = await TelnetClient.connect({ host: '127.0.0.1', port: fake.port, password: 'sekret', timeoutMs: 2000, tidy: false });
    try {
      assert.equal(await client.run('1 + 1'), '"1 + 1"');
      assert.deepEqual(sentNegotiation(fake.received), [
        `DO ${OPT_ECHO}`, `DONT ${OPT_ECHO}`, `WILL ${OPT_LINEMODE}`, `WILL ${OPT_NAWS}`, `WILL ${OPT_SGA}`, `DO ${OPT_ECHO}`]);
      assert.equal(await client.run(''), '');
      assert.deepEqual(fake.lines, ['1 + 1', '']);
    } finally {
      client.close();
    }
  });

  it('stalls at login (timeout) when WONT ECHO is not answered: why negotiation matters', async () => {
    fake = await startFake();
    // A policy that never lets the server enable ECHO answers WILL ECHO with DONT, and then has
    // nothing to say to WONT ECHO — the fake, like Twisted, then waits for ever.
    await rejects(TelnetClient.connect({ host: '127.0.0.1', port: fake.port, password: 'pw', timeoutMs: 500, policy: { remote: [], local: [] } }),
      'timeout', /did not finish the login/);
  });

  it('wrong password → auth error that does not contain the password', async () => {
    fake = await startFake({ password: 'right' });
    const error = await rejects(TelnetClient.connect({ host: '127.0.0.1', port: fake.port, password: 'wrong-PASSWORD-xyz', timeoutMs: 2000 }), 'auth', /Authentication failed/);
    assert.ok(!error.message.includes('wrong-PASSWORD-xyz'));
  });

  it('closed port → connect error', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => { const p = (s.address() as net.AddressInfo).port; s.close(() => resolve(p)); });
    });
    fake = await startFake();
    await rejects(TelnetClient.connect({ host: '127.0.0.1', port, password: 'pw' }), 'connect',
      new RegExp(`^No Scrapy telnet console on 127\\.0\\.0\\.1:${port} \\(is TELNETCONSOLE_ENABLED on and the crawl running\\?\\)$`));
  });

  it('a server that is not a telnet console → protocol error', async () => {
    fake = await startFake();
    const silent = net.createServer((s) => s.write('HTTP/1.1 400 Bad Request\r\n\r\n'));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
    try {
      await rejects(TelnetClient.connect({ host: '127.0.0.1', port: (silent.address() as net.AddressInfo).port, password: 'pw', timeoutMs: 300 }), 'protocol', /no telnet login prompt/);
    } finally {
      silent.close();
    }
  });

  it('queues concurrent calls: each gets its own answer', async () => {
    fake = await startFake({ answer: (line) => ({ output: `out:${line}`, delayMs: Number(line.split(':')[1]) % 7 }) });
    const client = await TelnetClient.connect({ host: '127.0.0.1', port: fake.port, password: 'pw' });
    try {
      const lines = Array.from({ length: 20 }, (_, i) => `n:${i}`);
      assert.deepEqual(await Promise.all(lines.map((l) => client.run(l))), lines.map((l) => `out:${l}`));
    } finally {
      client.close();
    }
  });

  it('a timed-out call keeps its place; its late output never reaches the next call', async () => {
    fake = await startFake({ answer: (line) => ({ output: `out:${line}`, delayMs: line === 'slow' ? 300 : 0 }) });
    const client = await TelnetClient.connect({ host: '127.0.0.1', port: fake.port, password: 'pw' });
    try {
      const started = Date.now();
      await rejects(client.run('slow', { timeoutMs: 50 }), 'timeout', /within 50 ms/);
      assert.ok(Date.now() - started < 250);
      assert.equal(await client.run('fast'), 'out:fast');
      const controller = new AbortController();
      const cancelled = client.run('slow', { signal: controller.signal });
      setTimeout(() => controller.abort(), 20);
      await rejects(cancelled, 'cancelled');
      assert.equal(await client.run('after'), 'out:after');
    } finally {
      client.close();
    }
  });

  it('connection closed mid-call → disconnected, then every call fails fast', async () => {
    fake = await startFake({ answer: (line) => (line === 'die' ? 'close' : { output: 'x' }) });
    const client = await TelnetClient.connect({ host: '127.0.0.1', port: fake.port, password: 'pw' });
    let closedReason = '';
    client.onClose((r) => { closedReason = r; });
    const dying = client.run('die');
    const queued = client.run('queued');
    await rejects(dying, 'disconnected', /closed the connection/);
    await rejects(queued, 'disconnected');
    await rejects(client.run('1'), 'disconnected');
    assert.match(closedReason, /closed the connection/);
  });

  it('tidies the session (history, `_`) once idle, not between queued calls, and not when told not to', async () => {
    fake = await startFake();
    const client = await TelnetClient.connect({ host: '127.0.0.1', port: fake.port, password: 'pw' });
    try {
      await client.run('a');
      await waitFor('the tidy line once idle', () => fake.lines.length >= 2, 2000, 10);
      assert.deepEqual(fake.lines, ['a', TIDY_LINE]);
      await Promise.all([client.run('b'), client.run('c'), client.run('d')]);
      await waitFor('the tidy line once idle again', () => fake.lines.length >= 6, 2000, 10);
      assert.deepEqual(fake.lines, ['a', TIDY_LINE, 'b', 'c', 'd', TIDY_LINE]);
      // Idle for five times the tidy delay: nothing may be sent.
      await sleep(100);
      assert.equal(fake.lines.length, 6, 'nothing to tidy after tidying');
    } finally {
      client.close();
    }
    const untidy = await TelnetClient.connect({ host: '127.0.0.1', port: fake.port, password: 'pw', tidy: false });
    try {
      await untidy.run('e');
      // Idle for five times the tidy delay: an untidy client sends nothing.
      await sleep(100);
      assert.deepEqual(fake.lines.slice(6), ['e']);
    } finally {
      untidy.close();
    }
  });

  it('a line echoed differently fails with protocol, and the session stays in step', async () => {
    fake = await startFake({ echo: (c) => (c === 'b' ? '' : c) });
    const client = await TelnetClient.connect({ host: '127.0.0.1', port: fake.port, password: 'pw', tidy: false });
    try {
      await rejects(client.run('abc'), 'protocol', /did not echo/);
      assert.equal(await client.run('next'), '"next"');
      assert.deepEqual(fake.lines, ['abc', 'next']);
    } finally {
      client.close();
    }
  });

  it('refuses code the manhole would silently change (non-ASCII, control characters)', async () => {
    fake = await startFake();
    const client = await TelnetClient.connect({ host: '127.0.0.1', port: fake.port, password: 'pw' });
    try {
      await rejects(client.run("'café'"), 'protocol', /printable ASCII/);
      await rejects(client.run('a\tb'), 'protocol');
      assert.deepEqual(fake.lines, []);
    } finally {
      client.close();
    }
  });

  it('decodes IAC IAC and UTF-8 split across writes in the output', async () => {
    fake = await startFake({ answer: () => ({ output: '', delayMs: 5000 }) });
    const client = await TelnetClient.connect({ host: '127.0.0.1', port: fake.port, password: 'pw' });
    // Reach into the fake: answer the next line by hand with awkward chunking.
    try {
      const result = client.run('x');
      await waitFor('the line at the fake console', () => fake.lines.length > 0, 2000, 10);
      assert.equal(fake.lines.length, 1);
      // Output "é", 0xFF (doubled on the wire, split between reads), "A", then the prompt;
      // é = C3 A9 is split between reads too. 0xFF alone is not UTF-8: it decodes as U+FFFD.
      const raw = (client as unknown as { socket: net.Socket }).socket;
      raw.emit('data', Buffer.from([0xc3]));
      raw.emit('data', Buffer.from([0xa9, IAC]));
      raw.emit('data', Buffer.from([IAC, 0x41, 0x0d, 0x0d, 0x0d, 0x0a]));
      raw.emit('data', Buffer.from('>>> '));
      assert.equal(await result, 'é\ufffdA');
    } finally {
      client.close();
    }
  });
});

describe('TelnetEvaluator (fake manhole)', function () {
  this.timeout(10_000);
  let fake: Fake;
  afterEach(async () => { await fake?.close(); });

  it('evaluate returns the repr text; execute rejects with the exception line', async () => {
    fake = await startFake({
      answer: (line) => line.startsWith('boom') ? { output: 'Traceback (most recent call last):\n  File "<console>", line 1, in <module>\nNameError: name \'boom\' is not defined' }
        : line.startsWith('ok') ? { output: '' } : { output: `'LRB64<${Buffer.from('{"ok":true}').toString('base64')}>LRB64'` },
    });
    const ev = await TelnetEvaluator.connect({ host: '127.0.0.1', port: fake.port, password: 'pw' });
    try {
      assert.match(ev.description, /^Scrapy telnet console 127\.0\.0\.1:\d+$/);
      let mode = '';
      const text = await ev.evaluate((m) => { mode = m; return 'call()'; }, 7);
      assert.equal(mode, 'return');
      assert.match(text, /^'LRB64<.*>LRB64'$/);
      await ev.execute('ok = 1');
      await rejects(ev.execute('boom'), 'remote', /^NameError: name 'boom' is not defined$/);
      await rejects(ev.execute('a\nb'), 'protocol');
    } finally {
      ev.dispose();
    }
    assert.ok(ev.closed);
    await rejects(ev.evaluate(() => '1', 1), 'disconnected', /disposed/);
  });
});
