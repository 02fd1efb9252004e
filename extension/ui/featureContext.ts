// The pieces a feature's commands work with, built once by extension.ts.
import type * as vscode from 'vscode';
import type { Logger } from './logger';
import type { SessionEngine, SessionEngines } from './sessions/sessionEngines';
import type { InspectorNode, InspectorTree } from './views/inspectorTree';
import type { LiveRefsTree } from './views/liveRefsTree';
import type { LiveRefsRefresher } from './views/liveRefsRefresher';
import type { ObjectOpener } from './views/objectOpener';
import type { PartitionServices } from './views/partitionPanel';

export interface FeatureContext {
  extension: vscode.ExtensionContext;
  logger: Logger;
  sessions: SessionEngines;
  liveRefs: LiveRefsTree;
  refresher: LiveRefsRefresher;
  inspector: InspectorTree;
  inspectorView: vscode.TreeView<InspectorNode>;
  /** Opens objects in Inspected Objects. */
  objects: ObjectOpener;
  /** What the webview panels need (also a PanelHost for the time panel). */
  panels: PartitionServices;
}

export type { SessionEngine };
