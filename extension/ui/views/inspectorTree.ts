// "Inspected Objects": objects opened by Reveal oldest / Iterate all / the partition view, as
// expandable trees. Attributes load lazily one level at a time; source links and the "why is this
// alive?" chain load when expanded. Closing an object releases every handle under it.
import * as vscode from 'vscode';
import type { InspectResult, ObjectSummary, RetainedResult, SourceInfo, SourceLocation, WhyResult } from '../../core/types';
import type { SessionEngines } from '../sessions/sessionEngines';
import { describeError } from '../errors';
import { describeLocation } from './sourceLocations';
import { sourceLinkNodes, whyLinkNodes } from './siteLinks';
import { retainedSentence, retainedTooltip } from '../retainedText';
import { Commands } from '../commandIds';

const PAGE = 100;
/** How often the ages of inspected objects ("37s old") move on, like the Live References refresh. */
const AGE_TICK_MS = 2000;

export interface InspectedRoot {
  kind: 'root';
  id: number;
  sessionId: string;
  summary: ObjectSummary;
  handles: Set<string>;
  source?: Promise<SourceInfo>;
  why?: Promise<WhyResult>;
  /** Computed on demand (Compute Retained Size): what closing the object's referrers would free. */
  retained?: { result?: RetainedResult; error?: string };
}

export type InspectorNode =
  | InspectedRoot
  | { kind: 'value'; root: InspectedRoot; via: string; summary: ObjectSummary; path: string }
  | { kind: 'more'; root: InspectedRoot; parent: ObjectSummary; offset: number; path: string }
  | { kind: 'whyGroup'; root: InspectedRoot }
  | { kind: 'link'; root: InspectedRoot; label: string; location?: SourceLocation; icon: string; detail?: string; command?: vscode.Command; tooltip?: string };

export class InspectorTree implements vscode.TreeDataProvider<InspectorNode> {
  private readonly roots: InspectedRoot[] = [];
  private nextId = 1;
  private readonly emitter = new vscode.EventEmitter<InspectorNode | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  /** Extra pages loaded per parent path, for "Load more". */
  private readonly extraPages = new Map<string, number>();
  /** When each summary arrived: its age then was `ageS`, so it is older by the time since. */
  private readonly receivedAt = new WeakMap<ObjectSummary, number>();
  /** Attributes as loaded, reused by the age tick so moving ages on costs no call to the program. */
  private readonly loaded = new Map<string, Promise<InspectResult>>();
  private ageTimer: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly sessions: SessionEngines) {}

  add(sessionId: string, summary: ObjectSummary): InspectedRoot {
    const root: InspectedRoot = { kind: 'root', id: this.nextId++, sessionId, summary, handles: new Set(summary.handle ? [summary.handle] : []) };
    this.receivedAt.set(summary, Date.now());
    this.roots.unshift(root);
    this.refresh();
    return root;
  }

  /** Reloads what is shown (attributes included) after a change. */
  refresh(): void {
    this.loaded.clear();
    this.emitter.fire(undefined);
    this.scheduleAgeTicks();
  }

  /** Ages move on while objects with an age are open; nothing is asked of the program for it. */
  private scheduleAgeTicks(): void {
    const aging = this.roots.some((r) => r.summary.ageS !== undefined);
    if (aging && !this.ageTimer) this.ageTimer = setInterval(() => this.emitter.fire(undefined), AGE_TICK_MS);
    else if (!aging && this.ageTimer) { clearInterval(this.ageTimer); this.ageTimer = undefined; }
  }

  /** The age of `summary` now, from its age when it arrived. */
  ageNow(summary: ObjectSummary, now = Date.now()): number | undefined {
    if (summary.ageS === undefined) return undefined;
    const at = this.receivedAt.get(summary);
    return summary.ageS + (at === undefined ? 0 : Math.max(0, now - at) / 1000);
  }

  list(): readonly InspectedRoot[] {
    return this.roots;
  }

  /** True while an inspected object of that session still uses the handle. */
  holds(sessionId: string, handle: string): boolean {
    return this.roots.some((r) => r.sessionId === sessionId && r.handles.has(handle));
  }

  async close(root: InspectedRoot): Promise<void> {
    const index = this.roots.indexOf(root);
    if (index >= 0) this.roots.splice(index, 1);
    this.refresh();
    // Releasing is best effort: if the session ended, the agent's table went with it.
    await this.sessions.list().find((e) => e.session.id === root.sessionId)?.engine.release([...root.handles]).catch(() => undefined);
  }

  sourceOf(root: InspectedRoot): Promise<SourceInfo> {
    root.source ??= this.engineFor(root).sourceOf(root.summary.handle!);
    root.source.catch(() => { root.source = undefined; });
    return root.source;
  }

  whyOf(root: InspectedRoot): Promise<WhyResult> {
    root.why ??= this.engineFor(root).why(root.summary.handle!).then((why) => {
      for (const hop of why.hops) if (hop.referrer.handle) root.handles.add(hop.referrer.handle);
      return why;
    });
    root.why.catch(() => { root.why = undefined; });
    return root.why;
  }

  getTreeItem(node: InspectorNode): vscode.TreeItem {
    switch (node.kind) {
      case 'root': return this.objectItem(node.summary, node.summary.typeName, 'inspectedRoot', vscode.TreeItemCollapsibleState.Expanded, `root-${node.id}`);
      case 'value': return this.objectItem(node.summary, node.via, 'inspectedValue', undefined, `${node.path}`);
      case 'more': {
        const item = new vscode.TreeItem(vscode.l10n.t('Load more…'));
        item.iconPath = new vscode.ThemeIcon('ellipsis');
        item.command = { command: Commands.inspectorLoadMore, title: vscode.l10n.t('Load more…'), arguments: [node] };
        return item;
      }
      case 'whyGroup': {
        const item = new vscode.TreeItem(vscode.l10n.t('Why is this alive?'), vscode.TreeItemCollapsibleState.Collapsed);
        item.iconPath = new vscode.ThemeIcon('references');
        item.id = `why-${node.root.id}`;
        item.contextValue = 'inspectedWhy';
        return item;
      }
      case 'link': {
        const item = new vscode.TreeItem(node.label);
        item.iconPath = new vscode.ThemeIcon(node.icon);
        item.description = node.detail ?? (node.location ? describeLocation(node.location) : undefined);
        item.tooltip = node.tooltip ?? (node.location ? `${node.location.path}:${node.location.line}` : node.detail);
        item.command = node.command ?? (node.location
          ? { command: Commands.openLocation, title: node.label, arguments: [node.location] }
          : undefined);
        return item;
      }
    }
  }

  /** TreeView.reveal walks up from a node; only roots and their "why" groups are revealed. */
  getParent(node: InspectorNode): InspectorNode | undefined {
    return node.kind === 'whyGroup' ? node.root : undefined;
  }

  async getChildren(node?: InspectorNode): Promise<InspectorNode[]> {
    if (!node) return this.roots;
    try {
      switch (node.kind) {
        case 'root': return [...(await this.sourceLinks(node)), this.retainedLink(node), { kind: 'whyGroup', root: node }, ...(await this.attributes(node, node.summary, `r${node.id}`))];
        case 'value': return this.attributes(node.root, node.summary, node.path);
        case 'whyGroup': return this.whyChildren(node.root);
        default: return [];
      }
    } catch (error) {
      const root = node.kind === 'root' ? node : (node as { root: InspectedRoot }).root;
      return [{ kind: 'link', root, label: describeError(error), icon: 'warning' }];
    }
  }

  /** Computes the retained size of an inspected object and shows it under the object. */
  async computeRetained(root: InspectedRoot): Promise<RetainedResult> {
    root.retained = {};
    this.refresh();
    try {
      const result = await this.engineFor(root).retained({ handle: root.summary.handle!, largest: 0 });
      root.retained = { result };
      return result;
    } catch (error) {
      root.retained = { error: describeError(error) };
      throw error;
    } finally {
      this.refresh();
    }
  }

  private retainedLink(root: InspectedRoot): InspectorNode {
    const compute = { command: Commands.computeRetainedOfObject, title: vscode.l10n.t('Compute Retained Size'), arguments: [root] };
    const r = root.retained;
    if (r?.result) return { kind: 'link', root, label: vscode.l10n.t('Retained'), icon: 'database', detail: retainedSentence(r.result), tooltip: retainedTooltip(r.result), command: compute };
    if (r?.error) return { kind: 'link', root, label: vscode.l10n.t('Retained'), icon: 'warning', detail: r.error, command: compute };
    if (r) return { kind: 'link', root, label: vscode.l10n.t('Retained'), icon: 'loading~spin', detail: vscode.l10n.t('computing…') };
    return { kind: 'link', root, label: vscode.l10n.t('Retained'), icon: 'database', detail: vscode.l10n.t('click to compute what this object keeps alive'), command: compute };
  }

  loadMore(node: Extract<InspectorNode, { kind: 'more' }>): void {
    this.extraPages.set(node.path, (this.extraPages.get(node.path) ?? 0) + 1);
    this.refresh();
  }

  private engineFor(root: InspectedRoot) {
    const entry = this.sessions.list().find((e) => e.session.id === root.sessionId);
    if (!entry) throw new Error(vscode.l10n.t('The debug session has ended.'));
    return entry.engine;
  }

  private objectItem(summary: ObjectSummary, label: string, contextValue: string, state: vscode.TreeItemCollapsibleState | undefined, id: string): vscode.TreeItem {
    const collapsible = state ?? (summary.expandable && summary.handle ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    const item = new vscode.TreeItem(label, collapsible);
    item.id = id;
    const ageS = this.ageNow(summary);
    const age = ageS !== undefined ? `  ${vscode.l10n.t('{0}s old', Math.trunc(ageS))}`
      : summary.createdBeforeAttach ? `  ${vscode.l10n.t('(created before Live References attached)')}` : '';
    item.description = `${summary.url ?? summary.repr}${age}`;
    // Plain-string tooltip: untrusted text is never rendered as Markdown or HTML.
    item.tooltip = `${summary.type}\n${summary.repr}${summary.url ? `\n${summary.url}` : ''}`;
    item.iconPath = new vscode.ThemeIcon(summary.handle ? 'symbol-object' : 'symbol-field');
    item.contextValue = `${contextValue}:${summary.typeName.replace(/\W/g, '')}${summary.typeName.endsWith('Request') ? ':Request' : ''}`;
    return item;
  }

  private async attributes(root: InspectedRoot, parent: ObjectSummary, path: string): Promise<InspectorNode[]> {
    if (!parent.handle) return [];
    const pages = 1 + (this.extraPages.get(path) ?? 0);
    const key = `${path}:${pages}`;
    let loading = this.loaded.get(key);
    if (!loading) {
      loading = this.engineFor(root).inspect(parent.handle, 0, PAGE * pages);
      this.loaded.set(key, loading);
      loading.then((r) => { for (const c of r.children) this.receivedAt.set(c.value, Date.now()); }, () => this.loaded.delete(key));
    }
    const result = await loading;
    const nodes: InspectorNode[] = result.children.map((child, i) => {
      if (child.value.handle) root.handles.add(child.value.handle);
      return { kind: 'value', root, via: child.via, summary: child.value, path: `${path}/${i}` };
    });
    if (result.total > result.children.length) nodes.push({ kind: 'more', root, parent, offset: result.children.length, path });
    return nodes;
  }

  private async sourceLinks(root: InspectedRoot): Promise<InspectorNode[]> {
    const info = await this.sourceOf(root);
    const links: InspectorNode[] = sourceLinkNodes(root, info);
    if (info.callback) links.push({ kind: 'link', root, label: vscode.l10n.t('Callback {0}', info.callback.name ?? ''), location: info.callback, icon: 'symbol-method' });
    if (info.errback) links.push({ kind: 'link', root, label: vscode.l10n.t('Errback {0}', info.errback.name ?? ''), location: info.errback, icon: 'symbol-method' });
    if (info.classDef) links.push({ kind: 'link', root, label: vscode.l10n.t('Class {0}', info.classDef.name ?? root.summary.typeName), location: info.classDef, icon: 'symbol-class' });
    return links;
  }

  private async whyChildren(root: InspectedRoot): Promise<InspectorNode[]> {
    return whyLinkNodes(root, await this.whyOf(root));
  }
}
