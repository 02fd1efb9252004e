// Reveal Oldest Object (get_oldest) and Iterate All (iter_all): find live objects of a class and
// open them in the Inspected Objects view.
import * as vscode from 'vscode';
import type { ObjectSummary } from '../../core/types';
import { formatAge } from '../../core/prefsFormat';
import type { LiveRefsNode } from '../views/liveRefsTree';
import { Commands } from '../commandIds';
import { describeError } from '../errors';
import type { FeatureContext } from '../featureContext';
import { ClassTarget, pickClass, pickSession } from './pickTarget';

const PAGE = 200;

export function registerObjectCommands(ctx: FeatureContext): vscode.Disposable[] {
  const open = (sessionId: string, summary: ObjectSummary) => ctx.objects.open(sessionId, summary);
  return [
    vscode.commands.registerCommand(Commands.revealOldest, async (node?: LiveRefsNode) => {
      const target = await pickClass(ctx, node, vscode.l10n.t('Class whose oldest live object to reveal'));
      if (!target) return undefined;
      try {
        const oldest = await target.entry.engine.oldest(target.className);
        if (!oldest) {
          void vscode.window.showInformationMessage(vscode.l10n.t('No live {0} objects any more.', target.className));
          return undefined;
        }
        await open(target.entry.session.id, oldest);
        return oldest;
      } catch (error) {
        void vscode.window.showWarningMessage(describeError(error));
        return undefined;
      }
    }),
    // Internal: a bar of the age histogram (time webview) was clicked.
    vscode.commands.registerCommand(Commands.iterateAges, async (args: { sessionId: string; className: string } & AgeRange) => {
      const entry = pickSession(ctx, args.sessionId);
      if (!entry) return undefined;
      const picked = await iteratePick({ entry, className: args.className }, { minAgeS: args.minAgeS, maxAgeS: args.maxAgeS, ageAt: args.ageAt });
      if (picked) await open(entry.session.id, picked);
      return picked;
    }),
    vscode.commands.registerCommand(Commands.iterateAll, async (node?: LiveRefsNode) => {
      const target = await pickClass(ctx, node, vscode.l10n.t('Class whose live objects to list'));
      if (!target) return undefined;
      const picked = await iteratePick(target);
      if (picked) await open(target.entry.session.id, picked);
      return picked;
    }),
  ];
}

type Item = vscode.QuickPickItem & { summary?: ObjectSummary; more?: boolean };

function toItem(summary: ObjectSummary): Item {
  const age = summary.ageS !== undefined ? vscode.l10n.t('{0} old', formatAge(summary.ageS))
    : summary.createdBeforeAttach ? vscode.l10n.t('(created before Live References attached)') : '';
  // Quick pick labels render codicons from `$(…)`; untrusted text must not, so break the syntax.
  const text = (summary.url ?? summary.repr).replace(/\$\(/g, '$\u200b(');
  return { label: text, description: age, detail: summary.url ? summary.repr.replace(/\$\(/g, '$\u200b(') : undefined, summary, alwaysShow: true };
}

/** Iterate All restricted to one bar of an age histogram (ages as of the histogram's `ageAt`). */
export interface AgeRange {
  minAgeS: number;
  maxAgeS: number;
  ageAt: number;
}

/** A quick pick that pages lazily through every live object of the class, filtered by the agent. */
export function iteratePick(target: ClassTarget, range?: AgeRange): Promise<ObjectSummary | undefined> {
  const pick = vscode.window.createQuickPick<Item>();
  pick.title = vscode.l10n.t('Live {0} objects', target.className);
  pick.placeholder = vscode.l10n.t('Filter by url or repr');
  pick.matchOnDescription = false;
  let items: Item[] = [];
  let cursor: string | undefined;
  let offset = 0;
  let generation = 0;
  let debounce: NodeJS.Timeout | undefined;

  const load = async (reset: boolean) => {
    const mine = reset ? ++generation : generation;
    if (reset) { items = []; cursor = undefined; offset = 0; }
    pick.busy = true;
    try {
      const page = await target.entry.engine.iterAll({ className: target.className, cursor, offset, limit: PAGE, filter: pick.value || undefined, ...range });
      if (mine !== generation) return;
      cursor = page.cursor;
      offset += page.items.length;
      items = [...items.filter((i) => !i.more), ...page.items.map(toItem)];
      if (!page.done) items.push({ label: vscode.l10n.t('$(ellipsis) Load more ({0} of {1})', offset, page.total), more: true, alwaysShow: true });
      pick.items = items;
      pick.title = range
        ? vscode.l10n.t('Live {0} objects created {1} – {2} ago: {3}', target.className, formatAge(range.minAgeS), formatAge(range.maxAgeS), page.total)
        : vscode.l10n.t('Live {0} objects: {1}', target.className, page.total);
    } catch (error) {
      if (mine === generation) pick.items = [{ label: describeError(error), alwaysShow: true }];
    } finally {
      if (mine === generation) pick.busy = false;
    }
  };

  return new Promise((resolve) => {
    pick.onDidChangeValue(() => {
      if (debounce) clearTimeout(debounce);
      debounce = setTimeout(() => void load(true), 250);
    });
    pick.onDidAccept(() => {
      const chosen = pick.selectedItems[0];
      if (chosen?.more) return void load(false);
      resolve(chosen?.summary);
      pick.hide();
    });
    pick.onDidHide(() => {
      resolve(undefined);
      pick.dispose();
      // The agent made a handle per listed object; keep only the one that was opened.
      const keep = pick.selectedItems[0]?.summary?.handle;
      const handles = items.map((i) => i.summary?.handle).filter((h): h is string => !!h && h !== keep);
      void target.entry.engine.release(handles).catch(() => undefined);
    });
    pick.show();
    void load(true);
  });
}
