// @ts-check
// How the plain .mjs harness code waits (test/workbench/*.mjs, its UI checks, test/runAll.mjs):
// the same helpers as test/shared/waitFor.ts, for the code that Node runs without a build. Poll for
// the state that is needed (waitFor), bound a promise (withTimeout, orAfter), and sleep only where a
// delay itself is the point.

/** @typedef {undefined | null | false | 0 | ''} NotYet What a probe returns while the awaited state has not come yet. */

/** What waitFor and withTimeout reject with when the time is up (a probe's own errors pass as they are). */
export class TimeoutError extends Error {
  /**
   * @param {number} timeoutMs
   * @param {string} what
   */
  constructor(timeoutMs, what) {
    super(`timed out after ${timeoutMs} ms waiting for ${what}`);
    this.name = 'TimeoutError';
  }
}

/**
 * @param {number} ms
 * @returns {Promise<void>}
 */
export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Calls `probe` every `intervalMs` until it returns something truthy, and resolves with that.
 * Rejects with a TimeoutError ("timed out after N ms waiting for <what>") once `timeoutMs` has
 * passed; an error the probe throws ends the wait at once.
 * @template T
 * @param {string} what
 * @param {() => T | NotYet | PromiseLike<T | NotYet>} probe
 * @param {number} [timeoutMs]
 * @param {number} [intervalMs]
 * @returns {Promise<T>}
 */
export async function waitFor(what, probe, timeoutMs = 30_000, intervalMs = 100) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return /** @type {T} */ (value);
    if (Date.now() > deadline) throw new TimeoutError(timeoutMs, what);
    await sleep(intervalMs);
  }
}

/**
 * Settles as `promise` does, or rejects with a TimeoutError after `timeoutMs`.
 * @template T
 * @param {PromiseLike<T>} promise
 * @param {number} timeoutMs
 * @param {string} what
 * @returns {Promise<T>}
 */
export function withTimeout(promise, timeoutMs, what) {
  /** @type {NodeJS.Timeout | undefined} */
  let timer;
  /** @type {Promise<never>} */
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(timeoutMs, what)), timeoutMs);
  });
  return Promise.race([Promise.resolve(promise), timeout]).finally(() => clearTimeout(timer));
}

/**
 * `promise`'s value, or `fallback` if it has not settled after `timeoutMs` (best-effort steps).
 * @template T, F
 * @param {PromiseLike<T>} promise
 * @param {number} timeoutMs
 * @param {F} [fallback]
 * @returns {Promise<T | F>}
 */
export function orAfter(promise, timeoutMs, fallback) {
  /** @type {NodeJS.Timeout | undefined} */
  let timer;
  /** @type {Promise<F>} */
  const late = new Promise((resolve) => { timer = setTimeout(() => resolve(/** @type {F} */ (fallback)), timeoutMs); });
  return Promise.race([Promise.resolve(promise), late]).finally(() => clearTimeout(timer));
}
