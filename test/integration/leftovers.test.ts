// Nothing left behind: a program keeps running after the agent served it — a DAP detach, a
// dropped connection, the CLI exiting — and afterwards the agent holds no handle, cursor or
// partition job, runs no thread, and every object the program lets go of dies (weakref probes
// inside the program). Real debugpy (python3 -m debugpy --listen), real Scrapy objects.
import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import * as path from 'node:path';
import { PythonEngine } from '../../extension/runtimes/python/pythonEngine';
import { callExpression, findAgentDir, loadAgentBundle } from '../../extension/runtimes/python/agentBundle';
import { extractMarkedReply } from '../../extension/runtimes/python/agentProtocol';
import { TimeoutError, waitFor } from '../shared/waitFor';
import { Debuggee, evalJson, startDebuggee } from './debuggee';
import { liveref } from './liverefCli';

const REPO = path.resolve(findAgentDir(__dirname), '..');
const PROGRAM = path.join(REPO, 'test/integration/programs/held_objects.py');

interface Leftovers { threads: string[]; agents: number; handles?: { weak: number; strong: number }; cursors?: number; jobs?: number }
const NOTHING = { weak: 0, strong: 0 };

/** Asks the program itself over its loopback probe channel (no debugger involved): `leftovers` or `drop`. */
function ask<T>(probePort: number, command: 'leftovers' | 'drop'): Promise<T> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(probePort, '127.0.0.1', () => socket.write(`${command}\n`));
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => {
      text += d;
      if (text.includes('\n')) { socket.destroy(); resolve(JSON.parse(text.slice(0, text.indexOf('\n'))) as T); }
    });
    socket.on('error', reject);
    socket.setTimeout(20_000, () => { socket.destroy(); reject(new Error(`no answer to ${command} on the probe channel`)); });
  });
}

const probePortOf = (debuggee: Debuggee) => Number(/PROBE (\d+)/.exec(debuggee.stdout())![1]);
const leftovers = (port: number) => ask<Leftovers>(port, 'leftovers');

/** The agent's state once it has let go of everything, or as it still is after 8 s. */
async function settled(port: number): Promise<Leftovers> {
  let state: Leftovers | undefined;
  const clean = (s: Leftovers) => s.threads.length === 0 && (!s.handles || (s.handles.weak + s.handles.strong === 0 && !s.cursors && !s.jobs));
  await waitFor('the agent to let go', async () => clean(state = await leftovers(port)), 8000, 250)
    .catch((error: unknown) => { if (!(error instanceof TimeoutError)) throw error; });
  return state!;
}

/** Opens objects the way the views do, leaves an iterAll cursor and an unfinished partition job. */
async function holdEverything(debuggee: Debuggee): Promise<void> {
  const engine = new PythonEngine(debuggee.evaluator, loadAgentBundle());
  const oldest = (await engine.oldest('Request'))!;
  const request = await engine.inspect(oldest.handle!, 0, 100);
  const meta = request.children.find((c) => c.via === '._meta')!.value;
  const metaChildren = await engine.inspect(meta.handle!, 0, 100);
  const referer = metaChildren.children.find((c) => c.via === "['referer']")!.value;
  await engine.why(referer.handle!);
  await engine.iterAll({ className: 'HtmlResponse', offset: 0, limit: 10 });
  await engine.partition({ by: 'via', type: 'dict', limit: 50, samples: 5 });
  // A job the client never finishes, as when a partition is interrupted by the end of a session.
  const bundle = loadAgentBundle();
  const raw = async (id: number, method: string, params: unknown) => {
    const text = await debuggee.evaluator.evaluate((mode) => callExpression(bundle, id, method, params, mode), id, { timeoutMs: 20_000 });
    return (JSON.parse(extractMarkedReply(text)!) as { result: { job: string } }).result;
  };
  const { job } = await raw(900_001, 'partitionStart', { by: 'type', limit: 20, samples: 2 });
  await raw(900_002, 'jobStep', { job, budgetMs: 1 });
  // debugpy --listen serves one client at a time: ask through the connection that holds it all.
  const held = await evalJson<Leftovers>(debuggee.evaluator, "__import__('__main__').leftovers()");
  assert.ok(held.handles!.strong > 0 && held.jobs === 1 && held.cursors === 1, `the agent should hold state now: ${JSON.stringify(held)}`);
  assert.ok(held.threads.some((t) => t.includes('sandbox.py')), `the agent's worker should run now: ${JSON.stringify(held)}`);
}


describe('Nothing left behind in a program that keeps running', function () {
  this.timeout(90_000);
  let debuggee: Debuggee | undefined;

  afterEach(async () => { await debuggee?.stop(); debuggee = undefined; });

  async function assertClean(port: number): Promise<void> {
    const state = await settled(port);
    assert.deepEqual(state.threads, [], 'agent threads still run');
    assert.deepEqual(state.handles ?? NOTHING, NOTHING, 'handles still held');
    assert.equal(state.cursors ?? 0, 0, 'iterAll cursors still held');
    assert.equal(state.jobs ?? 0, 0, 'partition jobs still held');
    assert.equal(await ask<number>(port, 'drop'), 0, 'objects the program dropped are still alive');
  }

  it('after a detach (DAP disconnect, the program keeps running)', async () => {
    debuggee = await startDebuggee([PROGRAM, '40', '120'], { waitForLine: /READY/ });
    await holdEverything(debuggee);
    await debuggee.client.close();
    await assertClean(probePortOf(debuggee));
  });

  it('after the client\'s connection dropped without a goodbye', async () => {
    debuggee = await startDebuggee([PROGRAM, '40', '120'], { waitForLine: /READY/ });
    await holdEverything(debuggee);
    // What a killed CLI leaves: the socket closes, no disconnect request is sent.
    (debuggee.client as unknown as { socket: net.Socket }).socket.destroy();
    await assertClean(probePortOf(debuggee));
  });

  it('after the CLI exits', async () => {
    debuggee = await startDebuggee([PROGRAM, '40', '120'], { waitForLine: /READY/ });
    await debuggee.client.close();
    const target = `127.0.0.1:${debuggee.port}`;
    for (const args of [['why', 'HtmlResponse'], ['iter', 'Request', '--limit', '5'], ['partition', '--by', 'via', '--type', 'dict'], ['oldest', 'Request']]) {
      const run = await liveref([...args, '--debugpy', target]);
      assert.equal(run.code, 0, `${args.join(' ')}: ${run.stderr}`);
    }
    await assertClean(probePortOf(debuggee));
  });
});
