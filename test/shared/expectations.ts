// Assertion helpers shared by the unit and integration suites.
import * as assert from 'node:assert/strict';
import { EvaluatorError } from '../../extension/transports/evaluator';

export interface PrefsRow { count: number; age: number }

/** Rows of a `prefs()` / `format_live_refs()` text (also with telnet's \r line ends). */
export function parsePrefs(text: string): Map<string, PrefsRow> {
  const rows = new Map<string, PrefsRow>();
  for (const m of text.matchAll(/^(\S+)\s+(\d+)\s+oldest: (\d+)s ago\r?$/gm)) rows.set(m[1], { count: Number(m[2]), age: Number(m[3]) });
  return rows;
}

/** Awaits `work` and asserts it fails with EvaluatorError(code), its message matching `message`. */
export async function rejects(work: Promise<unknown>, code: string, message?: RegExp): Promise<EvaluatorError> {
  try {
    await work;
  } catch (error) {
    assert.ok(error instanceof EvaluatorError, `not an EvaluatorError: ${error}`);
    assert.equal(error.code, code, error.message);
    if (message) assert.match(error.message, message);
    return error;
  }
  assert.fail(`expected EvaluatorError('${code}')`);
}
