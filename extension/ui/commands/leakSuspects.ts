// Leak Suspects: the retained size of every tracked class and of the via groups of the biggest,
// ranked (growing first, then by what they keep alive), and the top suspect opened with its "why"
// chain and its leak site — Eclipse MAT's report, live. "All Suspects" lists the ranking in a quick
// pick over the editor (an output channel would push the Live References tab out of the panel);
// picking one opens it the same way.
import * as vscode from 'vscode';
import type { ObjectSummary, Partition } from '../../core/types';
import { formatBytes, shortTypeName } from '../../core/byteSize';
import { rankSuspects, Suspect } from './suspectRanking';
import { Commands } from '../commandIds';
import { describeError, isCancellation } from '../errors';
import type { InspectedRoot } from '../views/inspectorTree';
import type { FeatureContext, SessionEngine } from '../featureContext';
import { computeClasses } from './retainedCommands';
import { pickSession } from './pickTarget';

const MAX_CLASSES = 12;
const VIA_CLASSES = 3;

export function suspectTitle(s: Suspect): string {
  return s.via === undefined ? s.className : vscode.l10n.t('{0} via {1}', s.className, s.via || vscode.l10n.t('(no named referrer)'));
}

export function suspectDetail(s: Suspect): string {
  const growth = s.growth > 0 ? `+${s.growth}` : String(s.growth);
  return vscode.l10n.t('keeps {0} alive ({1} objects{2}); {3} live, {4} since the previous refresh',
    formatBytes(s.retained.size), s.retained.count.toLocaleString(), s.mostly ? vscode.l10n.t(', mostly {0}', s.mostly) : '', s.count, growth);
}

async function viaSuspects(entry: SessionEngine, className: string, base: Omit<Suspect, 'retained' | 'via'>, signal: AbortSignal): Promise<{ suspects: Suspect[]; partition: Partition }> {
  const partition = await entry.engine.partition({ by: 'via', className, limit: 20, samples: 1, retained: true, retainedRows: 10 }, { signal });
  const suspects = partition.rows.filter((r) => r.retained).map((r): Suspect => ({
    ...base, via: r.label, count: r.count, retained: r.retained!, sample: r.samples?.[0], mostly: undefined,
  }));
  return { suspects, partition };
}

async function collect(ctx: FeatureContext, entry: SessionEngine): Promise<{ suspects: Suspect[]; handles: string[] } | undefined> {
  const rows = ctx.liveRefs.rowsOf(entry.session.id).filter((r) => r.count > 0).sort((a, b) => b.count - a.count).slice(0, MAX_CLASSES);
  if (!rows.length) {
    void vscode.window.showInformationMessage(vscode.l10n.t('No live tracked objects.'));
    return undefined;
  }
  const { results, cancelled } = await computeClasses(ctx, entry, rows.map((r) => r.className), vscode.l10n.t('Leak Suspects: retained size of each class'));
  if (cancelled) return undefined;
  if (!results.size) {
    // Each class's failure is already in its row (and the log); say why nothing can be ranked.
    void vscode.window.showWarningMessage(vscode.l10n.t('Leak Suspects: no retained size could be computed; see the Retained column of Live References.'));
    return undefined;
  }
  const suspects: Suspect[] = rows.filter((row) => results.has(row.className)).map((row) => {
    const r = results.get(row.className)!;
    return { className: row.className, count: row.count, growth: row.delta, retained: r, mostly: r.byType[0] && shortTypeName(r.byType[0].label) };
  });
  const handles: string[] = [];
  const biggest = [...suspects].sort((a, b) => b.retained.size - a.retained.size).slice(0, VIA_CLASSES);
  const ok = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Leak Suspects: via groups'), cancellable: true }, async (progress, token) => {
    const abort = new AbortController();
    token.onCancellationRequested(() => abort.abort());
    for (const s of biggest) {
      progress.report({ message: s.className, increment: 100 / biggest.length });
      try {
        const { suspects: groups, partition } = await viaSuspects(entry, s.className, s, abort.signal);
        suspects.push(...groups);
        for (const row of partition.rows) for (const sample of row.samples ?? []) if (sample.handle) handles.push(sample.handle);
      } catch (error) {
        if (isCancellation(error)) return false;
        ctx.logger.info(`leak suspects: via groups of ${s.className}: ${describeError(error)}`);
      }
    }
    return true;
  });
  return ok ? { suspects: rankSuspects(suspects), handles } : undefined;
}

async function openSuspect(ctx: FeatureContext, entry: SessionEngine, s: Suspect): Promise<InspectedRoot | undefined> {
  const summary: ObjectSummary | null = s.sample ?? await entry.engine.oldest(s.className);
  if (!summary) return undefined;
  const root = await ctx.objects.open(entry.session.id, summary);
  await vscode.commands.executeCommand(Commands.whyAlive, root);
  await vscode.commands.executeCommand(Commands.goToLeakSite, root);
  return root;
}

interface SuspectItem extends vscode.QuickPickItem { suspect: Suspect }

/** The ranking in a quick pick; the chosen suspect opens with its chain and leak site. */
async function showAll(ctx: FeatureContext, entry: SessionEngine, ranked: readonly Suspect[], top: Suspect): Promise<void> {
  const items = ranked.map((s, i): SuspectItem => ({
    label: `${i + 1}. ${suspectTitle(s)}`, detail: suspectDetail(s), suspect: s,
    iconPath: new vscode.ThemeIcon(s.growth > 0 ? 'flame' : 'symbol-class'),
  }));
  const choice = await vscode.window.showQuickPick(items, {
    title: vscode.l10n.t('Leak Suspects in {0} (growing first, then by retained size)', entry.session.name),
    placeHolder: vscode.l10n.t('Pick a suspect to open its object, its chain and its leak site'), matchOnDetail: true,
  });
  if (!choice) return;
  // Only the top suspect's sample handle is kept; the others open their class's oldest object.
  const suspect = choice.suspect === top ? top : { ...choice.suspect, sample: undefined };
  try {
    await openSuspect(ctx, entry, suspect);
  } catch (error) {
    void vscode.window.showWarningMessage(describeError(error));
  }
}

export function registerLeakSuspects(ctx: FeatureContext): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(Commands.leakSuspects, async () => {
      const entry = pickSession(ctx);
      if (!entry) return undefined;
      try {
        const found = await collect(ctx, entry);
        if (!found) return undefined;
        const [top] = found.suspects;
        const keep = top.sample?.handle;
        void entry.engine.release(found.handles.filter((h) => h !== keep)).catch(() => undefined);
        await openSuspect(ctx, entry, top);
        const all = vscode.l10n.t('All Suspects');
        void vscode.window.showInformationMessage(vscode.l10n.t('Top leak suspect: {0} {1}', suspectTitle(top), suspectDetail(top)), all)
          .then((choice) => (choice === all ? showAll(ctx, entry, found.suspects, top) : undefined));
        return found.suspects;
      } catch (error) {
        void vscode.window.showWarningMessage(describeError(error));
        return undefined;
      }
    }),
  ];
}
