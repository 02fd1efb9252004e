// @ts-check
// Process bookkeeping for the test runners. Every process a run starts carries a unique marker
// in its environment (inherited by its children: code-server, the extension host, debug adapters,
// debuggees, chromium). At the end the run stops exactly the processes holding its marker, by PID,
// whatever became of their parents and process groups.
import { readdirSync, readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { waitFor } from './wait.mjs';

export function newMarker(prefix = 'liveref') {
  return `${prefix}-${process.pid}-${randomUUID().slice(0, 8)}`;
}

/**
 * PIDs (other than this process) whose environment has name=value.
 * @param {string} name
 * @param {string} value
 * @returns {number[]}
 */
export function findMarked(name, value) {
  const needle = Buffer.from(`\0${name}=${value}\0`);
  const pids = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (pid === process.pid) continue;
    try {
      const env = Buffer.concat([Buffer.from('\0'), readFileSync(`/proc/${pid}/environ`), Buffer.from('\0')]);
      if (env.includes(needle)) pids.push(pid);
    } catch { /* gone or not ours */ }
  }
  return pids;
}

/** @param {number} pid */
export function alive(pid) {
  try { process.kill(pid, 0); } catch { return false; }
  try { return !/^\S+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8')); } catch { return false; }
}

/**
 * SIGTERM the process group of pid, then SIGKILL what is left after graceMs.
 * @param {number | undefined} pid
 */
export async function killGroup(pid, graceMs = 3000) {
  if (!pid) return;
  try { process.kill(-pid, 'SIGTERM'); } catch { try { process.kill(pid, 'SIGTERM'); } catch { return; } }
  await waitFor(`pid ${pid} to exit`, () => !alive(pid), graceMs, 100).catch(() => undefined);
  try { process.kill(-pid, 'SIGKILL'); } catch { /* gone */ }
  try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
}

/**
 * Stops every process carrying the marker: SIGTERM, then SIGKILL. Returns how many were found.
 * @param {string} name
 * @param {string} value
 */
export async function killMarked(name, value, graceMs = 2000) {
  const pids = findMarked(name, value);
  for (const pid of pids) try { process.kill(pid, 'SIGTERM'); } catch { /* gone */ }
  if (pids.length) await waitFor('the marked processes to exit', () => !pids.some(alive), graceMs, 100).catch(() => undefined);
  for (const pid of findMarked(name, value)) try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
  return pids.length;
}

/**
 * Synchronous last resort for process.on('exit').
 * @param {string} name
 * @param {string} value
 */
export function killMarkedSync(name, value) {
  for (const pid of findMarked(name, value)) try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
}
