// The Node page hook (runtimes/node/pageHook.page.js, bundled as text): what is sent is the one
// expression, keyed by HOOK_SYMBOL, and it counts instances made through its Proxy.
import * as assert from 'node:assert/strict';
import * as vm from 'node:vm';
import { HOOK_EXPRESSION, HOOK_SOURCE, HOOK_SYMBOL, rebindCondition } from '../../extension/runtimes/node/pageHook';

interface Hook {
  track(id: string, ctor: unknown): boolean;
  want(id: string, fn: unknown): boolean;
  proxy(id: string, fn: unknown): new () => object;
  installed(id: string, value: unknown): boolean;
  counts(ids: string[]): string;
}

describe('page hook', () => {
  it('sends one expression under the key, without the file\'s comments or placeholder', () => {
    assert.match(HOOK_SOURCE, /^\(\(\) => \{\n {2}const key = Symbol\.for\("liveref\.node\.\d+"\);\n/);
    assert.ok(HOOK_SOURCE.endsWith('})()'));
    assert.ok(HOOK_SOURCE.includes(`Symbol.for(${JSON.stringify(HOOK_SYMBOL)})`));
    assert.ok(!HOOK_SOURCE.includes('HOOK_SYMBOL'));
  });

  it('installs once and counts what the rebound class creates', () => {
    const context = vm.createContext({ process });
    const hook = vm.runInContext(HOOK_SOURCE, context) as Hook;
    assert.equal(vm.runInContext(HOOK_SOURCE, context), hook);
    assert.equal(vm.runInContext(HOOK_EXPRESSION, context), hook);
    vm.runInContext('var Page = class Page {}; var pages = [];', context);
    assert.equal(hook.track('c1', vm.runInContext('Page', context)), false);
    // What the one-shot breakpoint's condition does where `Page` is bound: false, and rebound.
    assert.equal(vm.runInContext(rebindCondition('Page', 'c1'), context), false);
    vm.runInContext('for (let i = 0; i < 3; i++) pages.push(new Page());', context);
    const [count] = JSON.parse(hook.counts(['c1'])) as Array<{ count: number; installed: boolean }>;
    assert.equal(count.count, 3);
    assert.equal(count.installed, true);
  });
});
