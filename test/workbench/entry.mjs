// @ts-check
// Bundles the shared in-host entry (test/suite/index.ts) to a CommonJS file under test-output/,
// for the workbench runner extension and for @vscode/test-electron. `mocha` and `vscode` stay
// external: mocha resolves from the repository's node_modules (test-output/ is inside the repo).
import * as esbuild from 'esbuild';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export async function buildSuiteEntry(outfile = join(REPO, 'test-output/entry/index.js')) {
  await esbuild.build({
    entryPoints: [join(REPO, 'test/suite/index.ts')], outfile, bundle: true, platform: 'node', format: 'cjs',
    target: 'node20', sourcemap: 'inline', external: ['vscode', 'mocha'], logLevel: 'warning',
  });
  return outfile;
}
