// This runs in the VS Code extension host. activate() registers everything into context.subscriptions: the capture
// editor, the text-trace call-flow panels, diagnostics and language features, export, merged logs, the commands
// and the settings watcher.
import * as vscode from 'vscode';
import { CallFlowPanels } from './callFlowPanels';
import { UserFlows, analyseOptions } from './analysisSettings';
import { DECODED_SCHEME, DecodedMessagesProvider, decodedTarget, showDecodedMessages } from './decodedMessages';
import { MergedTraces } from './mergedTrace';
import { TraceAnalyser } from './traceAnalyser';
import { TraceDiagnostics } from './traceDiagnostics';
import { REVEAL_IN_CALL_FLOW, TraceLanguageFeatures } from './traceLanguageFeatures';
import { VerdictStatusBar } from './verdictStatusBar';
import { PcapEditorProvider } from './pcapEditorProvider';
import { DiagramSession } from './diagramSession';
import { focusInDiagram } from './diagramRegistry';
import { COPY_MARKDOWN_COMMAND, COPY_MERMAID_COMMAND, EXPORT_DIAGRAM_COMMAND, copyDiagram, exportDiagram, type ExportArgs } from './exportDiagramCommand';
import { affectsDiagram } from './settings';

export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('SIP Trail', { log: true });
  const pcap = PcapEditorProvider.register(context, log);
  const callFlows = new CallFlowPanels(context.extensionUri, log);
  // Diagnostics and language features: their own worker thread, fed the workspace's flow files as data.
  const userFlows = new UserFlows(log);
  const analyser = new TraceAnalyser(vscode.Uri.joinPath(context.extensionUri, 'dist', 'traceWorker.js').fsPath, userFlows, log);
  const diagnostics = new TraceDiagnostics(analyser, userFlows);
  const decoded = new DecodedMessagesProvider(analyser);
  const merged = new MergedTraces(context.extensionUri, diagnostics, log);
  // The diagram's verdicts use the same flows and correlation headers as the diagnostics.
  DiagramSession.analyseOptions = (scope) => analyseOptions(userFlows, scope);
  context.subscriptions.push(userFlows.onDidChange(() => {
    pcap.provider.refreshAll();
    callFlows.refreshAll();
  }));
  context.subscriptions.push(
    userFlows, analyser, diagnostics, decoded, merged,
    vscode.workspace.registerTextDocumentContentProvider(DECODED_SCHEME, decoded),
    new TraceLanguageFeatures(analyser, diagnostics),
    new VerdictStatusBar(analyser, diagnostics),
    // The walkthrough's first step: the capture shipped in the extension, in the capture editor.
    vscode.commands.registerCommand('sipTrail.openExample', () => vscode.commands.executeCommand('vscode.openWith',
      vscode.Uri.joinPath(context.extensionUri, 'examples', 'session-replication-push.pcap'), PcapEditorProvider.viewType)),
    vscode.commands.registerCommand(EXPORT_DIAGRAM_COMMAND, (args?: ExportArgs) => exportDiagram(log, args && typeof args === 'object' && !(args instanceof vscode.Uri) ? args : {})),
    vscode.commands.registerCommand(COPY_MERMAID_COMMAND, () => copyDiagram('mermaid')),
    vscode.commands.registerCommand(COPY_MARKDOWN_COMMAND, () => copyDiagram('markdown')),
    vscode.commands.registerCommand('sipTrail.openMergedTrace', (clicked?: vscode.Uri, selected?: vscode.Uri[]) => merged.open(clicked, selected)),
    vscode.commands.registerCommand(REVEAL_IN_CALL_FLOW, async (uri?: vscode.Uri, messageIndex?: number) => {
      if (!(uri instanceof vscode.Uri)) return;
      // The diagram opens; selecting the message in it is the diagram's part (see DiagramData.focusMessage).
      const target = decodedTarget(uri);
      if (target?.kind === 'merged') merged.showDiagram(target.uris);
      else if (target?.kind === 'capture' || /\.(pcap|pcapng|cap)$/i.test(uri.path)) {
        await vscode.commands.executeCommand('vscode.openWith', target?.kind === 'capture' ? target.uri : uri, PcapEditorProvider.viewType, vscode.ViewColumn.Beside);
      } else {
        const document = await vscode.workspace.openTextDocument(uri);
        diagnostics.adopt(document);
        callFlows.show(document);
      }
      // Selected once the diagram is drawn (at once when it is already open).
      if (typeof messageIndex === 'number') focusInDiagram(target?.kind === 'capture' ? target.uri : target?.kind === 'merged' ? target.uris[0] : uri, messageIndex);
      log.info(`reveal in call flow: ${uri.toString()} message ${messageIndex ?? '?'}`);
    }),
  );
  context.subscriptions.push(
    log,
    pcap.registration,
    callFlows,
    vscode.commands.registerCommand('sipTrail.showCallFlow', async (uri?: vscode.Uri) => {
      const document = uri instanceof vscode.Uri ? await vscode.workspace.openTextDocument(uri) : vscode.window.activeTextEditor?.document;
      if (!document) {
        void vscode.window.showInformationMessage('Open a SIP text trace first, then run "Show Call Flow".');
        return;
      }
      diagnostics.adopt(document);
      callFlows.show(document);
    }),
    // The capture editor opens the decoded view through this command: (captureUri, messageIndex?).
    vscode.commands.registerCommand('sipTrail.showMessages', (uri?: vscode.Uri, messageIndex?: unknown) =>
      showDecodedMessages(analyser, uri, typeof messageIndex === 'number' ? messageIndex : undefined)),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (!affectsDiagram(event)) return;
      pcap.provider.refreshAll();
      callFlows.refreshAll();
      merged.refreshAll();
    }),
  );
}

export function deactivate(): void {}

