// This runs in the VS Code extension host. activate() registers everything into context.subscriptions:
// the capture editor, the text-trace call-flow panels, the commands, and the settings watcher.
import * as vscode from 'vscode';
import { CallFlowPanels } from './callFlowPanels';
import { showDecodedMessages } from './decodedMessages';
import { PcapEditorProvider } from './pcapEditorProvider';
import { affectsDiagram } from './settings';

export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('SIP Trail', { log: true });
  const pcap = PcapEditorProvider.register(context, log);
  const callFlows = new CallFlowPanels(context.extensionUri, log);
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
      callFlows.show(document);
    }),
    vscode.commands.registerCommand('sipTrail.showMessages', (uri?: vscode.Uri) => showDecodedMessages(uri)),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (!affectsDiagram(event)) return;
      pcap.provider.refreshAll();
      callFlows.refreshAll();
    }),
  );
}

export function deactivate(): void {}
