// "SIP Trail: Open Logs as One Trace" (issue 3): several text logs of the same calls (each UE's or element's own
// log) merged into one trace by core's mergeTraces: the diagram of the merged trace, its findings (the clock-skew
// correction among them) in the Problems panel on the merged decoded view, and the skew said in a notification.
import * as vscode from 'vscode';
import { DiagramSession } from './diagramSession';
import { mergedUri } from './decodedMessages';
import { baseName, mergedKey } from './traceAnalyser';
import type { TraceDiagnostics } from './traceDiagnostics';
import { diagramHtml, diagramWebviewOptions } from './webviewHtml';

export const MERGED_VIEW_TYPE = 'sipTrail.mergedCallFlow';

export class MergedTraces implements vscode.Disposable {
  private readonly panels = new Map<string, { panel: vscode.WebviewPanel; session: DiagramSession }>();

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly diagnostics: TraceDiagnostics,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  /** The explorer passes (clicked, selected[]); the palette passes nothing and gets a file picker. */
  async open(clicked?: vscode.Uri, selected?: vscode.Uri[]): Promise<void> {
    let uris = Array.isArray(selected) && selected.length ? selected : clicked instanceof vscode.Uri ? [clicked] : [];
    if (uris.length < 2) {
      const picked = await vscode.window.showOpenDialog({
        canSelectMany: true,
        openLabel: 'Open as One Trace',
        title: 'SIP Trail: choose the logs of the same calls (two or more)',
        defaultUri: uris[0] ?? vscode.workspace.workspaceFolders?.[0]?.uri,
      });
      if (!picked) return;
      uris = [...uris, ...picked.filter((p) => !uris.some((u) => u.toString() === p.toString()))];
    }
    if (uris.length < 2) {
      void vscode.window.showInformationMessage('Choose two or more logs to open them as one trace.');
      return;
    }
    uris = [...uris].sort((a, b) => a.toString().localeCompare(b.toString()));
    this.showDiagram(uris);
    this.diagnostics.holdMerged(uris, true);
    const trace = await this.diagnostics.showDecoded({ kind: 'merged', uris });
    if (!trace) return;
    const skews = trace.analysis.findings.filter((f) => f.code.startsWith('trace.clock-skew') || f.code === 'trace.no-common-messages');
    if (skews.length) {
      void vscode.window.showInformationMessage(skews.map((f) => f.message).join(' '), 'Show Problems', 'Show Merged Messages').then((choice) => {
        if (choice === 'Show Problems') void vscode.commands.executeCommand('workbench.actions.view.problems');
        if (choice === 'Show Merged Messages') void this.showMessages(uris);
      });
    }
  }

  /** The merged trace's decoded view (every message of every log in corrected time order). */
  async showMessages(uris: vscode.Uri[]): Promise<void> {
    const document = await vscode.workspace.openTextDocument(mergedUri(uris));
    await vscode.window.showTextDocument(document, { preview: false });
  }

  /** Opens (or reveals) the diagram of the merged logs. */
  showDiagram(uris: vscode.Uri[]): DiagramSession {
    const key = mergedKey(uris);
    const open = this.panels.get(key);
    if (open) {
      open.panel.reveal(undefined, false);
      return open.session;
    }
    const title = uris.length > 2 ? `Call Flow: ${baseName(uris[0])} + ${uris.length - 1} logs` : `Call Flow: ${uris.map(baseName).join(' + ')}`;
    const panel = vscode.window.createWebviewPanel(MERGED_VIEW_TYPE, title, vscode.ViewColumn.Active, diagramWebviewOptions(this.extensionUri));
    const session = new DiagramSession(panel.webview, { kind: 'merged', uris },
      vscode.Uri.joinPath(this.extensionUri, 'dist', 'traceWorker.js').fsPath, this.log);
    this.panels.set(key, { panel, session });
    session.attachPanel(panel);
    panel.webview.html = diagramHtml(panel.webview, this.extensionUri);
    panel.onDidDispose(() => {
      this.panels.delete(key);
      session.dispose();
      this.diagnostics.holdMerged(uris, false);
    });
    return session;
  }

  refreshAll(): void {
    for (const p of this.panels.values()) p.session.refresh();
  }

  dispose(): void {
    for (const p of [...this.panels.values()]) p.panel.dispose();
  }
}
