// "Show Call Flow" for text traces: a diagram panel beside the text that follows its edits.
import * as vscode from 'vscode';
import { DiagramSession } from './diagramSession';
import { diagramHtml, diagramWebviewOptions } from './webviewHtml';

export const CALL_FLOW_VIEW_TYPE = 'sipTrail.callFlow';

/** Edits are parsed again after typing pauses this long. */
const FOLLOW_DELAY_MS = 300;

interface OpenPanel {
  panel: vscode.WebviewPanel;
  session: DiagramSession;
  timer: ReturnType<typeof setTimeout> | undefined;
}

export class CallFlowPanels implements vscode.Disposable {
  private readonly panels = new Map<string, OpenPanel>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly extensionUri: vscode.Uri, private readonly log: vscode.LogOutputChannel) {
    this.disposables.push(
      vscode.workspace.onDidChangeTextDocument((event) => this.followEdit(event.document)),
      vscode.workspace.onDidSaveTextDocument((document) => this.followEdit(document, true)),
    );
  }

  /** Opens (or reveals) the diagram of a text trace beside it. */
  show(document: vscode.TextDocument): void {
    const key = document.uri.toString();
    const open = this.panels.get(key);
    if (open) {
      open.panel.reveal(vscode.ViewColumn.Beside, true);
      return;
    }
    const name = document.uri.path.slice(document.uri.path.lastIndexOf('/') + 1) || 'trace';
    const panel = vscode.window.createWebviewPanel(
      CALL_FLOW_VIEW_TYPE, `Call Flow: ${name}`, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      diagramWebviewOptions(this.extensionUri),
    );
    const session = new DiagramSession(panel.webview, { kind: 'text', document },
      vscode.Uri.joinPath(this.extensionUri, 'dist', 'traceWorker.js').fsPath, this.log);
    const entry: OpenPanel = { panel, session, timer: undefined };
    this.panels.set(key, entry);
    session.attachPanel(panel);
    panel.webview.html = diagramHtml(panel.webview, this.extensionUri);
    panel.onDidDispose(() => {
      if (entry.timer) clearTimeout(entry.timer);
      this.panels.delete(key);
      session.dispose();
    });
  }

  refreshAll(): void {
    for (const p of this.panels.values()) p.session.refresh();
  }

  private followEdit(document: vscode.TextDocument, now = false): void {
    const entry = this.panels.get(document.uri.toString());
    if (!entry) return;
    if (entry.timer) clearTimeout(entry.timer);
    entry.timer = setTimeout(() => {
      entry.timer = undefined;
      entry.session.reload();
    }, now ? 0 : FOLLOW_DELAY_MS);
  }

  dispose(): void {
    for (const p of [...this.panels.values()]) p.panel.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
