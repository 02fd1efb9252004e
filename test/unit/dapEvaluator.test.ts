// DapEvaluator against recorded debugpy exchanges. The 1.6.3 exchange was recorded on this
// machine; the >= 1.8.21 body exchange is synthesized from upstream's change because only 1.6.3
// is installable here (both files say which they are).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DapChannel, DapEvaluator } from '../../extension/runtimes/python/dap/dapEvaluator';
import { TransportError } from '../../extension/core/transportError';
import { extractMarkedReply } from '../../extension/runtimes/python/agentProtocol';
import { ReplyMode } from '../../extension/runtimes/python/evaluator';

interface Recorded { messages: Array<{ dir: 'send' | 'recv'; message: { type: string; event?: string; body?: unknown; command?: string } }> }

const fixture = (name: string): Recorded => JSON.parse(fs.readFileSync(path.join(__dirname, '../../../test/unit/fixtures', name), 'utf8'));

/** Replays the recorded replies of one evaluate: events first, in recorded order, then the response. */
function replay(recorded: Recorded, evaluator: () => DapEvaluator, seen: Array<{ command: string; args: unknown }>): DapChannel {
  const received = recorded.messages.filter((m) => m.dir === 'recv').map((m) => m.message);
  return {
    request: async (command, args) => {
      seen.push({ command, args });
      for (const m of received) if (m.type === 'event') evaluator().handleEvent(m.event!, { ...(m.body as object), id: 7 });
      return received.find((m) => m.type === 'response')?.body as never;
    },
  };
}

describe('DapEvaluator', () => {
  it('takes the reply from the custom event on debugpy 1.6.3 (empty evaluate body)', async () => {
    const seen: Array<{ command: string; args: unknown }> = [];
    const ev: DapEvaluator = new DapEvaluator('recorded', replay(fixture('debugpy-1.6.3-evaluate.json'), () => ev, seen));
    const modes: ReplyMode[] = [];
    const text = await ev.evaluate((mode) => { modes.push(mode); return 'CALL'; }, 7, { timeoutMs: 1000 });
    assert.deepEqual(JSON.parse(extractMarkedReply(text)!), { ok: true, result: 244 });
    assert.deepEqual(modes, ['event']);
    assert.deepEqual(seen, [{ command: 'evaluate', args: { expression: 'CALL', context: 'repl' } }]);
  });

  it('takes the reply from the response body on debugpy >= 1.8.21', async () => {
    const seen: Array<{ command: string; args: unknown }> = [];
    const ev: DapEvaluator = new DapEvaluator('synthesized', replay(fixture('debugpy-1.8.21-evaluate-body.json'), () => ev, seen));
    const text = await ev.evaluate(() => 'CALL', 7, { timeoutMs: 1000 });
    assert.deepEqual(JSON.parse(extractMarkedReply(text)!), { ok: true, result: 244 });
  });

  it('uses the top frame and the clipboard context while the program is stopped', async () => {
    const seen: Array<{ command: string; args: unknown }> = [];
    const ev = new DapEvaluator('stopped', {
      request: async (command, args) => {
        seen.push({ command, args });
        if (command === 'stackTrace') return { stackFrames: [{ id: 42, name: 'f', line: 1, column: 1 }] } as never;
        const framed = (args as { frameId?: number }).frameId !== undefined;
        return { result: framed ? "'LRB64<eyJvayI6IHRydWV9>LRB64'" : '', variablesReference: 0 } as never;
      },
    });
    ev.handleEvent('stopped', { reason: 'pause', threadId: 3 });
    let mode: ReplyMode | undefined;
    const text = await ev.evaluate((m) => { mode = m; return 'CALL'; }, 1);
    assert.equal(mode, 'return');
    assert.deepEqual(JSON.parse(extractMarkedReply(text)!), { ok: true });
    assert.deepEqual(seen[1], { command: 'evaluate', args: { expression: 'CALL', frameId: 42, context: 'clipboard' } });
    ev.handleEvent('continued', { threadId: 3 });
    seen.length = 0;
    await assert.rejects(ev.evaluate(() => 'CALL', 2, { timeoutMs: 50 }), (e: TransportError) => e.code === 'timeout');
    assert.equal((seen[0].args as { context: string }).context, 'repl');
  });

  it('fails pending calls at once when the session ends, and later calls too', async () => {
    const ev = new DapEvaluator('ends', { request: async () => ({ result: '', variablesReference: 0 }) as never });
    const pending = ev.evaluate(() => 'CALL', 1, { timeoutMs: 5000 });
    setTimeout(() => ev.close('gone'), 10);
    await assert.rejects(pending, (e: TransportError) => e.code === 'disconnected');
    await assert.rejects(ev.evaluate(() => 'CALL', 2), (e: TransportError) => e.code === 'disconnected');
  });

  it('can be cancelled', async () => {
    const ev = new DapEvaluator('cancel', { request: async () => ({ result: '', variablesReference: 0 }) as never });
    const abort = new AbortController();
    const pending = ev.evaluate(() => 'CALL', 1, { signal: abort.signal, timeoutMs: 5000 });
    abort.abort();
    await assert.rejects(pending, (e: TransportError) => e.code === 'cancelled');
  });
});

describe('extractMarkedReply', () => {
  it('survives quotes, echo and terminal noise around the payload', () => {
    const b64 = Buffer.from('{"ok":true,"result":"<script>é</script>"}').toString('base64');
    const noisy = `>>> x\r\r\r\n\x1b[0m'LRB64<${b64.slice(0, 10)}\r\n${b64.slice(10)}>LRB64'\r\n>>> `;
    assert.deepEqual(JSON.parse(extractMarkedReply(noisy)!), { ok: true, result: '<script>é</script>' });
    assert.equal(extractMarkedReply('no reply here'), undefined);
  });
});
