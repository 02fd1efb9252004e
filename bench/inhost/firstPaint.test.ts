// Runs inside the real workbench (see bench/webviewPaint.bench.ts): the partition webview's first
// paint for 10 k rows against 100 rows in the same run, as reported by the webview's own
// performance marks. Writes the figures to $LIVEREF_BENCH_OUT; asserts only that it measured.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LiveReferencesApi } from '../../extension/extension';
import { startSession } from '../../test/suite/debugSessions';
import { waitFor } from '../../test/shared/waitFor';

const PROGRAM = `
import time
classes = [type('T%05d' % i, (), {}) for i in range(12000)]
instances = [c() for c in classes]
print('READY', flush=True)
time.sleep(600)
`;
import { Commands } from '../../extension/ui/commandIds';

describe('bench: partition webview first paint', function () {
  this.timeout(300_000);
  it('measures 100 and 10 000 rows', async () => {
    const lr = await vscode.extensions.getExtension<LiveReferencesApi>('live-references.live-references')!.activate();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'liveref-paint-'));
    fs.writeFileSync(path.join(dir, 'types.py'), PROGRAM);
    const paint = await startSession({ type: 'debugpy', request: 'launch', name: 'paint', program: path.join(dir, 'types.py'), python: '/usr/bin/python3', console: 'internalConsole' });
    // The program holds its 12 000 types, and the extension has an engine for it.
    await paint.waitForOutput(/READY/, 120_000);
    await waitFor('the engine of the session', () => lr.sessions.get(paint.session), 30_000);
    const figures: Record<string, number[]> = {};
    try {
      for (const rows of [100, 10_000, 100, 10_000, 100, 10_000]) {
        const before = lr.partitionMetrics();
        await vscode.commands.executeCommand(Commands.showPartition, { limit: rows });
        const m = await waitFor('the webview to report its first paint', () => lr.partitionMetrics() !== before && lr.partitionMetrics(), 60_000)
          .catch(() => { throw new Error('the webview reported no first paint'); });
        (figures[String(rows)] ??= []).push(m.firstPaintMs);
        await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
      }
    } finally {
      await paint.stop();
    }
    fs.writeFileSync(process.env.LIVEREF_BENCH_OUT ?? path.join(dir, 'paint.json'), JSON.stringify(figures));
  });
});
