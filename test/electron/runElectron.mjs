// @ts-check
// `npm run test:electron`: the in-host suites (out/test/suite/*.test.js) under a downloaded VS Code
// (Electron) with @vscode/test-electron, through the same entry as the workbench harness
// (test/suite/index.ts, run()). The product is loaded as a development extension, next to the
// test-runner extension that serves debug type `debugpy` (test/workbench/runner-extension).
// UI checks (ui('…')) need the workbench harness; tests that ask for one fail here with a clear
// message, except where they fall back to in-host checks.
//
// Where VS Code cannot be downloaded (no network), fails within ~30 s with one message, exit 1.
// On a headless Linux box run it under a display, e.g. `xvfb-run -a npm run test:electron`.
//
//   LIVEREF_VSCODE_VERSION=1.90.0 node test/electron/runElectron.mjs
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { downloadAndUnzipVSCode, runTests } from '@vscode/test-electron';
import { buildSuiteEntry, REPO } from '../workbench/entry.mjs';

const FIRST_CONTACT_MS = 30_000;
const version = process.env.LIVEREF_VSCODE_VERSION ?? 'stable';
const cachePath = join(REPO, '.cache/vscode-test');

/** @param {string} message */
function die(message) {
  console.error(message);
  process.exit(1);
}

/** Downloads (or finds) VS Code; gives up if nothing was received within FIRST_CONTACT_MS. */
async function vscodeExecutable() {
  let contact = false;
  /** @type {import('@vscode/test-electron').ProgressReporter} */
  const reporter = {
    report(report) {
      if (report.stage === 'foundMatchingInstall' || report.stage === 'newInstallComplete' || (report.stage === 'downloading' && report.bytesSoFar > 0)) contact = true;
      if (report.stage === 'downloading' && report.bytesSoFar === report.totalBytes) console.log(`downloaded VS Code ${version} (${report.totalBytes} bytes)`);
    },
    error() { /* reported by the rejection */ },
  };
  let timer;
  const noContact = new Promise((_, reject) => {
    timer = setInterval(() => { if (!contact) reject(new Error(`nothing received within ${FIRST_CONTACT_MS / 1000} s`)); }, FIRST_CONTACT_MS);
  });
  try {
    return await Promise.race([downloadAndUnzipVSCode({ version, cachePath, reporter, timeout: 15_000 }), noContact]);
  } finally {
    clearInterval(timer);
  }
}

let executable;
try {
  executable = await vscodeExecutable();
} catch (error) {
  die(`test:electron: cannot download VS Code ${version} (${String(/** @type {Error} */ (error)?.message ?? error).split('\n')[0]}). `
    + 'This machine cannot reach the VS Code download servers; run the same suites in a real workbench with '
    + '`node test/runAll.mjs --only workbench` (code-server + chromium).');
}

const entry = await buildSuiteEntry(join(REPO, 'test-output/electron/entry/index.js'));
const scratch = mkdtempSync(join(tmpdir(), 'liveref-electron-'));
const workspace = join(scratch, 'workspace');
mkdirSync(workspace);
try {
  await runTests({
    vscodeExecutablePath: executable,
    extensionDevelopmentPath: [REPO, join(REPO, 'test/workbench/runner-extension')],
    extensionTestsPath: entry,
    extensionTestsEnv: { LIVEREF_REPO: REPO },
    launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes',
      '--user-data-dir', join(scratch, 'user-data'), '--extensions-dir', join(scratch, 'extensions')],
  });
  console.log('test:electron: all in-host suites passed');
} catch (error) {
  console.error(`test:electron: ${String(/** @type {Error} */ (error)?.message ?? error)}`);
  process.exitCode = 1;
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
