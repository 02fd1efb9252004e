// Shared entry of the in-host suites (out/test/suite/*.test.js): `run()` runs them with mocha
// inside the extension host. Used by both
//  - the workbench harness (test/workbench/): its runner extension calls run() on activation in a
//    real code-server workbench; results go to files named by environment variables, and
//  - @vscode/test-electron (test/electron/runElectron.mjs) as extensionTestsPath.
// This file is bundled on its own (test/workbench/entry.mjs) next to nothing: `mocha` is resolved
// from the repository's node_modules at run time.
//
// Environment:
//   LIVEREF_TEST_SUITES    JSON array of absolute suite files (default: <repo>/out/test/suite/*.test.js)
//   LIVEREF_TEST_RESULTS   final results file: { results: TestResult[], stats }
//   LIVEREF_TEST_PROGRESS  JSON lines as the run goes: start, begin, result, end
//   LIVEREF_TEST_GREP      optional mocha grep
//   LIVEREF_REPO           repository root (else found from this file's location)
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

export interface TestResult {
  title: string;
  fullTitle: string;
  state: 'passed' | 'failed' | 'pending';
  error?: string;
  durationMs?: number;
  file?: string;
}

function repoRoot(): string {
  if (process.env.LIVEREF_REPO) return process.env.LIVEREF_REPO;
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    try {
      if (JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).name === 'live-references') return dir;
    } catch { /* keep looking */ }
  }
  throw new Error(`cannot find the repository root above ${__dirname}`);
}

export function suiteFiles(): string[] {
  if (process.env.LIVEREF_TEST_SUITES) return JSON.parse(process.env.LIVEREF_TEST_SUITES) as string[];
  const dir = path.join(repoRoot(), 'out/test/suite');
  return fs.readdirSync(dir).filter((f) => f.endsWith('.test.js')).sort().map((f) => path.join(dir, f));
}

function describeError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const e = err as Error & { actual?: unknown; expected?: unknown; showDiff?: boolean };
  let text = e.stack ?? `${e.name}: ${e.message}`;
  if (!text.includes(e.message)) text = `${e.message}\n${text}`;
  if (e.showDiff !== false && ('actual' in e || 'expected' in e)) {
    const show = (v: unknown) => { try { return JSON.stringify(v, null, 1)?.slice(0, 2000); } catch { return String(v); } };
    text += `\n  actual:   ${show(e.actual)}\n  expected: ${show(e.expected)}`;
  }
  return text;
}

/** Writes each event as a JSON line to LIVEREF_TEST_PROGRESS and prints a spec-like line. */
function makeReporter(progressFile: string | undefined, results: TestResult[]) {
  const { EVENT_RUN_BEGIN, EVENT_RUN_END, EVENT_TEST_BEGIN, EVENT_TEST_PASS, EVENT_TEST_FAIL, EVENT_TEST_PENDING } = Mocha.Runner.constants;
  const emit = (event: object) => {
    if (progressFile) fs.appendFileSync(progressFile, JSON.stringify(event) + '\n');
  };
  const record = (test: Mocha.Runnable, state: TestResult['state'], err?: unknown) => {
    const result: TestResult = {
      title: test.title, fullTitle: test.fullTitle(), state,
      durationMs: test.duration, file: test.file, ...(err !== undefined ? { error: describeError(err) } : {}),
    };
    results.push(result);
    emit({ type: 'result', ...result });
    const mark = state === 'passed' ? '✓' : state === 'failed' ? '✗' : '-';
    console.log(`  ${mark} ${result.fullTitle}${result.error ? `\n${result.error}` : ''}`);
  };
  return class ProgressReporter extends Mocha.reporters.Base {
    constructor(runner: Mocha.Runner, options?: Mocha.MochaOptions) {
      super(runner, options);
      runner.on(EVENT_RUN_BEGIN, () => emit({ type: 'start', total: runner.total, time: Date.now() }));
      runner.on(EVENT_TEST_BEGIN, (test) => emit({ type: 'begin', fullTitle: test.fullTitle(), time: Date.now() }));
      runner.on(EVENT_TEST_PASS, (test) => record(test, 'passed'));
      runner.on(EVENT_TEST_FAIL, (test, err) => record(test, 'failed', err));
      runner.on(EVENT_TEST_PENDING, (test) => record(test, 'pending'));
      runner.on(EVENT_RUN_END, () => emit({ type: 'end', stats: runner.stats, time: Date.now() }));
    }
  };
}

/** Runs the suites; resolves when done and rejects if any test failed (test-electron's contract). */
export function run(): Promise<void> {
  const results: TestResult[] = [];
  const resultsFile = process.env.LIVEREF_TEST_RESULTS;
  const progressFile = process.env.LIVEREF_TEST_PROGRESS;
  const writeResults = (extra: object = {}) => {
    if (!resultsFile) return;
    fs.writeFileSync(resultsFile + '.tmp', JSON.stringify({ results, ...extra }, null, 1));
    fs.renameSync(resultsFile + '.tmp', resultsFile);
  };
  return new Promise<void>((resolve, reject) => {
    try {
      const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60_000, reporter: makeReporter(progressFile, results) });
      if (process.env.LIVEREF_TEST_GREP) mocha.grep(process.env.LIVEREF_TEST_GREP);
      for (const file of suiteFiles()) mocha.addFile(file);
      mocha.run((failures) => {
        writeResults({ failures });
        if (failures > 0) reject(new Error(`${failures} test(s) failed`));
        else resolve();
      });
    } catch (error) {
      // A suite that cannot even load counts as a failed test, not as silence.
      results.push({ title: 'load the in-host suites', fullTitle: 'load the in-host suites', state: 'failed', error: describeError(error) });
      if (progressFile) fs.appendFileSync(progressFile, JSON.stringify({ type: 'result', ...results[results.length - 1] }) + '\n');
      writeResults({ failures: 1 });
      reject(error);
    }
  });
}
