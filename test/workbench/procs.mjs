// Process bookkeeping for the test runners. Every process a run starts carries a unique marker
// in its environment (inherited by its children: code-server, the extension host, debug adapters,
// debuggees, chromium). At the end the run stops exactly the processes holding its marker, by PID,
// whatever became of their parents and process groups.
import { readdirSync, readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';

export function newMarker(prefix = 'liveref') {
  return `${prefix}-${process.pid}-${randomUUID().slice(0, 8)}`;
}

/** PIDs (other than this process) whose environment has name=value. */
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

export function alive(pid) {
  try { process.kill(pid, 0); } catch { return false; }
  try { return !/^\S+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8')); } catch { return false; }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** SIGTERM the process group of pid, then SIGKILL what is left after graceMs. */
export async function killGroup(pid, graceMs = 3000) {
  if (!pid) return;
  try { process.kill(-pid, 'SIGTERM'); } catch { try { process.kill(pid, 'SIGTERM'); } catch { return; } }
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && alive(pid)) await sleep(100);
  try { process.kill(-pid, 'SIGKILL'); } catch { /* gone */ }
  try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
}

/** Stops every process carrying the marker: SIGTERM, then SIGKILL. Returns how many were found. */
export async function killMarked(name, value, graceMs = 2000) {
  const pids = findMarked(name, value);
  for (const pid of pids) try { process.kill(pid, 'SIGTERM'); } catch { /* gone */ }
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && pids.some(alive)) await sleep(100);
  for (const pid of findMarked(name, value)) try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
  return pids.length;
}

/** Synchronous last resort for process.on('exit'). */
export function killMarkedSync(name, value) {
  for (const pid of findMarked(name, value)) try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
}
