// DeferredEvaluator: a session's engine exists before the scrapy-telnet adapter has logged in.
// The target here is a plain object (the real TelnetEvaluator is covered by the telnet suites).
import * as assert from 'node:assert/strict';
import { DeferredEvaluator } from '../../extension/runtimes/scrapy/deferredEvaluator';
import type { Evaluator } from '../../extension/runtimes/python/evaluator';
import { rejects } from '../shared/expectations';
import { sleep, waitFor } from '../shared/waitFor';

function target(log: string[]): Evaluator {
  return {
    description: 'target',
    evaluate: async (build) => { log.push(build('return')); return 'reply'; },
    execute: async (code) => { log.push(code); },
    dispose: () => { log.push('disposed'); },
  };
}

describe('DeferredEvaluator', () => {
  it('holds calls until the evaluator exists, then passes them through', async () => {
    const log: string[] = [];
    let resolve!: (e: Evaluator) => void;
    const deferred = new DeferredEvaluator(new Promise<Evaluator>((r) => { resolve = r; }), 'later', 150);
    assert.equal(deferred.jobStepBudgetMs, 150);
    const call = deferred.evaluate(() => 'x', 1);
    // Nothing may reach a target that does not exist yet: a moment in which nothing happens.
    await sleep(20);
    assert.deepEqual(log, []);
    resolve(target(log));
    assert.equal(await call, 'reply');
    await deferred.execute('y');
    assert.deepEqual(log, ['x', 'y']);
  });

  it('tells the engine whether calls share the program\'s loop (remote control sets it)', () => {
    assert.equal(new DeferredEvaluator(new Promise<Evaluator>(() => undefined), 'remote', 30, 10, true).shortCalls, true);
    assert.equal(new DeferredEvaluator(new Promise<Evaluator>(() => undefined), 'telnet', 150, 10).shortCalls, undefined);
  });

  it('fails with the attach error when the login fails, and with the session end once closed', async () => {
    const failed = new DeferredEvaluator(Promise.reject(new Error('Authentication failed')), 'never');
    await assert.rejects(failed.evaluate(() => 'x', 1), /Authentication failed/);
    const log: string[] = [];
    const closed = new DeferredEvaluator(Promise.resolve(target(log)), 'ended');
    closed.close('The debug session ended.');
    await rejects(closed.evaluate(() => 'x', 1), 'disconnected', /^The debug session ended\.$/);
    await waitFor('the target to be disposed', () => log.length > 0, 2000, 5);
    assert.deepEqual(log, ['disposed']);
  });

  it('gives up waiting after waitMs', async () => {
    const stuck = new DeferredEvaluator(new Promise<Evaluator>(() => undefined), 'stuck', undefined, 30);
    await rejects(stuck.evaluate(() => 'x', 1), 'connect', /stuck: not connected after 30 ms/);
  });
});
