// @ts-check
// Mocha reporter for test/runAll.mjs: one `@@result <json>` line per test (and failed hook) on
// stdout as it finishes, so the runner can print results as they come. Used for the unit and
// integration groups (plain Node); the in-host suites use test/suite/index.ts instead.
const Mocha = require('mocha');

const { EVENT_TEST_PASS, EVENT_TEST_FAIL, EVENT_TEST_PENDING, EVENT_RUN_END } = Mocha.Runner.constants;

/** @param {unknown} error */
function describeError(error) {
  if (!(error instanceof Error)) return String(error);
  const err = /** @type {Error & { actual?: unknown, expected?: unknown, showDiff?: boolean }} */ (error);
  let text = err.stack || `${err.name}: ${err.message}`;
  if (!text.includes(err.message)) text = `${err.message}\n${text}`;
  if (err.showDiff !== false && ('actual' in err || 'expected' in err)) {
    /** @param {unknown} v */
    const show = (v) => { try { return JSON.stringify(v, null, 1).slice(0, 2000); } catch { return String(v); } };
    text += `\n  actual:   ${show(err.actual)}\n  expected: ${show(err.expected)}`;
  }
  return text;
}

class EventsReporter extends Mocha.reporters.Base {
  /**
   * @param {import('mocha').Runner} runner
   * @param {import('mocha').MochaOptions} [options]
   */
  constructor(runner, options) {
    super(runner, options);
    /**
     * @param {import('mocha').Test} test
     * @param {'passed' | 'failed' | 'pending'} state
     * @param {unknown} [err]
     */
    const emit = (test, state, err) => {
      /** @type {{ title: string, fullTitle: string, state: string, durationMs?: number, file?: string, error?: string }} */
      const result = { title: test.title, fullTitle: test.fullTitle(), state, durationMs: test.duration, file: test.file };
      if (err !== undefined) result.error = describeError(err);
      process.stdout.write(`\n@@result ${JSON.stringify(result)}\n`);
    };
    runner.on(EVENT_TEST_PASS, (test) => emit(test, 'passed'));
    runner.on(EVENT_TEST_FAIL, (test, err) => emit(test, 'failed', err));
    runner.on(EVENT_TEST_PENDING, (test) => emit(test, 'pending'));
    runner.on(EVENT_RUN_END, () => process.stdout.write(`\n@@end ${JSON.stringify(runner.stats)}\n`));
  }
}

module.exports = EventsReporter;
