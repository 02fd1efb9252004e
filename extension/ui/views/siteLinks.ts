// The source links of an inspected object and of its "why is this alive?" chain. Each site says
// where it came from: the creation-site hook (trackref objects, no tracemalloc needed) or
// tracemalloc (any object, when the program runs with it), and which rule picked the frame.
import * as vscode from 'vscode';
import type { SourceInfo, SourceLocation, UserCodeRule, WhyHop, WhyResult } from '../../core/types';
import type { InspectedRoot, InspectorNode } from './inspectorTree';
import { describeLocation } from './sourceLocations';
import { Commands } from '../commandIds';

const ENABLE_TRACEMALLOC = { command: Commands.enableTracemalloc, title: vscode.l10n.t('Turn on allocation tracing') };

function sourceName(location: SourceLocation): string {
  return location.source === 'creation' ? vscode.l10n.t('creation site') : location.source === 'tracemalloc' ? 'tracemalloc' : '';
}

/** "leaky.py:22 · creation site". */
export function describeSite(location: SourceLocation): string {
  const source = sourceName(location);
  return source ? `${describeLocation(location)} · ${source}` : describeLocation(location);
}

function ruleText(rule: UserCodeRule | undefined): string {
  const packages = (rule?.libraryModules ?? []).join(', ') || '—';
  return vscode.l10n.t('First frame in user code: not the standard library, site-packages or dist-packages, nor the packages {0} (setting liveReferences.libraryModules).', packages);
}

function sourceText(location: SourceLocation): string {
  if (location.source === 'creation') return vscode.l10n.t('From the creation-site hook on Scrapy trackref objects.');
  if (location.source === 'tracemalloc') return vscode.l10n.t('From tracemalloc (the program runs with PYTHONTRACEMALLOC).');
  return '';
}

function siteTooltip(location: SourceLocation, rule: UserCodeRule | undefined): string {
  return [`${location.path}:${location.line}`, sourceText(location), ruleText(rule)].filter(Boolean).join('\n');
}

export function sourceLinkNodes(root: InspectedRoot, info: SourceInfo): InspectorNode[] {
  if (info.allocation) {
    const label = info.allocation.source === 'creation' ? vscode.l10n.t('Created at') : vscode.l10n.t('Allocated at');
    return [{ kind: 'link', root, label, location: info.allocation, icon: 'go-to-file', detail: describeSite(info.allocation), tooltip: siteTooltip(info.allocation, info.userCode) }];
  }
  if (info.creationState === 'beforeAttach') {
    return [{ kind: 'link', root, label: vscode.l10n.t('Created before Live References attached'), icon: 'info',
      detail: vscode.l10n.t('restart the program under the debugger to record it') }];
  }
  const inner = info.creationStack?.[info.creationStack.length - 1];
  if (inner) {
    // Recorded, but every frame is library code (a Response made by Scrapy's downloader).
    return [{ kind: 'link', root, label: vscode.l10n.t('Created in library code'), location: inner, icon: 'library', detail: describeSite(inner), tooltip: siteTooltip(inner, info.userCode) }];
  }
  if (info.tracemalloc || info.allocationSitesSupported === false) return [];
  return [{
    kind: 'link', root, label: vscode.l10n.t('Allocation site unknown'), icon: 'info', command: ENABLE_TRACEMALLOC,
    detail: vscode.l10n.t('untracked object: tracemalloc (PYTHONTRACEMALLOC=25) records it'),
  }];
}

function hopNode(root: InspectedRoot, hop: WhyHop, rule: UserCodeRule | undefined): InspectorNode {
  const where = hop.allocation ? `  ${describeSite(hop.allocation)}`
    : hop.creationState === 'beforeAttach' ? `  ${vscode.l10n.t('(created before Live References attached)')}` : '';
  return {
    // A short label already names the container's kind (`dict (5 keys)`, `store (Map(300))`).
    kind: 'link', root, icon: 'arrow-left', location: hop.allocation,
    label: hop.label ? `← ${hop.via}` : `← ${hop.via}  ${hop.referrer.typeName}`,
    detail: `${hop.label ?? hop.referrer.url ?? hop.referrer.repr}${where}`,
    tooltip: hop.allocation ? siteTooltip(hop.allocation, rule) : undefined,
  };
}

/** Why there is no leak site, and the way to one. */
function missingLeakSite(root: InspectedRoot, why: WhyResult): InspectorNode | undefined {
  if (why.hops.some((h) => h.creationState === 'beforeAttach')) {
    return { kind: 'link', root, icon: 'info', label: vscode.l10n.t('Leak site unknown: created before Live References attached'),
      detail: vscode.l10n.t('restart the program under the debugger to record it') };
  }
  if (why.tracemalloc || why.allocationSitesSupported === false) return undefined;
  return { kind: 'link', root, icon: 'info', label: vscode.l10n.t('No referrer was created in user code'), command: ENABLE_TRACEMALLOC,
    detail: vscode.l10n.t('tracemalloc also knows where untracked objects (dicts, lists) were allocated') };
}

export function whyLinkNodes(root: InspectedRoot, why: WhyResult): InspectorNode[] {
  const nodes: InspectorNode[] = [];
  if (why.leakSite) {
    nodes.push({ kind: 'link', root, label: vscode.l10n.t('Leak site'), location: why.leakSite, icon: 'bug',
      detail: describeSite(why.leakSite), tooltip: siteTooltip(why.leakSite, why.userCode) });
  }
  if (why.holder) {
    nodes.push({ kind: 'link', root, label: vscode.l10n.t('Holder: {0}', why.holder.name ?? ''), location: why.holder, icon: 'symbol-field',
      detail: describeSite(why.holder) });
  }
  for (const hop of why.hops) nodes.push(hopNode(root, hop, why.userCode));
  nodes.push({ kind: 'link', root, icon: 'debug-stackframe-dot', label: vscode.l10n.t('Root: {0}', why.rootName ?? why.rootKind) });
  const missing = why.leakSite ? undefined : missingLeakSite(root, why);
  if (missing) nodes.push(missing);
  return nodes;
}
