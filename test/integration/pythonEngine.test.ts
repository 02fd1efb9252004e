// The Python engine over a real debugpy (python3 -m debugpy --listen) in a program holding real
// Scrapy objects, checked against Scrapy's own trackref functions in the same process.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PythonEngine } from '../../extension/runtimes/python/pythonEngine';
import { loadAgentBundle, findAgentDir } from '../../extension/runtimes/python/agentBundle';
import { EngineError } from '../../extension/core/liveRefsEngine';
import { TransportError } from '../../extension/core/transportError';
import { Debuggee, evalJson, startDebuggee } from './debuggee';
import { parsePrefs } from '../shared/expectations';

const REPO = path.resolve(findAgentDir(__dirname), '..');
const PROGRAM = path.join(REPO, 'test/integration/programs/scrapy_objects.py');
const TRACKREF = "__import__('scrapy.utils.trackref', fromlist=['x'])";

describe('Python engine over real debugpy (Scrapy objects)', function () {
  this.timeout(60_000);
  let debuggee: Debuggee;
  let engine: PythonEngine;

  before(async () => {
    debuggee = await startDebuggee([PROGRAM, '60', '120'], { env: { PYTHONTRACEMALLOC: '25' }, waitForLine: /READY/ });
    engine = new PythonEngine(debuggee.evaluator, loadAgentBundle());
  });
  after(async () => { await debuggee?.stop(); });

  it('reports the same classes, counts and ages as format_live_refs() in the same process', async () => {
    const ours = await engine.liveRefs([]);
    const theirs = parsePrefs(await evalJson<string>(debuggee.evaluator, `${TRACKREF}.format_live_refs()`));
    assert.ok(ours.trackref);
    assert.deepEqual(ours.rows.map((r) => r.className).sort(), [...theirs.keys()].sort());
    for (const row of ours.rows) {
      assert.equal(row.count, theirs.get(row.className)!.count, row.className);
      assert.ok(Math.abs(Math.trunc(row.oldestAgeS!) - theirs.get(row.className)!.age) <= 1, row.className);
    }
    assert.equal(ours.rows.find((r) => r.className === 'HtmlResponse')!.count, 60);
  });

  it('hides a class and its subclasses with ignore, like prefs(ignore=Spider)', async () => {
    const all = await engine.liveRefs([]);
    assert.ok(all.rows.some((r) => r.className === 'LeakySpider'));
    const ignored = await engine.liveRefs(['Spider']);
    assert.ok(!ignored.rows.some((r) => r.className === 'LeakySpider'));
    assert.ok(ignored.rows.some((r) => r.className === 'HtmlResponse'));
  });

  it('reveals the same oldest object as get_oldest()', async () => {
    const oldest = await engine.oldest('HtmlResponse');
    const expected = await evalJson<string>(debuggee.evaluator, `${TRACKREF}.get_oldest('HtmlResponse').url`);
    assert.equal(oldest?.url, expected);
    assert.equal(oldest?.url, 'http://127.0.0.1:1/product.php?pid=1');
    assert.ok(oldest?.handle);
    await engine.release([oldest!.handle!]);
  });

  it('iterates every live response exactly once across pages, with a filter', async () => {
    const urls: string[] = [];
    let cursor: string | undefined;
    for (let offset = 0; ;) {
      const page = await engine.iterAll({ className: 'HtmlResponse', cursor, offset, limit: 7 });
      urls.push(...page.items.map((i) => i.url!));
      cursor = page.cursor;
      offset += page.items.length;
      if (page.done) break;
    }
    const expected = await evalJson<string[]>(debuggee.evaluator, `[r.url for r in ${TRACKREF}.iter_all('HtmlResponse')]`);
    assert.deepEqual(urls, expected);
    assert.equal(new Set(urls).size, 60);
    const filtered = await engine.iterAll({ className: 'HtmlResponse', offset: 0, limit: 100, filter: 'PID=5' });
    assert.deepEqual(filtered.items.map((i) => i.url).sort(), ['http://127.0.0.1:1/product.php?pid=5', ...Array.from({ length: 10 }, (_, i) => `http://127.0.0.1:1/product.php?pid=5${i}`)].sort());
  });

  it('inspects attributes one level at a time', async () => {
    const oldest = await engine.oldest('Request');
    const result = await engine.inspect(oldest!.handle!, 0, 50);
    const vias = result.children.map((c) => c.via);
    assert.ok(vias.some((v) => /meta/.test(v)), vias.join(' '));
    assert.ok(result.total >= result.children.length);
  });

  it('names the meta={\'referer\': response} line as the leak site (tracemalloc on)', async () => {
    const oldest = await engine.oldest('HtmlResponse');
    const why = await engine.why(oldest!.handle!);
    const line = fs.readFileSync(PROGRAM, 'utf8').split('\n').findIndex((l) => l.includes("meta={'referer': response}")) + 1;
    assert.ok(why.tracemalloc);
    assert.ok(why.hops.some((h) => h.via === "['referer']"), JSON.stringify(why.hops.map((h) => h.via)));
    assert.equal(path.basename(why.leakSite!.path), 'scrapy_objects.py');
    assert.equal(why.leakSite!.line, line);
  });

  it('gives a clear error for a class with no live objects and for a released handle', async () => {
    await assert.rejects(engine.oldest('NoSuchClass'), (e: EngineError) => e.code === 'unknownClass');
    const oldest = await engine.oldest('Request');
    await engine.release([oldest!.handle!]);
    await assert.rejects(engine.inspect(oldest!.handle!, 0, 10), (e: EngineError) => e.code === 'gone');
  });

  it('never writes into the program\'s output', async () => {
    await engine.liveRefs([]);
    assert.doesNotMatch(debuggee.stdout(), /LRB64|None\n|Traceback/);
  });

  it('fails with a clear error, without hanging, when the program dies mid-call', async () => {
    const call = engine.partition({ by: 'type' });
    setTimeout(() => { try { process.kill(-debuggee.process.pid!, 'SIGKILL'); } catch { /* gone */ } }, 50);
    const started = Date.now();
    await assert.rejects(call, (e: Error) => e instanceof TransportError && (e.code === 'disconnected' || e.code === 'remote'));
    assert.ok(Date.now() - started < 10_000);
  });
});
