// Retained size on demand: one Live References row, every row ("compute all"), or an inspected
// object. Never run by a refresh: a retained walk costs up to a heap pass in the program.
import * as vscode from 'vscode';
import type { RetainedResult } from '../../core/types';
import type { LiveRefsNode } from '../views/liveRefsTree';
import type { InspectedRoot } from '../views/inspectorTree';
import { Commands } from '../commandIds';
import { describeError, isCancellation } from '../errors';
import { retainedSentence } from '../retainedText';
import type { FeatureContext, SessionEngine } from '../featureContext';
import { pickClass, pickSession } from './pickTarget';
import { INSPECTED_VIEW } from '../views/revealOnSessionStart';

/** Computes the retained size of each class in turn, filling the Retained column as it goes. */
export async function computeClasses(ctx: FeatureContext, entry: SessionEngine, classNames: readonly string[],
  title: string): Promise<{ results: Map<string, RetainedResult>; cancelled: boolean }> {
  const results = new Map<string, RetainedResult>();
  let cancelled = false;
  const sessionId = entry.session.id;
  await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
    const abort = new AbortController();
    token.onCancellationRequested(() => abort.abort());
    for (const [i, className] of classNames.entries()) {
      if (abort.signal.aborted) { cancelled = true; break; }
      progress.report({ message: `${className} (${i + 1}/${classNames.length})`, increment: 100 / classNames.length });
      ctx.liveRefs.retained.set(sessionId, className, { kind: 'computing' });
      try {
        const result = await entry.engine.retained({ className, largest: 0 }, { signal: abort.signal });
        results.set(className, result);
        ctx.liveRefs.retained.set(sessionId, className, { kind: 'done', result, at: Date.now() });
      } catch (error) {
        if (isCancellation(error)) { cancelled = true; ctx.liveRefs.retained.forgetClass(sessionId, className); break; }
        ctx.liveRefs.retained.set(sessionId, className, { kind: 'error', message: describeError(error) });
        ctx.logger.info(`retained ${className}: ${describeError(error)}`);
      }
    }
    for (const className of classNames) if (ctx.liveRefs.retained.get(sessionId, className)?.kind === 'computing') ctx.liveRefs.retained.forgetClass(sessionId, className);
  });
  return { results, cancelled };
}

export function registerRetainedCommands(ctx: FeatureContext): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(Commands.computeRetained, async (node?: LiveRefsNode) => {
      const target = await pickClass(ctx, node, vscode.l10n.t('Class whose retained size to compute'));
      if (!target) return undefined;
      const { results } = await computeClasses(ctx, target.entry, [target.className], vscode.l10n.t('Retained size of {0}', target.className));
      return results.get(target.className);
    }),
    vscode.commands.registerCommand(Commands.computeAllRetained, async () => {
      const entry = pickSession(ctx);
      if (!entry) return undefined;
      const classes = ctx.liveRefs.rowsOf(entry.session.id).filter((r) => r.count > 0).map((r) => r.className);
      if (!classes.length) {
        void vscode.window.showInformationMessage(vscode.l10n.t('No live tracked objects.'));
        return undefined;
      }
      const { results } = await computeClasses(ctx, entry, classes, vscode.l10n.t('Retained sizes of {0} classes', classes.length));
      return Object.fromEntries(results);
    }),
    vscode.commands.registerCommand(Commands.computeRetainedOfObject, async (node?: InspectedRoot) => {
      const root = node ?? ctx.inspector.list()[0];
      if (!root?.summary.handle) {
        void vscode.window.showInformationMessage(vscode.l10n.t('Open an object first: Reveal Oldest Object or Iterate All.'));
        return undefined;
      }
      try {
        const result = await vscode.window.withProgress({ location: { viewId: INSPECTED_VIEW } }, () => ctx.inspector.computeRetained(root));
        vscode.window.setStatusBarMessage(`${root.summary.typeName} ${retainedSentence(result)}`, 8000);
        return result;
      } catch (error) {
        void vscode.window.showWarningMessage(describeError(error));
        return undefined;
      }
    }),
  ];
}
