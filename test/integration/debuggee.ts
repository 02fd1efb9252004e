// Starts a real Python program under `python3 -m debugpy --listen` on 127.0.0.1 and attaches the
// CLI's DAP client to it. Everything started here is stopped by PID in stop().
import { ChildProcess, spawn } from 'node:child_process';
import { connectDebugpy, DapSocketClient } from '../../extension/runtimes/python/dap/dapSocketClient';
import type { DapEvaluator } from '../../extension/runtimes/python/dap/dapEvaluator';
import { extractMarkedReply } from '../../extension/runtimes/python/agentProtocol';
import { freePort, PYTHON } from '../fixtures/fixtureSite';
import { TimeoutError, waitFor } from '../shared/waitFor';

export { freePort, PYTHON };


export interface Debuggee {
  port: number;
  process: ChildProcess;
  stdout(): string;
  evaluator: DapEvaluator;
  client: DapSocketClient;
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
process.on('exit', () => { for (const p of running) try { process.kill(-p.pid!, 'SIGKILL'); } catch { /* gone */ } });

export async function startDebuggee(args: string[], options: { env?: Record<string, string>; cwd?: string; waitForLine?: RegExp; startTimeoutMs?: number } = {}): Promise<Debuggee> {
  const port = await freePort();
  const child = spawn(PYTHON, ['-Xfrozen_modules=off', '-m', 'debugpy', '--listen', `127.0.0.1:${port}`, ...args], {
    cwd: options.cwd, env: { ...process.env, PYDEVD_DISABLE_FILE_VALIDATION: '1', ...options.env }, detached: true, stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let out = '';
  child.stdout!.on('data', (d) => { out += d; });
  child.stderr!.on('data', (d) => { out += d; });
  // Its line printed (if asked for), then debugpy taking our client.
  let refused: unknown;
  const connection = await waitFor('the debuggee to be ready', () => {
    if (child.exitCode !== null) throw new Error(`debuggee exited early:\n${out}`);
    if (options.waitForLine && !options.waitForLine.test(out)) return undefined;
    return connectDebugpy('127.0.0.1', port).catch((error: unknown) => { refused = error; return undefined; });
  }, options.startTimeoutMs ?? 45_000, 200).catch((error: unknown) => {
    if (!(error instanceof TimeoutError)) throw error;
    throw refused ?? new Error(`debuggee not ready:\n${out}`);
  });
  const { evaluator, client } = connection;
  return {
    port, process: child, stdout: () => out, evaluator, client,
    stop: async () => {
      await client.close().catch(() => undefined);
      await killTree(child);
    },
  };
}

export async function killTree(child: ChildProcess): Promise<void> {
  running.delete(child);
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  try { process.kill(-child.pid!, 'SIGTERM'); } catch { return; }
  const timer = setTimeout(() => { try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* gone */ } }, 3000);
  await exited;
  clearTimeout(timer);
}

let probeId = 1_000_000;

/**
 * Evaluates a Python expression in the debuggee without the agent, for cross-checks: the value
 * travels back the same way as the agent's (custom event on debugpy 1.6.3), as JSON.
 */
/** `timeoutMs`: the benches' in-program baselines (Guppy on millions of objects) take minutes. */
export async function evalJson<T>(evaluator: DapEvaluator, expression: string, timeoutMs = 20_000): Promise<T> {
  const id = probeId++;
  const payload = `'LRB64<' + __import__('base64').b64encode(__import__('json').dumps(${expression}).encode()).decode() + '>LRB64'`;
  const text = await evaluator.evaluate((mode) => mode === 'return' ? payload
    : `__import__('pydevd').get_global_debugger().writer.add_command(__import__('_pydevd_bundle.pydevd_net_command', fromlist=['x']).NetCommand(0, 0, {'type': 'event', 'event': 'liveReferences.reply', 'body': {'id': ${id}, 'payload': ${payload}}}, is_json=True))`,
  id, { timeoutMs });
  return JSON.parse(extractMarkedReply(text)!) as T;
}
