// Opens a SourceLocation reported by the debuggee in an editor. Paths may be absolute on this
// machine, relative to the program's cwd, or from another machine (remote, container): try the
// best interpretation first, then the next, and show one message when none works.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { SourceLocation } from '../../core/types';

async function existing(candidate: string): Promise<vscode.Uri | undefined> {
  try {
    return (await fs.promises.stat(candidate)).isFile() ? vscode.Uri.file(candidate) : undefined;
  } catch {
    return undefined;
  }
}

function fromWorkspace(reported: string): string[] {
  const folders = vscode.workspace.workspaceFolders ?? [];
  const parts = reported.split(/[\\/]+/).filter(Boolean);
  // Relative paths resolve against each folder; for foreign absolute paths try every suffix,
  // longest first, so /srv/app/spiders/a.py finds <folder>/spiders/a.py.
  const suffixes = path.isAbsolute(reported) ? parts.map((_, i) => parts.slice(i).join('/')) : [reported];
  return folders.flatMap((f) => suffixes.map((s) => path.join(f.uri.fsPath, s)));
}

async function bySearch(reported: string): Promise<vscode.Uri | undefined> {
  const base = path.basename(reported);
  const hits = await vscode.workspace.findFiles(`**/${base}`, '**/node_modules/**', 50);
  const score = (uri: vscode.Uri) => {
    const a = uri.fsPath.split(/[\\/]/).reverse();
    const b = reported.split(/[\\/]/).reverse();
    let n = 0;
    while (n < a.length && n < b.length && a[n] === b[n]) n++;
    return n;
  };
  return hits.sort((x, y) => score(y) - score(x))[0];
}

export async function resolveLocation(location: SourceLocation): Promise<vscode.Uri | undefined> {
  if (path.isAbsolute(location.path)) {
    const direct = await existing(location.path);
    if (direct) return direct;
  }
  for (const candidate of fromWorkspace(location.path)) {
    const hit = await existing(candidate);
    if (hit) return hit;
  }
  return bySearch(location.path);
}

export async function openLocation(location: SourceLocation | undefined, what: string): Promise<boolean> {
  if (!location) {
    void vscode.window.showInformationMessage(vscode.l10n.t('No {0} is known for this object.', what));
    return false;
  }
  const uri = await resolveLocation(location);
  if (!uri) {
    void vscode.window.showWarningMessage(vscode.l10n.t('Cannot find {0} on this machine (line {1}).', location.path, location.line));
    return false;
  }
  const line = Math.max(0, location.line - 1);
  const range = new vscode.Range(line, 0, line, 0);
  await vscode.window.showTextDocument(uri, { selection: range, preview: false });
  return true;
}

export function describeLocation(location: SourceLocation): string {
  return `${path.basename(location.path)}:${location.line}`;
}
