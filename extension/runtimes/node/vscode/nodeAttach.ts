// Attach to Node.js Inspector…: a program started with `node --inspect[=HOST:PORT]` gets a
// js-debug attach session, and the Node engine joins it through js-debug's CDP proxy — the same
// views as a launched program, with the debugger's breakpoints and console alongside.
import * as vscode from 'vscode';
import { Commands } from '../../../ui/commandIds';

export function parseInspectAddress(text: string): { address: string; port: number } | undefined {
  const match = /^\s*(?:([\w.-]+|\[[\d:a-fA-F]+\]):)?(\d{1,5})\s*$/.exec(text);
  if (!match) return undefined;
  const port = Number(match[2]);
  return port > 0 && port < 65536 ? { address: match[1] ?? '127.0.0.1', port } : undefined;
}

export function registerNodeAttach(): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(Commands.attachNode, async (target?: string) => {
      const text = target ?? await vscode.window.showInputBox({
        title: vscode.l10n.t('Attach to Node.js Inspector'),
        prompt: vscode.l10n.t('HOST:PORT of a program started with node --inspect (9229 by default)'),
        value: '127.0.0.1:9229',
        validateInput: (v) => (parseInspectAddress(v) ? undefined : vscode.l10n.t('Enter HOST:PORT, e.g. 127.0.0.1:9229')),
      });
      const parsed = text === undefined ? undefined : parseInspectAddress(text);
      if (!parsed) return false;
      return vscode.debug.startDebugging(vscode.workspace.workspaceFolders?.[0], {
        type: 'pwa-node', request: 'attach', name: vscode.l10n.t('Node.js at {0}:{1}', parsed.address, parsed.port),
        address: parsed.address, port: parsed.port, continueOnAttach: true,
      });
    }),
  ];
}
