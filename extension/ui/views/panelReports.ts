// What the webview panels get from the extension: where their files are, and where to report
// what they last drew.
import type * as vscode from 'vscode';

export interface PanelHost {
  extensionUri: vscode.Uri;
  reports: PanelReports;
}

// What the webviews last reported drawing. The extension's API hands it to the workbench tests and
// the first-paint benchmark; the panels only write it.
export interface PartitionPaint { firstPaintMs: number; rows: number }
export interface TimeRender { kind: 'ages' | 'growth'; bars: number; lines: number }

export class PanelReports {
  partition: PartitionPaint | undefined;
  time: TimeRender | undefined;
}
