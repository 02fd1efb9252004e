// @ts-check
// Runs every test group in order and prints one line per test as results come in, the failures'
// details, and as its last line exactly `N passed, N failed` (`, N skipped` when some were).
// Exit code 1 if anything failed. `npm test` calls it after setup and build.
//
//   node test/runAll.mjs [--only unit|agent|integration|workbench[,…]] [--verbose]
//
// Groups (each in its own child process and process group, with its own timeout):
//   unit         mocha out/test/unit/*.js
//   agent        PYTHON -m unittest discover -s test/agent -t test/agent -v
//   integration  mocha out/test/integration/*.js (real debugpy / Scrapy / node processes)
// The agent and integration groups run once per Python generation: the host's (Debian 12
// bookworm) and the Debian roots scripts/pyroots.sh builds (trixie: 3.13, forky: 3.14), each
// with LIVEREF_PYTHON set to its launcher; the Node-only integration files run once.
// LIVEREF_PYTHONS=bookworm,forky (names) picks generations; a generation that cannot run is
// named with the reason, never skipped silently.
//   workbench    test/workbench/harness.mjs: out/test/suite/*.test.js inside a real VS Code
//                (code-server + chromium) and the UI checks test/workbench/ui/*.mjs
// Every process a group starts carries LIVEREF_RUNALL_MARKER in its environment; whatever is
// left of them at the end (or on timeout or Ctrl-C) is stopped by PID.
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, createWriteStream } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { killGroup, killMarked, killMarkedSync, newMarker } from './workbench/procs.mjs';
import { orAfter } from './workbench/wait.mjs';

/**
 * @typedef {object} Result One test (or a group's own failure), as printed.
 * @property {string} group
 * @property {string} [title]
 * @property {string} [fullTitle]
 * @property {'passed' | 'failed' | 'pending'} state
 * @property {string} [error]
 * @property {string} [note]
 * @property {number} [durationMs]
 */
/** @typedef {Omit<Result, 'group'>} Reported */
/** @typedef {{ code: number | string | null, tail: string, logPath: string }} ChildRun */
/** @typedef {{ count: number, ended?: boolean }} Seen */

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const PYTHON = '/usr/bin/python3';
const PYROOTS = join(REPO, '.cache/pyroots');
const MOCHA = join(REPO, 'node_modules/mocha/bin/mocha.js');
const REPORTER = join(REPO, 'test/workbench/mochaEventsReporter.cjs');
const LOGS = join(REPO, 'test-output/logs');
const MARKER_VAR = 'LIVEREF_RUNALL_MARKER';
const OVERALL_TIMEOUT_MS = 35 * 60_000;

const args = process.argv.slice(2);
const verbose = args.includes('--verbose') || args.includes('-v');
const onlyArg = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
const GROUPS = ['unit', 'agent', 'integration', 'workbench'];
const only = onlyArg ? onlyArg.split(',') : GROUPS;
for (const g of only) {
  if (!GROUPS.includes(g)) {
    console.error(`unknown group '${g}' (groups: ${GROUPS.join(', ')})`);
    process.exit(2);
  }
}

const tty = process.stdout.isTTY;
/**
 * @param {number} code
 * @param {string} s
 */
const paint = (code, s) => (tty ? `\x1b[${code}m${s}\x1b[0m` : s);
/** @param {string} s */
const green = (s) => paint(32, s);
/** @param {string} s */
const red = (s) => paint(31, s);
/** @param {string} s */
const dim = (s) => paint(2, s);

const marker = newMarker('runall');
/** @type {Result[]} */
const results = [];
/** @type {{ group: string, child: import('node:child_process').ChildProcess } | undefined} */
let current;
let interrupted = false;
/** @type {Record<string, number>} */
const groupTimes = {};
const started = Date.now();

/** @param {string} kind */
function compiled(kind) {
  const dir = join(REPO, 'out/test', kind);
  const sources = existsSync(join(REPO, 'test', kind)) ? readdirSync(join(REPO, 'test', kind)).filter((f) => f.endsWith('.test.ts')) : [];
  const built = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.js')).sort().map((f) => join(dir, f)) : [];
  return { sources, built };
}

/**
 * @param {string} group
 * @param {Reported} r
 */
function record(group, r) {
  const result = { group, ...r };
  results.push(result);
  const ms = r.durationMs !== undefined && r.durationMs >= 1000 ? dim(` (${(r.durationMs / 1000).toFixed(1)} s)`) : '';
  const mark = r.state === 'passed' ? green('✓') : r.state === 'failed' ? red('✗') : dim('-');
  console.log(`${mark} ${group} › ${r.fullTitle ?? r.title}${ms}`);
  return result;
}

/**
 * @param {string} group
 * @param {string} title
 * @param {string} error
 */
function fail(group, title, error) {
  record(group, { title, fullTitle: title, state: 'failed', error });
}

/**
 * Runs one group's command. `parse(line)` turns output lines into results; returns the exit
 * code (or 'timeout' / 'interrupted') and the output tail.
 * @param {string} group
 * @param {string} cmd
 * @param {string[]} cmdArgs
 * @param {{ timeoutMs: number, parse: (line: string) => boolean, env?: Record<string, string> }} options
 * @returns {Promise<ChildRun>}
 */
function runChild(group, cmd, cmdArgs, { timeoutMs, parse, env = {} }) {
  return new Promise((resolveRun) => {
    mkdirSync(LOGS, { recursive: true });
    const logPath = join(LOGS, `${group}.log`);
    const log = createWriteStream(logPath);
    /** @type {string[]} */
    const tail = [];
    const child = spawn(cmd, cmdArgs, {
      cwd: REPO, detached: true, stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, [MARKER_VAR]: marker, FORCE_COLOR: '0', PYTHON_COLORS: '0', PYTHONDONTWRITEBYTECODE: '1', PYTHONUNBUFFERED: '1', ...env },
    });
    current = { group, child };
    /** @type {string | undefined} */
    let outcome;
    /** @param {string} line */
    const handle = (line) => {
      tail.push(line);
      if (tail.length > 40) tail.shift();
      if (!parse(line) && verbose) console.log(dim(`  ${line}`));
    };
    /**
     * Hands each complete line to handle(); resolves when the stream has ended.
     * @param {import('node:stream').Readable} stream
     * @returns {Promise<void>}
     */
    const onLines = (stream) => new Promise((ended) => {
      let buffer = '';
      stream.on('data', (chunk) => {
        log.write(chunk);
        buffer += chunk;
        const lines = buffer.split('\n');
        buffer = lines.pop() ?? '';
        for (const line of lines) handle(line);
      });
      stream.on('end', () => { if (buffer) handle(buffer); ended(); });
    });
    const drained = Promise.all([onLines(/** @type {import('node:stream').Readable} */ (child.stdout)), onLines(/** @type {import('node:stream').Readable} */ (child.stderr))]);
    const timer = setTimeout(async () => {
      outcome = 'timeout';
      // SIGTERM first: the workbench harness then stops code-server and chromium itself.
      await killGroup(child.pid, 15_000);
    }, timeoutMs);
    child.on('exit', async (code, signal) => {
      clearTimeout(timer);
      // The last lines: until both pipes have ended (a leftover process of the group may hold
      // them open: not for long).
      await orAfter(drained, 2000);
      log.end();
      await killMarked(MARKER_VAR, marker, 2000);
      current = undefined;
      resolveRun({ code: outcome ?? (interrupted ? 'interrupted' : code ?? signal), tail: tail.join('\n'), logPath });
    });
    child.on('error', (e) => { outcome = `spawn error: ${e.message}`; });
  });
}

/**
 * Parses `@@result <json>` lines (mocha events reporter, workbench harness --events).
 * @param {string} group
 * @param {Seen} seen
 * @returns {(line: string) => boolean}
 */
function eventParser(group, seen) {
  return (line) => {
    const at = line.indexOf('@@result ');
    if (at >= 0) {
      try {
        const r = JSON.parse(line.slice(at + '@@result '.length));
        seen.count++;
        record(group, r);
        return true;
      } catch { return false; }
    }
    if (line.includes('@@end ')) { seen.ended = true; return true; }
    return false;
  };
}

/**
 * @param {string} group
 * @param {ChildRun} run
 * @param {Seen | undefined} seen
 * @param {number} timeoutMs
 */
function finishGroup(group, { code, tail, logPath }, seen, timeoutMs) {
  if (code === 'timeout') fail(group, `${group}: timed out after ${Math.round(timeoutMs / 1000)} s`, `the group was stopped; see ${logPath}\n${tail}`);
  else if (code === 'interrupted') fail(group, `${group}: interrupted`, `see ${logPath}`);
  else if (code !== 0 && !results.some((r) => r.group === group && r.state === 'failed')) {
    fail(group, `${group}: exited with ${code}`, `no test failed, but the runner did; see ${logPath}\n${tail}`);
  } else if (seen && seen.count === 0 && code === 0) {
    fail(group, `${group}: no tests ran`, `see ${logPath}\n${tail}`);
  }
}

/**
 * @param {string} group
 * @param {string} kind
 * @param {number} timeoutMs
 * @param {number} testTimeoutMs
 */
async function mochaGroup(group, kind, timeoutMs, testTimeoutMs, env = {}, include = (/** @type {string} */ _file) => true) {
  const { sources } = compiled(kind);
  const built = compiled(kind).built.filter((f) => include(f.split('/').pop() ?? f));
  if (!built.length) {
    if (sources.length) fail(group, `${group}: suites not built`, `test/${kind}/*.test.ts exist but out/test/${kind}/ has no .js: run node scripts/build.mjs`);
    else console.log(dim(`(no ${group} suites)`));
    return;
  }
  const seen = { count: 0 };
  const run = await runChild(group, process.execPath, [MOCHA, '--reporter', REPORTER, '--timeout', String(testTimeoutMs), '--exit', ...built],
    { timeoutMs, parse: eventParser(group, seen), env });
  finishGroup(group, run, seen, timeoutMs);
}

/**
 * The word a unittest result line ends with: [outcome] or ['skipped', reason].
 * @param {string | undefined} text
 * @returns {[string, string?] | undefined}
 */
function resultWord(text) {
  const m = /(ok|FAIL|ERROR|skipped(?: '.*')?|expected failure|unexpected success)$/.exec(text ?? '');
  if (!m) return undefined;
  return m[1].startsWith('skipped') ? ['skipped', m[1].slice(8).replace(/^'|'$/g, '')] : [m[1] === 'FAIL' || m[1] === 'ERROR' ? 'failed' : m[1]];
}

/**
 * Reads `python -m unittest -v` output line by line: records each test as its result comes, keeps
 * the FAIL/ERROR sections (tracebacks) and the summary ("Ran N tests", "OK (skipped=1)").
 */
class UnittestOutput {
  /** @param {string} group */
  constructor(group) { this.group = group; }

  /** @type {Map<string, Result>} */
  byId = new Map();
  /** @type {{ id: string, title: string } | undefined} a test whose result is on a later line (docstring, or output in between) */
  pending;
  /** @type {Record<string, number> | undefined} */
  summary;
  /** @type {number | undefined} */
  ran;
  /** @type {Array<{ lines: string[] }>} */
  sections = [];
  /** @type {{ lines: string[] } | undefined} */
  section;

  /**
   * @param {string} id
   * @param {string} title
   * @param {string} word
   * @param {string} [detail]
   */
  outcome(id, title, word, detail) {
    const state = word === 'ok' || word === 'expected failure' ? 'passed' : word === 'skipped' ? 'pending' : 'failed';
    this.byId.set(id, record(this.group, { title, fullTitle: id, state, ...(detail ? { note: detail } : {}) }));
  }

  /**
   * @param {string} line
   * @returns {boolean} whether the line was taken (else it may be echoed with --verbose)
   */
  parse(line) {
    if (/^={20,}$/.test(line)) { this.section = { lines: [] }; this.sections.push(this.section); return true; }
    if (/^-{20,}$/.test(line) && this.section && this.section.lines.length === 1) return true;
    const ranMatch = /^Ran (\d+) tests? in/.exec(line);
    if (ranMatch) { this.ran = Number(ranMatch[1]); this.section = undefined; return true; }
    const sum = /^(OK|FAILED)(?: \((.*)\))?$/.exec(line.trim());
    if (sum && this.ran !== undefined) {
      this.summary = { ok: sum[1] === 'OK' ? 1 : 0 };
      for (const part of (sum[2] ?? '').split(',').map((p) => p.trim()).filter(Boolean)) {
        const [k, v] = part.split('=');
        this.summary[k.trim()] = Number(v);
      }
      return true;
    }
    if (this.section) { this.section.lines.push(line); return !verbose; }
    const start = /^(\w+) \(([\w.]+)\)(?: \.\.\. (.*))?$/.exec(line);
    if (start) {
      const [, title, id, rest] = start;
      const word = resultWord(rest);
      if (word) { this.outcome(id, title, ...word); this.pending = undefined; } else this.pending = { id, title };
      return true;
    }
    if (this.pending && / \.\.\. |^(ok|FAIL|ERROR)$/.test(line)) {
      const word = resultWord(line.trim());
      if (word) { this.outcome(this.pending.id, this.pending.title, ...word); this.pending = undefined; return true; }
    }
    return false;
  }

  /** Attaches tracebacks ("FAIL: name (id)" sections) to their results. */
  attachTracebacks() {
    for (const s of this.sections) {
      const head = /^(FAIL|ERROR): (\w+) \(([\w.]+)\)/.exec(s.lines[0] ?? '');
      if (!head) continue;
      const detail = s.lines.slice(1).filter((l) => !/^-{20,}$/.test(l)).join('\n').trim();
      const r = this.byId.get(head[3]);
      if (r) { r.state = 'failed'; r.error = detail; }
      else fail(this.group, head[3], detail);
    }
  }

  /**
   * The summary line is authoritative for the counts: records what the per-test lines missed.
   * @param {string} tail the output's last lines, for unlisted failures
   */
  reconcile(tail) {
    const { summary, ran } = this;
    if (!summary || ran === undefined) return;
    const mine = results.filter((r) => r.group === this.group);
    const failed = (summary.failures ?? 0) + (summary.errors ?? 0) + (summary['unexpected successes'] ?? 0);
    const pending = summary.skipped ?? 0;
    const want = { passed: ran - failed - pending, failed, pending };
    for (const state of /** @type {const} */ (['passed', 'failed', 'pending'])) {
      const missing = want[state] - mine.filter((r) => r.state === state).length;
      if (missing > 0) record(this.group, { title: 'unlisted', fullTitle: `${missing} test(s) ${state} (not itemized in the unittest output)`, state, ...(state === 'failed' ? { error: tail } : {}) });
    }
  }
}

/**
 * @param {number} timeoutMs
 * @param {string} group
 * @param {string} python
 */
async function agentGroup(timeoutMs, group, python) {
  const dir = process.env.LIVEREF_AGENT_TEST_DIR ?? 'test/agent';
  if (!existsSync(resolve(REPO, dir))) { console.log(dim('(no agent tests)')); return; }
  // `-t test/agent`, not `-t .`: the repository's test/ has no __init__.py and Python's own
  // `test` package would shadow it, so `test.agent` cannot be imported from the root.
  const output = new UnittestOutput(group);
  const run = await runChild(group, python, ['-m', 'unittest', 'discover', '-s', dir, '-t', dir, '-v'], { timeoutMs, parse: (line) => output.parse(line) });
  output.attachTracebacks();
  output.reconcile(run.tail);
  const seen = { count: results.filter((r) => r.group === group).length };
  if (!output.summary && run.code === 0) fail(group, `${group}: no unittest summary`, run.tail);
  finishGroup(group, run, seen, timeoutMs);
}

/** @param {number} timeoutMs */
async function workbenchGroup(timeoutMs) {
  const { sources, built } = compiled('suite');
  const suites = built.filter((f) => f.endsWith('.test.js'));
  if (!suites.length) {
    fail('workbench', 'workbench: suites not built', sources.length ? 'run node scripts/build.mjs' : 'no test/suite/*.test.ts');
    return;
  }
  const seen = { count: 0 };
  const forky = GENERATIONS.find((g) => g.name === 'forky' && !g.skipped);
  const run = await runChild('workbench', process.execPath, [join(REPO, 'test/workbench/harness.mjs'), '--events', '--timeout', String(timeoutMs - 60_000)],
    { timeoutMs, parse: eventParser('workbench', seen), env: forky ? { LIVEREF_FORKY_PYTHON: forky.python } : { LIVEREF_FORKY_PYTHON: '/nonexistent/forky.python' } });
  finishGroup('workbench', run, seen, timeoutMs);
}

/**
 * @typedef {object} Generation A Python the agent and integration groups run on.
 * @property {string} name      Debian suite: bookworm (the host), trixie, forky
 * @property {string} python    the interpreter, or a Debian root's launcher
 * @property {string} [label]   "Python 3.14.8, Scrapy 2.19.0, debugpy 1.8.20"
 * @property {string} [skipped] why it does not run
 */

/** @param {string} python */
function describePython(python) {
  try {
    return execFileSync(python, ['-c', 'import sys, scrapy, debugpy; print("Python %d.%d.%d, Scrapy %s, debugpy %s" % (sys.version_info[:3] + (scrapy.__version__, debugpy.__version__)))'],
      { encoding: 'utf8', timeout: 60_000, stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

/** Why scripts/pyroots.sh could not build a root here (it runs in `npm test`'s setup). */
function whyNoRoot(/** @type {string} */ name) {
  if (!existsSync('/etc/debian_version')) return 'not Debian';
  if (process.getuid && process.getuid() !== 0) return 'not root (debootstrap needs root)';
  const log = join(PYROOTS, `${name}.log`);
  return existsSync(log) ? `its root failed to build: see ${log}` : 'its root is not built: run bash scripts/pyroots.sh';
}

/** @returns {Generation[]} */
function generations() {
  const wanted = process.env.LIVEREF_PYTHONS?.split(',').map((s) => s.trim()).filter(Boolean);
  return [['bookworm', PYTHON], ['trixie', join(PYROOTS, 'trixie.python')], ['forky', join(PYROOTS, 'forky.python')]].map(([name, python]) => {
    if (wanted && !wanted.includes(name)) return { name, python, skipped: `LIVEREF_PYTHONS=${process.env.LIVEREF_PYTHONS}` };
    if (!existsSync(python)) return { name, python, skipped: whyNoRoot(name) };
    const label = describePython(python);
    return label ? { name, python, label } : { name, python, skipped: `${python} cannot import scrapy and debugpy` };
  });
}

const GENERATIONS = generations();
const RUNNING = GENERATIONS.filter((g) => !g.skipped);

function generationsLine() {
  return GENERATIONS.map((g) => (g.skipped ? `${g.name}: skipped (${g.skipped})` : `${g.name}: ${g.label}`)).join(' · ');
}

/** Integration files that start no Python (Node programs only) run on the first generation only. */
const NODE_ONLY = /^node\w*\.test\.js$/i;

/** @param {Generation} g @param {number} i */
const suffix = (g, i) => (i === 0 && g.name === 'bookworm' ? '' : `[${g.name}]`);

/** @type {Record<string, () => Promise<void>>} */
const plan = {
  unit: () => mochaGroup('unit', 'unit', 3 * 60_000, 20_000),
  agent: async () => {
    for (const [i, g] of RUNNING.entries()) await agentGroup(6 * 60_000, `agent${suffix(g, i)}`, g.python);
  },
  integration: async () => {
    for (const [i, g] of RUNNING.entries()) {
      await mochaGroup(`integration${suffix(g, i)}`, 'integration', 10 * 60_000, 120_000, { LIVEREF_PYTHON: g.python }, (f) => i === 0 || !NODE_ONLY.test(f));
    }
  },
  workbench: () => workbenchGroup(16 * 60_000),
};

function summarize() {
  const failed = results.filter((r) => r.state === 'failed');
  if (failed.length) {
    console.log(`\n${red('Failures')}`);
    failed.forEach((r, i) => {
      console.log(`\n${i + 1}) ${r.group} › ${r.fullTitle ?? r.title}`);
      if (r.error) console.log(String(r.error).replace(/^/gm, '   '));
    });
  }
  const passed = results.filter((r) => r.state === 'passed').length;
  const skipped = results.filter((r) => r.state === 'pending').length;
  const times = Object.entries(groupTimes).map(([g, ms]) => `${g} ${Math.round(ms / 1000)} s`).join(' · ');
  console.log(`\n${dim(`${Math.round((Date.now() - started) / 1000)} s (${times}); logs in ${LOGS}`)}`);
  if (only.includes('agent') || only.includes('integration')) console.log(`Python generations: ${generationsLine()}`);
  console.log(`${passed} passed, ${failed.length} failed${skipped ? `, ${skipped} skipped` : ''}`);
  return failed.length;
}

async function stopCurrent() {
  if (current?.child?.pid) await killGroup(current.child.pid, 15_000);
  await killMarked(MARKER_VAR, marker, 2000);
}

let signals = 0;
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, async () => {
    if (++signals > 1) { killMarkedSync(MARKER_VAR, marker); process.exit(130); }
    interrupted = true;
    console.log(red(`\n${sig}: stopping…`));
    setTimeout(() => { killMarkedSync(MARKER_VAR, marker); process.exit(130); }, 25_000).unref();
    await stopCurrent();
  });
}
process.on('exit', () => killMarkedSync(MARKER_VAR, marker));

const overall = setTimeout(async () => {
  console.log(red(`\noverall timeout (${OVERALL_TIMEOUT_MS / 60_000} min): stopping`));
  interrupted = true;
  await stopCurrent();
}, OVERALL_TIMEOUT_MS);

if (only.includes('agent') || only.includes('integration')) console.log(dim(`Python generations: ${generationsLine()}`));
for (const group of GROUPS.filter((g) => only.includes(g))) {
  if (interrupted) { fail(group, `${group}: not run`, 'interrupted or out of time'); continue; }
  console.log(dim(`── ${group} ──`));
  const t0 = Date.now();
  try {
    await plan[group]();
  } catch (error) {
    fail(group, `${group}: runner error`, String(/** @type {any} */ (error)?.stack ?? error));
  }
  groupTimes[group] = Date.now() - t0;
}
clearTimeout(overall);
await killMarked(MARKER_VAR, marker, 2000);
const failures = summarize();
process.exit(failures || interrupted ? 1 : 0);
