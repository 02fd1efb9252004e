// `npm run package`: production build, then `vsce package` into live-references.vsix (only what
// runs, see .vscodeignore), and prints its size. Also imported by the workbench test harness,
// which packages the current dist/ without rebuilding (packageExtension({ build: false })).
//
//   node scripts/package.mjs [--no-build] [-o out.vsix] [--dir extensionFolder]
import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const VSCE = join(REPO, 'node_modules/@vscode/vsce/vsce');
const SIZE_GOAL = 2 * 1024 * 1024;

/** Runs a command to completion with a timeout; rejects with its output on failure. */
function run(cmd, args, { cwd = REPO, timeoutMs = 120_000, quiet = false } = {}) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let output = '';
    const onData = (d) => { output += d; if (!quiet) process.stderr.write(d); };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const timer = setTimeout(() => {
      try { process.kill(-child.pid, 'SIGKILL'); } catch { /* already gone */ }
      reject(new Error(`${cmd} ${args.join(' ')}: timed out after ${timeoutMs} ms\n${output}`));
    }, timeoutMs);
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolvePromise(output);
      else reject(new Error(`${cmd} ${args.slice(0, 2).join(' ')} … exited with ${code ?? signal}\n${output}`));
    });
  });
}

/**
 * Packages an extension folder with vsce. For the product (dir = REPO) it first runs the
 * production build unless build is false. Returns { vsix, bytes }.
 */
export async function packageExtension({ dir = REPO, out, build = dir === REPO, quiet = false, timeoutMs = 180_000 } = {}) {
  const vsix = resolve(out ?? join(dir, 'live-references.vsix'));
  if (build) await run(process.execPath, [join(REPO, 'scripts/build.mjs'), '--production'], { quiet, timeoutMs });
  if (dir === REPO && !existsSync(join(REPO, 'dist/extension.js'))) {
    throw new Error('dist/extension.js is missing: run `node scripts/build.mjs` first');
  }
  await run(process.execPath, [VSCE, 'package', '--no-dependencies', '--allow-missing-repository', '--skip-license',
    // README images are relative to the repository; keep them as they are rather than fail.
    '--no-rewrite-relative-links', '--allow-star-activation', '-o', vsix], { cwd: dir, quiet, timeoutMs });
  return { vsix, bytes: statSync(vsix).size };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = process.argv.slice(2);
  const opt = (name) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined; };
  try {
    const { vsix, bytes } = await packageExtension({
      dir: opt('--dir') ? resolve(opt('--dir')) : REPO,
      out: opt('-o') ?? opt('--out'),
      build: args.includes('--no-build') ? false : undefined,
    });
    const mb = (bytes / 1024 / 1024).toFixed(2);
    console.log(`${vsix}: ${bytes} bytes (${mb} MB)${bytes > SIZE_GOAL ? ' — over the 2 MB goal' : ''}`);
  } catch (error) {
    console.error(String(error?.message ?? error));
    process.exit(1);
  }
}
