// "Show Decoded SIP Messages": a capture's message list as a plain text document (one line per message).
import * as vscode from 'vscode';
import { readCapture } from '../core/capture/readCapture';
import { formatEndpoint } from '../core/model/packet';
import { messageTitle } from '../core/render/arrowLabel';

export async function showDecodedMessages(uri?: vscode.Uri): Promise<void> {
  const target = uri ?? (await vscode.window.showOpenDialog({ filters: { Captures: ['pcap', 'pcapng', 'cap'] } }))?.[0];
  if (!target) return;
  const bytes = await vscode.workspace.fs.readFile(target);
  const result = readCapture([bytes]);
  const lines = result.messages.map((m) => [
    m.index + 1,
    'frame' in m.source ? `#${m.source.frame}` : '',
    `${m.src ? formatEndpoint(m.src) : '?'} → ${m.dst ? formatEndpoint(m.dst) : '?'}`,
    messageTitle(m),
    m.callId ?? '',
  ].join('\t'));
  const doc = await vscode.workspace.openTextDocument({ content: lines.join('\n'), language: 'plaintext' });
  await vscode.window.showTextDocument(doc, { preview: true });
}
