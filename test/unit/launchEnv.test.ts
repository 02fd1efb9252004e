// The launch environment that installs the creation-site hook must keep the program's own
// PYTHONPATH (from the launch configuration, else the inherited one) intact and in order.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { creationSitesEnv, creationSitesHookDir, parseClassList } from '../../extension/runtimes/python/launchEnv';

const AGENT = path.resolve('/opt/ext/agent');
const HOOK = creationSitesHookDir(AGENT);
const join = (...parts: string[]) => parts.join(path.delimiter);

describe('creationSitesEnv', () => {
  it('puts agent/launch first and nothing else when there is no PYTHONPATH', () => {
    assert.equal(HOOK, path.join(AGENT, 'launch'));
    assert.deepEqual(creationSitesEnv(AGENT, {}, {}), { PYTHONPATH: HOOK });
  });

  it('keeps the launch configuration\'s PYTHONPATH after it, in order, over the inherited one', () => {
    const env = creationSitesEnv(AGENT, { PYTHONPATH: join('/src/a', '/src/b') }, { PYTHONPATH: '/inherited' });
    assert.equal(env.PYTHONPATH, join(HOOK, '/src/a', '/src/b'));
  });

  it('keeps the inherited PYTHONPATH when the launch configuration has none', () => {
    assert.equal(creationSitesEnv(AGENT, { OTHER: 'x' }, { PYTHONPATH: join('/inherited', '/more') }).PYTHONPATH, join(HOOK, '/inherited', '/more'));
  });

  it('does not add the hook twice when resolved again, and passes the depth', () => {
    const once = creationSitesEnv(AGENT, { PYTHONPATH: '/src/a' }, {}, 12);
    const twice = creationSitesEnv(AGENT, once, {}, 12);
    assert.deepEqual(twice, { PYTHONPATH: join(HOOK, '/src/a'), LIVEREF_SITES_DEPTH: '12' });
  });

  it('passes the classes to track as LIVEREF_TRACK, trimmed and without repeats, and nothing when there are none', () => {
    assert.deepEqual(creationSitesEnv(AGENT, {}, {}, undefined, [' Session', 'shop.models.Order ', 'Session', '']), { PYTHONPATH: HOOK, LIVEREF_TRACK: 'Session,shop.models.Order' });
    assert.deepEqual(creationSitesEnv(AGENT, {}, {}, undefined, []), { PYTHONPATH: HOOK });
    assert.deepEqual(parseClassList('A, b.c.D,,A'), ['A', 'b.c.D']);
  });
});
