// The single HTML/CSP/nonce builder for SIP Trail's webviews. The page is fixed markup: trace data never goes
// into it, only into postMessage data (VS Code webview guide, "Security").
import { randomNonce } from './base64';
import * as vscode from 'vscode';

/** Scripts only from the bundle, no forms, resources only from dist/ and media/. */
export function diagramWebviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions & vscode.WebviewPanelOptions {
  return {
    enableScripts: true,
    enableForms: false,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}

export function diagramHtml(webview: vscode.Webview, extensionUri: vscode.Uri): string {
  const nonce = randomNonce();
  const script = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview.js'));
  const style = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', 'diagram.css'));
  // style-src needs 'unsafe-inline': mermaid writes a <style> into every SVG it renders (mermaid#856), and
  // Lit-based widgets adopt their own stylesheets.
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${webview.cspSource} 'unsafe-inline'`,
    `img-src ${webview.cspSource} data:`,
    `font-src ${webview.cspSource}`,
  ].join('; ');
  return /* html */ `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="UTF-8">
  <meta http-equiv="Content-Security-Policy" content="${csp}">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">
  <link rel="stylesheet" href="${style}">
  <title>SIP call flow</title>
</head>
<body>
  <div id="app">
    <header id="toolbar" role="toolbar" aria-label="Call flow">
      <span id="trace-title" class="trace-title"></span>
      <span class="pager">
        <vscode-button id="page-prev" secondary aria-label="Previous page">Previous</vscode-button>
        <span id="page-label" aria-live="polite"></span>
        <vscode-button id="page-next" secondary aria-label="Next page">Next</vscode-button>
      </span>
      <vscode-button id="pick-selection" secondary aria-label="Show a flow instance or dialog" title="Search flow instances and dialogs by Call-ID, URI, user, method, status">Flow / dialog…</vscode-button>
      <vscode-checkbox id="end-to-end" title="One arrow per message, from its first sender to its last receiver">End-to-end (hops collapsed)</vscode-checkbox>
      <vscode-checkbox id="hide-trying">Hide 100 Trying</vscode-checkbox>
      <vscode-checkbox id="hide-provisional-notify">Hide provisional NOTIFY</vscode-checkbox>
      <vscode-checkbox id="hide-duplicates">Hide retransmissions</vscode-checkbox>
      <vscode-button id="export" secondary aria-label="Export diagram" title="Export Diagram… (SVG, PNG, Mermaid, Markdown, PlantUML, …)">Export…</vscode-button>
      <span id="status" role="status"></span>
    </header>
    <nav id="verdicts" aria-label="Flow verdicts" hidden></nav>
    <div id="selection-bar" hidden><span id="selection-title"></span><vscode-button id="show-all" secondary>Whole trace</vscode-button></div>
    <ul id="notices" role="status" hidden></ul>
    <div id="too-large" role="alert" hidden><span id="too-large-text"></span> <vscode-button id="open-anyway">Open Anyway</vscode-button></div>
    <vscode-split-layout id="split" split="horizontal" initial-handle-position="70%" fixed-pane="end">
      <section slot="start" id="diagram-pane" aria-label="Ladder diagram">
        <div id="progress" hidden><vscode-progress-ring></vscode-progress-ring><span id="progress-label"></span></div>
        <pre id="diagram-error" class="error" role="alert" hidden></pre>
        <div id="lifelines" aria-hidden="true" hidden></div>
        <div id="diagram"></div>
      </section>
      <section slot="end" id="details-pane" aria-label="Selected message">
        <div id="details-header">Select an arrow to see its message.</div>
        <pre id="details-raw" tabindex="0"></pre>
      </section>
    </vscode-split-layout>
  </div>
  <script nonce="${nonce}" src="${script}"></script>
</body>
</html>`;
}
