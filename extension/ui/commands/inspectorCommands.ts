// Commands on inspected objects: why is it alive, and the click-through to source lines.
import * as vscode from 'vscode';
import type { SourceLocation } from '../../core/types';
import type { InspectedRoot, InspectorNode } from '../views/inspectorTree';
import { openLocation } from '../views/sourceLocations';
import { Commands } from '../commandIds';
import { describeError } from '../errors';
import type { FeatureContext } from '../featureContext';

async function offerAllocationTracing(ctx: FeatureContext, root: InspectedRoot): Promise<false> {
  await ctx.sessions.list().find((e) => e.session.id === root.sessionId)?.offerAllocationTracing?.();
  return false;
}

function rootOf(ctx: FeatureContext, node?: InspectorNode): InspectedRoot | undefined {
  if (node) return node.kind === 'root' ? node : node.root;
  const selected = ctx.inspectorView.selection[0];
  return selected ? rootOf(ctx, selected) : ctx.inspector.list()[0];
}

export function registerInspectorCommands(ctx: FeatureContext): vscode.Disposable[] {
  const withRoot = (action: (root: InspectedRoot) => Promise<unknown>) => async (node?: InspectorNode) => {
    const root = rootOf(ctx, node);
    if (!root) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Open an object first: Reveal Oldest Object or Iterate All.'));
      return undefined;
    }
    try {
      return await action(root);
    } catch (error) {
      void vscode.window.showWarningMessage(describeError(error));
      return undefined;
    }
  };
  const goTo = (pick: (root: InspectedRoot) => Promise<SourceLocation | undefined>, what: string) =>
    withRoot(async (root) => {
      const location = await pick(root);
      if (!location && !(await ctx.inspector.sourceOf(root)).tracemalloc && what === vscode.l10n.t('allocation site')) {
        return offerAllocationTracing(ctx, root);
      }
      return openLocation(location, what);
    });

  return [
    vscode.commands.registerCommand(Commands.whyAlive, withRoot(async (root) => {
      const why = await ctx.inspector.whyOf(root);
      await ctx.inspectorView.reveal({ kind: 'whyGroup', root }, { expand: true, focus: true }).then(undefined, () => undefined);
      return why;
    })),
    vscode.commands.registerCommand(Commands.goToLeakSite, withRoot(async (root) => {
      const why = await ctx.inspector.whyOf(root);
      if (!why.leakSite && why.hops.some((h) => h.creationState === 'beforeAttach')) {
        void vscode.window.showInformationMessage(vscode.l10n.t('This object\'s referrers were created before Live References attached, so where they were created is unknown. Restart the program under the debugger (setting liveReferences.creationSites on) to record it from the first line.'));
        return false;
      }
      if (!why.leakSite && !why.tracemalloc) return offerAllocationTracing(ctx, root);
      return openLocation(why.leakSite, vscode.l10n.t('leak site'));
    })),
    vscode.commands.registerCommand(Commands.goToHolder, withRoot(async (root) => {
      const why = await ctx.inspector.whyOf(root);
      if (!why.holder) {
        void vscode.window.showInformationMessage(vscode.l10n.t('The chain that keeps this object alive does not end in a module global or a class attribute.'));
        return false;
      }
      return openLocation(why.holder, vscode.l10n.t('holder'));
    })),
    vscode.commands.registerCommand(Commands.goToAllocation, goTo(async (root) => (await ctx.inspector.sourceOf(root)).allocation, vscode.l10n.t('allocation site'))),
    vscode.commands.registerCommand(Commands.goToClass, goTo(async (root) => (await ctx.inspector.sourceOf(root)).classDef, vscode.l10n.t('class definition'))),
    vscode.commands.registerCommand(Commands.goToCallback, goTo(async (root) => (await ctx.inspector.sourceOf(root)).callback, vscode.l10n.t('callback'))),
    vscode.commands.registerCommand(Commands.closeInspected, withRoot((root) => ctx.inspector.close(root))),
    vscode.commands.registerCommand(Commands.clearInspected, async () => {
      for (const root of [...ctx.inspector.list()]) await ctx.inspector.close(root);
    }),
    vscode.commands.registerCommand(Commands.openLocation, (location: SourceLocation) => openLocation(location, vscode.l10n.t('source'))),
    vscode.commands.registerCommand(Commands.inspectorLoadMore, (node: Extract<InspectorNode, { kind: 'more' }>) => ctx.inspector.loadMore(node)),
    vscode.commands.registerCommand(Commands.enableTracemalloc, async () => {
      const entry = ctx.sessions.active();
      if (entry?.offerAllocationTracing) return entry.offerAllocationTracing();
      void vscode.window.showInformationMessage(vscode.l10n.t('Allocation sites need a Python debug session.'));
      return undefined;
    }),
  ];
}
