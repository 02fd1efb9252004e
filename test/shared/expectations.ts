// Assertion helpers shared by the unit and integration suites.
import * as assert from 'node:assert/strict';
import { TransportError } from '../../extension/core/transportError';

/** age: NaN for "oldest: created before Live References attached" (Node objects older than the attach, of unknown age). */
export interface PrefsRow { count: number; age: number }

/** Rows of a `prefs()` / `format_live_refs()` text (also with telnet's \r line ends). */
export function parsePrefs(text: string): Map<string, PrefsRow> {
  const rows = new Map<string, PrefsRow>();
  for (const m of text.matchAll(/^(\S+)\s+(\d+)\s+oldest: (?:(\d+)s ago|created before Live References attached)\r?$/gm)) rows.set(m[1], { count: Number(m[2]), age: m[3] === undefined ? NaN : Number(m[3]) });
  return rows;
}

/** Awaits `work` and asserts it fails with TransportError(code), its message matching `message`. */
export async function rejects(work: Promise<unknown>, code: string, message?: RegExp): Promise<TransportError> {
  try {
    await work;
  } catch (error) {
    assert.ok(error instanceof TransportError, `not an TransportError: ${error}`);
    assert.equal(error.code, code, error.message);
    if (message) assert.match(error.message, message);
    return error;
  }
  assert.fail(`expected TransportError('${code}')`);
}
