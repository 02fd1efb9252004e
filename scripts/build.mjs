// Bundles the extension host code, the CLI, the two webviews and the test suites with esbuild.
// Type checking is `npm run typecheck` (esbuild strips types without checking them).
import * as esbuild from 'esbuild';
import { readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

// `*.page.js` is code that runs in a Node debuggee (e.g. runtimes/node/pageHook.page.js): linted
// as JavaScript, imported as its source text (typed by runtimes/node/pageText.d.ts).
const node = {
  bundle: true, platform: 'node', format: 'cjs', target: 'node20', sourcemap: !production,
  external: ['vscode', 'mocha', 'playwright-core', 'esbuild'], logLevel: 'warning',
  loader: { '.page.js': 'text' },
};

function testEntries(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => f.endsWith('.test.ts')).map((f) => join(dir, f));
}

const builds = [
  { ...node, entryPoints: ['extension/extension.ts'], outfile: 'dist/extension.js' },
  { ...node, entryPoints: ['extension/cli/cli.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
  // The Node engine parses heap snapshots in this worker thread (extension host and CLI alike).
  { ...node, entryPoints: ['extension/runtimes/node/heap/heapWorker.ts'], outfile: 'dist/heapWorker.js' },
  {
    bundle: true, platform: 'browser', format: 'iife', target: 'es2022', sourcemap: !production,
    entryPoints: ['webview/partition/partitionView.ts'], outfile: 'dist/partitionWebview.js', logLevel: 'warning',
  },
  {
    bundle: true, platform: 'browser', format: 'iife', target: 'es2022', sourcemap: !production,
    entryPoints: ['webview/time/timeView.ts'], outfile: 'dist/timeWebview.js', logLevel: 'warning',
  },
  // Suites run by mocha in plain Node (unit, integration) and inside the extension host (workbench).
  ...['unit', 'integration', 'suite'].map((kind) => ({
    ...node, entryPoints: testEntries(`test/${kind}`), outdir: `out/test/${kind}`, bundle: true,
  })),
  { ...node, entryPoints: testEntries('bench/inhost'), outdir: 'out/bench/inhost' },
  // Benches load @vscode/v8-heap-parser (the baseline) from node_modules: its wasm sits next to its JS.
  { ...node, entryPoints: existsSync('bench') ? readdirSync('bench').filter((f) => f.endsWith('.bench.ts')).map((f) => join('bench', f)) : [], outdir: 'out/bench', external: [...node.external, '@vscode/v8-heap-parser'] },
].filter((b) => b.entryPoints.length);

const existing = builds.filter((b) => b.entryPoints.every((e) => existsSync(e)));
if (watch) {
  for (const b of existing) await (await esbuild.context(b)).watch();
  console.log('watching…');
} else {
  // Build every bundle even if one fails, so one broken entry does not block the others.
  const results = await Promise.allSettled(existing.map((b) => esbuild.build(b)));
  if (results.some((r) => r.status === 'rejected')) process.exitCode = 1;
}
