// Runs inside the real workbench (see bench/webviewPaint.bench.ts): the partition webview's first
// paint for 10 k rows against 100 rows in the same run, as reported by the webview's own
// performance marks. Writes the figures to $LIVEREF_BENCH_OUT; asserts only that it measured.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LiveReferencesApi } from '../../extension/extension';

const PROGRAM = `
import time
classes = [type('T%05d' % i, (), {}) for i in range(12000)]
instances = [c() for c in classes]
print('READY', flush=True)
time.sleep(600)
`;
import { Commands } from '../../extension/ui/commandIds';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('bench: partition webview first paint', function () {
  this.timeout(300_000);
  it('measures 100 and 10 000 rows', async () => {
    const lr = await vscode.extensions.getExtension<LiveReferencesApi>('live-references.live-references')!.activate();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'liveref-paint-'));
    fs.writeFileSync(path.join(dir, 'types.py'), PROGRAM);
    const started = new Promise<vscode.DebugSession>((resolve) => vscode.debug.onDidStartDebugSession(resolve));
    await vscode.debug.startDebugging(undefined, { type: 'debugpy', request: 'launch', name: 'paint', program: path.join(dir, 'types.py'), python: '/usr/bin/python3', console: 'internalConsole' });
    const session = await started;
    await sleep(3000);
    const figures: Record<string, number[]> = {};
    try {
      for (const rows of [100, 10_000, 100, 10_000, 100, 10_000]) {
        const before = lr.partitionMetrics();
        await vscode.commands.executeCommand(Commands.showPartition, { limit: rows });
        for (let i = 0; i < 600 && lr.partitionMetrics() === before; i++) await sleep(100);
        const m = lr.partitionMetrics();
        if (!m || m === before) throw new Error('the webview reported no first paint');
        (figures[String(rows)] ??= []).push(m.firstPaintMs);
        await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
      }
    } finally {
      await vscode.debug.stopDebugging(session);
    }
    fs.writeFileSync(process.env.LIVEREF_BENCH_OUT ?? path.join(dir, 'paint.json'), JSON.stringify(figures));
  });
});
