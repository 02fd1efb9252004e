// PythonEngine sends the agent's `shortCalls` flag with every call when its evaluator says calls
// share the program's loop (Scrapy's remote control), and never otherwise. The evaluator here is a
// recording stand-in that answers like the agent; the agent's side is test/agent/test_short_calls.py.
import * as assert from 'node:assert/strict';
import type { CallBuilder, Evaluator } from '../../extension/runtimes/python/evaluator';
import { PythonEngine } from '../../extension/runtimes/python/pythonEngine';
import { findAgentDir, loadAgentBundle } from '../../extension/runtimes/python/agentBundle';

const REPLY = `LRB64<${Buffer.from(JSON.stringify({ ok: true, result: { trackref: true, rows: [] } })).toString('base64')}>LRB64`;

function recorder(shortCalls: boolean | undefined, sent: Array<Record<string, unknown>>): Evaluator {
  return {
    description: 'recorder',
    shortCalls,
    evaluate: async (build: CallBuilder) => {
      const b64 = /'([A-Za-z0-9+/=]*)', "return"\)$/.exec(build('return'))?.[1] ?? '';
      sent.push(JSON.parse(Buffer.from(b64, 'base64').toString('utf8')) as Record<string, unknown>);
      return REPLY;
    },
    execute: async () => undefined,
    dispose: () => undefined,
  };
}

describe('shortCalls parameter', () => {
  const bundle = loadAgentBundle(findAgentDir(__dirname));

  it('is sent with every call (install configure included) when the evaluator asks for it', async () => {
    const sent: Array<Record<string, unknown>> = [];
    await new PythonEngine(recorder(true, sent), bundle).liveRefs(['x']);
    assert.equal(sent.length, 2);
    for (const params of sent) assert.equal(params.shortCalls, true);
    assert.deepEqual(sent[1].ignore, ['x']);
  });

  it('is never sent otherwise (debugpy, telnet)', async () => {
    const sent: Array<Record<string, unknown>> = [];
    await new PythonEngine(recorder(undefined, sent), bundle).liveRefs([]);
    assert.equal(sent.length, 2);
    for (const params of sent) assert.equal('shortCalls' in params, false);
  });
});
