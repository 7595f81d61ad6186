// Captures (*.pcap, *.pcapng, *.cap) open in a read-only custom editor that shows the ladder diagram.
import * as vscode from 'vscode';
import { DiagramSession } from './diagramSession';
import { diagramHtml, diagramWebviewOptions } from './webviewHtml';

export class PcapEditorProvider implements vscode.CustomReadonlyEditorProvider {
  static readonly viewType = 'sipTrail.pcapViewer';

  private readonly sessions = new Set<DiagramSession>();

  static register(context: vscode.ExtensionContext, log: vscode.LogOutputChannel): { provider: PcapEditorProvider; registration: vscode.Disposable } {
    const provider = new PcapEditorProvider(context.extensionUri, log);
    const registration = vscode.window.registerCustomEditorProvider(PcapEditorProvider.viewType, provider, {
      // View state lives in the webview's getState/setState, not in a retained (memory-hungry) context.
      webviewOptions: { retainContextWhenHidden: false },
      supportsMultipleEditorsPerDocument: true,
    });
    return { provider, registration };
  }

  private constructor(private readonly extensionUri: vscode.Uri, private readonly log: vscode.LogOutputChannel) {}

  openCustomDocument(uri: vscode.Uri): vscode.CustomDocument {
    return { uri, dispose: () => undefined };
  }

  resolveCustomEditor(document: vscode.CustomDocument, panel: vscode.WebviewPanel): void {
    panel.webview.options = diagramWebviewOptions(this.extensionUri);
    const session = new DiagramSession(
      panel.webview, { kind: 'capture', uri: document.uri },
      vscode.Uri.joinPath(this.extensionUri, 'dist', 'traceWorker.js').fsPath, this.log,
    );
    this.sessions.add(session);
    session.attachPanel(panel);
    panel.webview.html = diagramHtml(panel.webview, this.extensionUri);
    panel.onDidDispose(() => {
      this.sessions.delete(session);
      session.dispose();
    });
  }

  /** Settings changed: redraw every open capture. */
  refreshAll(): void {
    for (const s of this.sessions) s.refresh();
  }
}
