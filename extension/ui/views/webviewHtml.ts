// The page every Live References webview starts from: our bundled script (by nonce) and
// stylesheet only, under a strict CSP — no remote resources, no inline code, no eval. The page
// body is static markup; everything untrusted is added later by the script as text.
import * as crypto from 'node:crypto';
import * as vscode from 'vscode';

export interface WebviewPage {
  webview: vscode.Webview;
  extensionUri: vscode.Uri;
  /** File name in dist/, e.g. `partitionWebview.js`. */
  script: string;
  /** File name in media/, e.g. `partition.css`. */
  style: string;
  title: string;
  /** Static markup of the page's containers. */
  body: string;
}

export function webviewHtml({ webview, extensionUri, script, style, title, body }: WebviewPage): string {
  const nonce = crypto.randomBytes(16).toString('base64');
  const scriptUri = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', script));
  const styleUri = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', style));
  const csp = [`default-src 'none'`, `img-src ${webview.cspSource} data:`, `style-src ${webview.cspSource}`, `script-src 'nonce-${nonce}'`, `font-src ${webview.cspSource}`].join('; ');
  return `<!DOCTYPE html>
<html lang="${vscode.env.language}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${styleUri}">
<title>${title}</title>
</head>
<body>
${body}
<script nonce="${nonce}" src="${scriptUri}"></script>
</body>
</html>`;
}
