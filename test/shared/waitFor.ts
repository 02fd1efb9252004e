// How tests wait, in one place: poll for the state a test needs (waitFor), bound a promise
// (withTimeout, orAfter), and, only where a delay itself is what a test checks (nothing happens in
// the meantime, a measured window), sleep. The plain .mjs harness code (test/workbench/, runAll)
// has the same helpers in test/workbench/wait.mjs.

/** What a probe returns while the awaited state has not come yet. */
export type NotYet = undefined | null | false | 0 | '';

/** What waitFor and withTimeout reject with when the time is up (a probe's own errors pass as they are). */
export class TimeoutError extends Error {
  constructor(timeoutMs: number, what: string) {
    super(`timed out after ${timeoutMs} ms waiting for ${what}`);
    this.name = 'TimeoutError';
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Calls `probe` every `intervalMs` until it returns something truthy, and resolves with that.
 * Rejects with a TimeoutError ("timed out after N ms waiting for <what>") once `timeoutMs` has
 * passed; an error the probe throws ends the wait at once.
 */
export async function waitFor<T>(what: string, probe: () => T | NotYet | PromiseLike<T | NotYet>, timeoutMs = 30_000, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value as T;
    if (Date.now() > deadline) throw new TimeoutError(timeoutMs, what);
    await sleep(intervalMs);
  }
}

/** Settles as `promise` does, or rejects with a TimeoutError after `timeoutMs`. */
export function withTimeout<T>(promise: PromiseLike<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(timeoutMs, what)), timeoutMs);
  });
  return Promise.race([Promise.resolve(promise), timeout]).finally(() => clearTimeout(timer));
}

/**
 * `promise`'s value, or `fallback` if it has not settled after `timeoutMs`: for best-effort steps
 * (stopping a session in an after hook) and for "has it ended yet?" checks.
 */
export function orAfter<T, F = undefined>(promise: PromiseLike<T>, timeoutMs: number, fallback?: F): Promise<T | F> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<F>((resolve) => { timer = setTimeout(() => resolve(fallback as F), timeoutMs); });
  return Promise.race([Promise.resolve(promise), late]).finally(() => clearTimeout(timer));
}
