// Activation only wires the pieces together: each runtime activates from its own folder
// (runtimes/*/vscode/activate*.ts) and gives back the factories that turn its debug sessions into
// engines; each UI feature registers itself from its own file under ui/.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { createLogger } from './ui/logger';
import { SessionEngines } from './ui/sessions/sessionEngines';
import type { RuntimeHost } from './ui/sessions/engineFactory';
import { activatePython } from './runtimes/python/vscode/activatePython';
import { activateScrapy } from './runtimes/scrapy/vscode/activateScrapy';
import { activateNode } from './runtimes/node/vscode/activateNode';
import { LiveRefsTree } from './ui/views/liveRefsTree';
import { LiveRefsRefresher } from './ui/views/liveRefsRefresher';
import { InspectorNode, InspectorTree } from './ui/views/inspectorTree';
import { ObjectOpener } from './ui/views/objectOpener';
import { PanelReports, type PartitionPaint, type TimeRender } from './ui/views/panelReports';
import { INSPECTED_VIEW, LIVE_REFS_VIEW, registerRevealOnSessionStart } from './ui/views/revealOnSessionStart';
import type { FeatureContext } from './ui/featureContext';
import { registerLiveRefsCommands } from './ui/commands/liveRefsCommands';
import { registerTrackMostNumerous } from './ui/commands/trackMostNumerous';
import { registerObjectCommands } from './ui/commands/objectCommands';
import { registerInspectorCommands } from './ui/commands/inspectorCommands';
import { registerPartitionCommands } from './ui/commands/partitionCommands';
import { registerTimeCommands } from './ui/commands/timeCommands';
import { registerRetainedCommands } from './ui/commands/retainedCommands';
import { registerLeakSuspects } from './ui/commands/leakSuspects';

/** What the extension exports: used by tests and by other extensions. */
export interface LiveReferencesApi {
  sessions: SessionEngines;
  liveRefs: LiveRefsTree;
  inspector: InspectorTree;
  /** The partition webview's last first paint. */
  partitionMetrics(): PartitionPaint | undefined;
  /** What the time webview last drew. */
  timeRendered(): TimeRender | undefined;
}

export function activate(context: vscode.ExtensionContext): LiveReferencesApi {
  const logger = createLogger();
  const host: RuntimeHost = { extension: context, logger, agentDir: path.join(context.extensionPath, 'agent') };
  const runtimes = [activatePython(host), activateScrapy(host), activateNode(host)];
  const sessions = new SessionEngines(runtimes.flatMap((r) => r.factories), logger);
  const liveRefs = new LiveRefsTree();
  const inspector = new InspectorTree(sessions);
  const inspectorView = vscode.window.createTreeView<InspectorNode>(INSPECTED_VIEW, { treeDataProvider: inspector, showCollapseAll: true });
  const objects = new ObjectOpener(inspector, inspectorView);
  const reports = new PanelReports();
  const refresher = new LiveRefsRefresher(sessions, liveRefs, logger);
  const ctx: FeatureContext = {
    extension: context, logger, sessions, liveRefs, refresher, inspector, inspectorView, objects,
    panels: { extensionUri: context.extensionUri, objects, reports },
  };

  context.subscriptions.push(
    logger, sessions, refresher, inspectorView,
    ...runtimes.flatMap((r) => r.disposables),
    vscode.window.createTreeView(LIVE_REFS_VIEW, { treeDataProvider: liveRefs }),
    registerRevealOnSessionStart(sessions, logger),
    sessions.onDidChangeSessions(() => {
      const live = new Set(sessions.list().map((e) => e.session.id));
      for (const root of [...inspector.list()]) if (!live.has(root.sessionId)) void inspector.close(root);
    }),
    ...registerLiveRefsCommands(ctx),
    registerTrackMostNumerous(ctx),
    ...registerObjectCommands(ctx),
    ...registerInspectorCommands(ctx),
    ...registerPartitionCommands(ctx),
    ...registerTimeCommands(ctx),
    ...registerRetainedCommands(ctx),
    ...registerLeakSuspects(ctx),
  );
  return { sessions, liveRefs, inspector, partitionMetrics: () => reports.partition, timeRendered: () => reports.time };
}

export function deactivate(): void {
  // Disposables registered on the context clean up; engines release their agent handles there.
}
