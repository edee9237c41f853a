// The HTML shell every webview of the extension uses: a strict Content-Security-Policy with a
// fresh nonce per load, files only from media/, no inline script or style.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

export interface PageOptions {
  readonly title: string;
  /** Files under media/ (e.g. 'walkthrough.css', 'dist/codicon.css'). */
  readonly styles: readonly string[];
  readonly scripts: readonly string[];
  /** Static markup of the body (no data: the scripts fill it in with textContent). */
  readonly body: string;
  /** Allow fonts (codicons) and images from media/. */
  readonly fonts?: boolean;
}

export function webviewPage(webview: vscode.Webview, extensionUri: vscode.Uri, o: PageOptions): string {
  const nonce = randomBytes(18).toString('base64');
  const media = (f: string) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', ...f.split('/'))).toString();
  const csp = [
    "default-src 'none'",
    ...(o.fonts ? [`img-src ${webview.cspSource}`, `font-src ${webview.cspSource}`] : []),
    `style-src ${webview.cspSource}`,
    `script-src 'nonce-${nonce}'`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
${o.styles.map((f) => `<link rel="stylesheet" href="${media(f)}">`).join('\n')}
<title>${o.title}</title>
</head>
<body>
${o.body}
${o.scripts.map((f) => `<script nonce="${nonce}" src="${media(f)}"></script>`).join('\n')}
</body>
</html>`;
}
