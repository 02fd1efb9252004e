// Activation only wires the pieces together; each feature registers itself from its own file.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { createLogger } from './logger';
import { SessionEngines } from './sessions/sessionEngines';
import { PythonSessionFactory } from './sessions/pythonSessionFactory';
import { NodeSessionFactory } from './sessions/nodeSessionFactory';
import { registerNodeAttach } from './commands/nodeAttach';
import { registerTraceAllocations } from './sessions/traceAllocationsProvider';
import { registerCreationSites } from './sessions/creationSitesProvider';
import { registerScrapyTelnetDebugType, TelnetAdapters } from './sessions/scrapyTelnetDebugType';
import { TelnetSessionFactory } from './sessions/telnetSessionFactory';
import { TelnetPasswordStore } from './sessions/telnetPasswordStore';
import { LiveRefsTree } from './views/liveRefsTree';
import { LiveRefsRefresher } from './views/liveRefsRefresher';
import { InspectorNode, InspectorTree } from './views/inspectorTree';
import { PartitionPanel } from './views/partitionPanel';
import { INSPECTED_VIEW, LIVE_REFS_VIEW, registerRevealOnSessionStart } from './views/revealOnSessionStart';
import type { FeatureContext } from './commands/featureContext';
import { registerLiveRefsCommands } from './commands/liveRefsCommands';
import { registerObjectCommands } from './commands/objectCommands';
import { registerInspectorCommands } from './commands/inspectorCommands';
import { registerPartitionCommands } from './commands/partitionCommands';
import { registerTimeCommands } from './commands/timeCommands';
import { registerAttachScrapyCrawl } from './commands/attachScrapyCrawl';
import { registerRetainedCommands } from './commands/retainedCommands';
import { registerLeakSuspects } from './commands/leakSuspects';

/** What the extension exports: used by tests and by other extensions. */
export interface LiveReferencesApi {
  sessions: SessionEngines;
  liveRefs: LiveRefsTree;
  inspector: InspectorTree;
  partitionMetrics(): typeof PartitionPanel.lastMetrics;
}

export function activate(context: vscode.ExtensionContext): LiveReferencesApi {
  const logger = createLogger();
  const agentDir = path.join(context.extensionPath, 'agent');
  const telnetAdapters = new TelnetAdapters();
  const telnetPasswords = new TelnetPasswordStore(context.secrets);
  const sessions = new SessionEngines([
    new PythonSessionFactory(agentDir, logger),
    new TelnetSessionFactory(agentDir, telnetAdapters, logger),
    new NodeSessionFactory(logger),
  ], logger);
  const liveRefs = new LiveRefsTree();
  const inspector = new InspectorTree(sessions);
  PartitionPanel.heldElsewhere = (sessionId, handle) => inspector.holds(sessionId, handle);
  const inspectorView = vscode.window.createTreeView<InspectorNode>(INSPECTED_VIEW, { treeDataProvider: inspector, showCollapseAll: true });
  const refresher = new LiveRefsRefresher(sessions, liveRefs, logger);
  const ctx: FeatureContext = { extension: context, logger, sessions, liveRefs, refresher, inspector, inspectorView };

  context.subscriptions.push(
    logger, sessions, refresher, inspectorView,
    vscode.window.createTreeView(LIVE_REFS_VIEW, { treeDataProvider: liveRefs }),
    registerRevealOnSessionStart(sessions, logger),
    sessions.onDidChangeSessions(() => {
      const live = new Set(sessions.list().map((e) => e.session.id));
      for (const root of [...inspector.list()]) if (!live.has(root.sessionId)) void inspector.close(root);
    }),
    ...registerTraceAllocations(),
    ...registerCreationSites(agentDir),
    ...registerLiveRefsCommands(ctx),
    ...registerObjectCommands(ctx),
    ...registerInspectorCommands(ctx),
    ...registerPartitionCommands(ctx),
    ...registerTimeCommands(ctx),
    ...registerNodeAttach(),
    ...registerScrapyTelnetDebugType(telnetAdapters, telnetPasswords),
    ...registerAttachScrapyCrawl(ctx, telnetPasswords),
    ...registerRetainedCommands(ctx),
    ...registerLeakSuspects(ctx),
  );
  return { sessions, liveRefs, inspector, partitionMetrics: () => PartitionPanel.lastMetrics };
}

export function deactivate(): void {
  // Disposables registered on the context clean up; engines release their agent handles there.
}
