// The scrapy-telnet adapter's pure parts: what it types into the console, how it reads a crawl
// log, where an attach goes and which password it uses. The adapter against a real crawl is in
// test/integration/telnetDap.test.ts; the lines typed here also run through a real Python below.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AttachError, parseHostPort, PasswordStore, resolveTarget } from '../../extension/runtimes/scrapy/adapter/attachTarget';
import { completionPrefix, completionsLine, consoleLine, CRAWL_INFO_LINE, formatUptime, parseJsonReply } from '../../extension/runtimes/scrapy/adapter/consoleCode';
import { parseCrawlLog } from '../../extension/runtimes/scrapy/adapter/crawlLog';
import { english } from '../../extension/runtimes/scrapy/adapter/localize';
import { lineProblem } from '../../extension/runtimes/scrapy/telnet/telnetClient';

const PYTHON = process.env.LIVEREF_PYTHON || '/usr/bin/python3';

/** Runs console lines the way the manhole does (code.InteractiveInterpreter, one namespace). */
function runConsole(lines: string[], namespace = '{}'): string {
  const script = `import code, sys, json\nns = ${namespace}\ni = code.InteractiveInterpreter(ns)\nfor line in json.loads(sys.stdin.read()):\n    i.runsource(line, '<console>', 'single')\n`;
  return execFileSync(PYTHON, ['-c', script], { input: JSON.stringify(lines), encoding: 'utf8' });
}

describe('scrapy-telnet console lines', () => {
  it('types a printable one-liner as is', () => {
    assert.equal(consoleLine('prefs()'), 'prefs()');
    assert.equal(consoleLine('for x in y: f(x)  \n'), 'for x in y: f(x)');
  });

  it('wraps multi-line and non-ASCII code into one printable line that prints like the REPL', () => {
    const code = "s = 0\nfor i in range(4):\n    s += i\nprint('sum', s)\ns * 7\n'caf\u00e9'";
    const line = consoleLine(code);
    assert.equal(line.includes('\n'), false);
    assert.equal(lineProblem(line), undefined);
    assert.equal(runConsole([line, 's']), "sum 6\n42\n'caf\u00e9'\n6\n");
  });

  it('reads crawl info and completions through print, never touching `_`', () => {
    const ns = "{'crawler': type('C', (), {'spider': type('S', (), {'name': 'leaky'})(), 'stats': type('St', (), {'get_value': lambda self, k: __import__('datetime').datetime.utcnow() - __import__('datetime').timedelta(seconds=75)})()})(), 'prefs': print}";
    const out = runConsole(['_ = 5', CRAWL_INFO_LINE, completionsLine('pre'), completionsLine('crawler.spi'), '_'], ns);
    const info = parseJsonReply<{ spider: string; uptimeS: number; pid: number }>(out)!;
    assert.equal(info.spider, 'leaky');
    assert.ok(info.uptimeS >= 75 && info.uptimeS < 80, String(info.uptimeS));
    const lines = out.trim().split('\n');
    assert.deepEqual(parseJsonReply<string[]>(lines[1]), ['prefs(']);
    assert.deepEqual(parseJsonReply<string[]>(lines[2]), ['crawler.spider']);
    assert.equal(lines[3], '5');
    assert.equal(parseJsonReply<{ spider: null }>(runConsole([CRAWL_INFO_LINE]))!.spider, null, 'no crawler: no spider, no error');
  });

  it('finds the dotted name being completed', () => {
    assert.equal(completionPrefix('x = crawler.sta', 15), 'crawler.sta');
    assert.equal(completionPrefix('prefs(', 6), '');
    assert.equal(completionPrefix('len(engine.', 11), 'engine.');
  });

  it('formats uptimes', () => {
    assert.deepEqual([9, 252, 11100].map(formatUptime), ['9s', '4m 12s', '3h 05m']);
  });
});

describe('scrapy-telnet attach targets', () => {
  const LOG = [
    '2026-11-29 21:00:00 [scrapy.extensions.telnet] INFO: Telnet Password: 1111111111111111',
    '2026-11-29 21:00:01 [scrapy.extensions.telnet] INFO: Telnet console listening on 127.0.0.1:6023',
    '2026-11-29 22:00:00 [scrapy.extensions.telnet] INFO: Telnet Password: 2222222222222222',
    '2026-11-29 22:00:01 [scrapy.extensions.telnet] INFO: Telnet console listening on 127.0.0.1:6024',
  ].join('\n');

  it('reads the latest run from an appended crawl log', () => {
    assert.deepEqual(parseCrawlLog(LOG), { password: '2222222222222222', host: '127.0.0.1', port: 6024 });
    assert.deepEqual(parseCrawlLog(LOG.split('\n').slice(0, 3).join('\n')), { password: '2222222222222222', host: undefined, port: undefined }, 'not listening yet');
    assert.deepEqual(parseCrawlLog('Telnet console listening on 0.0.0.0:6030'), { password: undefined, host: '0.0.0.0', port: 6030 });
  });

  it('parses typed addresses', () => {
    assert.deepEqual(parseHostPort('10.0.0.5:6023'), { host: '10.0.0.5', port: 6023 });
    assert.deepEqual(parseHostPort(':6030'), { host: '127.0.0.1', port: 6030 });
    assert.deepEqual(parseHostPort('[::1]:6023'), { host: '::1', port: 6023 });
    assert.equal(parseHostPort('localhost'), undefined);
    assert.equal(parseHostPort('h:70000'), undefined);
  });

  it('resolves passwords from logFile, passwordEnv or the store, with messages that say what to do', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'liveref-unit-'));
    const file = path.join(dir, 'crawl.log');
    fs.writeFileSync(file, LOG);
    const store: PasswordStore = { get: async () => 'x', accepted: async () => undefined, rejected: async () => undefined };
    try {
      const fromLog = await resolveTarget({ logFile: file }, {}, undefined, english);
      assert.deepEqual(fromLog, { host: '127.0.0.1', port: 6024, source: { kind: 'fixed', password: '2222222222222222', from: file } });
      const fromEnv = await resolveTarget({ port: 6030, passwordEnv: 'PW' }, { PW: 'secret' }, store, english);
      assert.deepEqual(fromEnv, { host: '127.0.0.1', port: 6030, source: { kind: 'fixed', password: 'secret', from: '$PW' } });
      assert.equal((await resolveTarget({}, {}, store, english)).source.kind, 'store');
      await assert.rejects(resolveTarget({ passwordEnv: 'PW' }, {}, store, english), (e: Error) => e instanceof AttachError && /names PW, which is not set/.test(e.message));
      await assert.rejects(resolveTarget({}, {}, undefined, english), /No password: give "passwordEnv"/);
      await assert.rejects(resolveTarget({ logFile: path.join(dir, 'missing.log') }, {}, store, english), /Cannot read the crawl log .*missing\.log: ENOENT/);
      await assert.rejects(resolveTarget({ port: 0.5 as number }, {}, store, english), /"port" must be a TCP port number/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('formats messages in English outside VS Code', () => {
    assert.equal(english.t('{0} at {1}, {0}', 'a', 2), 'a at 2, a');
    assert.equal(english.t('keeps {3}', 'x'), 'keeps {3}');
  });
});
