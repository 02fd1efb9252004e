// "Why is this alive?" names the holder on Node (issue 19, item 8): the chain of a real
// `node --inspect` program ends in a module variable, an ES module export or a class's static
// property, and the result points at the line that declares it; containers on the chain are
// short labels (`store (Map(300))`), not their contents.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { connectCdp, CdpConnection } from '../../extension/runtimes/node/cdp/cdpConnection';
import { NodeEngine } from '../../extension/runtimes/node/nodeEngine';
import type { WhyResult } from '../../extension/core/types';
import { fixturesDir } from '../fixtures/fixtureSite';
import { NodeProgram, startNodeProgram } from '../fixtures/nodeProgram';
import { liveref } from './liverefCli';

const HOLDER_CJS = path.join(fixturesDir(), 'node-holder', 'holder.js');
const HOLDER_ESM = path.join(fixturesDir(), 'node-holder', 'holder.mjs');

/** 1-based line of the fixture's `// HOLDER: name` comment. */
function holderLine(script: string, name: string): number {
  const index = fs.readFileSync(script, 'utf8').split('\n').findIndex((l) => l.endsWith(`// HOLDER: ${name}`));
  assert.ok(index >= 0, `no HOLDER: ${name} in ${script}`);
  return index + 1;
}

const chain = (why: WhyResult) => JSON.stringify(why.hops.map((h) => [h.via, h.referrer.typeName, h.label]));

function describeProgram(title: string, script: string, classes: string[], body: (ctx: { engine: () => NodeEngine; program: () => NodeProgram; whyOf: (cls: string) => Promise<WhyResult> }) => void) {
  describe(title, function () {
    this.timeout(60_000);
    let program: NodeProgram;
    let cdp: CdpConnection;
    let engine: NodeEngine;

    before(async () => {
      program = await startNodeProgram(script);
      await program.waitFor(/holder ready/);
      cdp = await connectCdp({ kind: 'inspect', host: '127.0.0.1', port: program.port });
      engine = new NodeEngine(cdp, { trackedClasses: () => classes, discoverTop: 0, log: () => undefined });
    });

    after(async () => {
      engine?.dispose();
      await cdp?.close();
      await program?.stop();
    });

    const whyOf = async (cls: string) => {
      await engine.liveRefs([]);
      const oldest = await engine.oldest(cls);
      assert.ok(oldest?.handle, `no ${cls} to ask about`);
      return engine.why(oldest.handle);
    };
    body({ engine: () => engine, program: () => program, whyOf });
  });
}

describeProgram('Node why: the holder in a CommonJS module', HOLDER_CJS, ['Product', 'Visit', 'Promo', 'Basket'], ({ whyOf, program }) => {
  it('a Map in a module variable: holder `store`, on its `const store` line', async () => {
    const why = await whyOf('Product');
    assert.deepEqual([why.holder?.path, why.holder?.line, why.holder?.name], [HOLDER_CJS, holderLine(HOLDER_CJS, 'store'), 'store'], chain(why));
  });

  it('an Array in a module variable: holder `seen`', async () => {
    const why = await whyOf('Visit');
    assert.deepEqual([why.holder?.path, why.holder?.line, why.holder?.name], [HOLDER_CJS, holderLine(HOLDER_CJS, 'seen'), 'seen'], chain(why));
  });

  it('a class\'s static property: holder `Catalog.featured`, on its `static featured` line', async () => {
    const why = await whyOf('Promo');
    assert.deepEqual([why.holder?.path, why.holder?.line, why.holder?.name], [HOLDER_CJS, holderLine(HOLDER_CJS, 'Catalog.featured'), 'Catalog.featured'], chain(why));
  });

  it('labels the containers by size and name, not by their contents', async () => {
    const products = await whyOf('Product');
    // The Map's hash table is V8's: the first hop is the Map itself, holding the Product as a value.
    assert.deepEqual([products.hops[0].via, products.hops[0].label], ['values', 'store (Map(300))'], chain(products));
    assert.ok(products.hops.some((h) => h.label === 'module holder.js'), chain(products));
    const visits = await whyOf('Visit');
    assert.equal(visits.hops[0].label, 'seen (Array(100))', chain(visits));
    const promos = await whyOf('Promo');
    assert.equal(promos.hops[0].label, 'featured (Array(20))', chain(promos));
    assert.equal(promos.hops[1].label, 'class Catalog', chain(promos));
    for (const why of [products, visits, promos]) {
      for (const hop of why.hops) assert.ok(!hop.label || hop.label.length < 40, `a long label: ${hop.label}`);
    }
  });

  it('names no holder when only a function\'s closure keeps the object', async () => {
    const why = await whyOf('Basket');
    assert.ok(why.hops.length > 0, 'a chain');
    assert.equal(why.holder, undefined, chain(why));
  });

  it('`liveref why` prints the holder line and the short labels', async () => {
    const result = await liveref(['why', 'Product', '--inspect', `127.0.0.1:${program().port}`, '--track', 'Product', '--discover', '0']);
    assert.equal(result.code, 0, result.stderr);
    assert.ok(result.stdout.split('\n').includes(`holder: ${HOLDER_CJS}:${holderLine(HOLDER_CJS, 'store')}  store`), result.stdout);
    assert.match(result.stdout, /^  ← values  store \(Map\(300\)\)$/m);
  });
});

describeProgram('Node why: the holder in an ES module', HOLDER_ESM, ['Product', 'Visit'], ({ whyOf }) => {
  it('an exported Map: holder `store`, on its `export const store` line', async () => {
    const why = await whyOf('Product');
    assert.deepEqual([why.holder?.path, why.holder?.line, why.holder?.name], [HOLDER_ESM, holderLine(HOLDER_ESM, 'store'), 'store'], chain(why));
    assert.ok(why.hops.some((h) => h.label === 'store (Map(300))'), chain(why));
  });

  it('a module variable that is not exported: holder `seen`', async () => {
    const why = await whyOf('Visit');
    assert.deepEqual([why.holder?.path, why.holder?.line, why.holder?.name], [HOLDER_ESM, holderLine(HOLDER_ESM, 'seen'), 'seen'], chain(why));
    assert.equal(why.hops[0].label, 'seen (Array(100))', chain(why));
  });
});
