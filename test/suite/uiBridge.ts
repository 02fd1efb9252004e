// In-host side of the UI handshake with the workbench harness (test/workbench/harness.mjs).
//
//   const shot = await ui('partitionWebview', { minBars: 1 });
//
// writes `ready-for-ui:<seq>:<name>.json` ({ name, args }) into $LIVEREF_UI_BRIDGE and blocks until
// the harness has run the UI check `name` (exported by a test/workbench/ui/*.mjs file) against the
// real workbench page and answered `ui-done:<seq>:<name>.json` ({ ok, value | error }). Resolves
// with the check's return value; rejects with the check's error, or on timeout. Meanwhile the
// extension host keeps running (debug sessions stay live while the harness clicks). The harness
// gives a check 90 s (its `timeoutMs` if it sets one); keep the ui() timeout above that.
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TimeoutError, waitFor } from '../shared/waitFor';

// Every suite is its own bundle with its own copy of this module, all in one extension host:
// the counter lives on globalThis, and a random part keeps ids unique across hosts too, or a
// suite would read the answer another suite's request with the same number got.
const bridgeState = globalThis as { liverefUiSeq?: number };
const hostToken = crypto.randomBytes(4).toString('hex');

/** True when the suite runs under the workbench harness, which can answer ui(). */
export function uiAvailable(): boolean {
  return !!process.env.LIVEREF_UI_BRIDGE;
}

export async function ui<T = unknown>(name: string, args: unknown = {}, timeoutMs = 150_000): Promise<T> {
  const dir = process.env.LIVEREF_UI_BRIDGE;
  if (!dir) throw new Error(`ui('${name}'): UI checks need the workbench harness (LIVEREF_UI_BRIDGE is not set)`);
  bridgeState.liverefUiSeq = (bridgeState.liverefUiSeq ?? 0) + 1;
  const id = `${bridgeState.liverefUiSeq}-${process.pid}-${hostToken}`;
  const request = path.join(dir, `ready-for-ui:${id}:${name}.json`);
  const response = path.join(dir, `ui-done:${id}:${name}.json`);
  fs.writeFileSync(request + '.tmp', JSON.stringify({ name, args, time: Date.now() }));
  fs.renameSync(request + '.tmp', request);
  await waitFor(`the harness to answer ui('${name}')`, () => fs.existsSync(response), timeoutMs, 100).catch((error: unknown) => {
    throw error instanceof TimeoutError ? new Error(`ui('${name}'): no answer from the harness within ${timeoutMs} ms`) : error;
  });
  const answer = JSON.parse(fs.readFileSync(response, 'utf8')) as { ok: boolean; value?: T; error?: string };
  if (answer.ok) return answer.value as T;
  throw new Error(`UI check '${name}' failed:\n${answer.error ?? 'no details'}`);
}
