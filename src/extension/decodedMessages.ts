// "Show Decoded SIP Messages": a capture's (or merged logs') messages as a read-only virtual document, one block per
// message under its frame line, where the capture's diagnostics sit (a capture has no lines of its own).
import * as vscode from 'vscode';
import type { TraceAnalyser } from './traceAnalyser';
import { baseName, mergedKey } from './traceAnalyser';

export const DECODED_SCHEME = 'siptrail-decoded';

/** The decoded view's URI of a capture: the capture's URI rides in the query; `.siptrace` gives it the trace language. */
export function decodedUri(capture: vscode.Uri): vscode.Uri {
  return vscode.Uri.from({ scheme: DECODED_SCHEME, path: `/${baseName(capture)}.decoded.siptrace`, query: capture.toString() });
}

/** The decoded view's URI of several merged logs (their URIs, one per line, in the query). */
export function mergedUri(uris: readonly vscode.Uri[]): vscode.Uri {
  const name = uris.length > 1 ? `${baseName(uris[0])} + ${uris.length - 1} more` : baseName(uris[0]);
  return vscode.Uri.from({ scheme: DECODED_SCHEME, path: `/${name}.merged.siptrace`, query: uris.map((u) => u.toString()).join('\n') });
}

/** What a decoded view shows: one capture, or several logs merged. */
export function decodedTarget(uri: vscode.Uri): { kind: 'capture'; uri: vscode.Uri } | { kind: 'merged'; uris: vscode.Uri[] } | null {
  if (uri.scheme !== DECODED_SCHEME || !uri.query) return null;
  try {
    if (uri.path.endsWith('.merged.siptrace')) return { kind: 'merged', uris: uri.query.split('\n').map((u) => vscode.Uri.parse(u, true)) };
    return { kind: 'capture', uri: vscode.Uri.parse(uri.query, true) };
  } catch {
    return null;
  }
}

/** The analyser key of a decoded view's trace. */
export function decodedKey(uri: vscode.Uri): string | null {
  const target = decodedTarget(uri);
  if (!target) return null;
  return target.kind === 'capture' ? target.uri.toString() : mergedKey(target.uris);
}

export class DecodedMessagesProvider implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly analyser: TraceAnalyser) {
    // A capture analysed again (settings changed) refreshes its open view.
    this.subscription = analyser.onDidAnalyse((trace) => {
      if (trace.source.kind === 'capture') this.changed.fire(decodedUri(trace.source.uri));
      else if (trace.source.kind === 'merged') this.changed.fire(mergedUri(trace.source.uris));
    });
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const target = decodedTarget(uri);
    if (!target) return `# Not a SIP Trail view: ${uri.toString()}`;
    const trace = await this.analyser.ensure(target);
    if (!trace?.decoded) return `# SIP Trail could not read ${target.kind === 'capture' ? baseName(target.uri) : target.uris.map(baseName).join(' + ')}; see the "SIP Trail" output.`;
    return trace.decoded.text;
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}

/**
 * Opens a capture's decoded-messages view (the capture editor calls this too), optionally at one message.
 * With no URI: the capture in the active editor, else a file picker.
 */
export async function showDecodedMessages(analyser: TraceAnalyser, capture?: vscode.Uri, messageIndex?: number): Promise<vscode.TextEditor | undefined> {
  let target = capture instanceof vscode.Uri ? capture : activeCapture();
  target ??= (await vscode.window.showOpenDialog({ filters: { Captures: ['pcap', 'pcapng', 'cap'] }, canSelectMany: false }))?.[0];
  if (!target) return undefined;
  return openDecodedView(analyser, decodedUri(target), messageIndex);
}

export async function openDecodedView(analyser: TraceAnalyser, uri: vscode.Uri, messageIndex?: number): Promise<vscode.TextEditor> {
  const document = await vscode.workspace.openTextDocument(uri);
  const editor = await vscode.window.showTextDocument(document, { preview: false, viewColumn: vscode.ViewColumn.Active });
  const key = decodedKey(uri);
  const trace = key ? analyser.get(key) : undefined;
  if (trace && messageIndex !== undefined) {
    const lines = analyser.layoutOf(trace, document).messageLines(messageIndex);
    if (lines) {
      const range = new vscode.Range(lines.first, 0, lines.first, 0);
      editor.selection = new vscode.Selection(range.start, range.start);
      editor.revealRange(range, vscode.TextEditorRevealType.AtTop);
    }
  }
  return editor;
}

/** The capture shown in the active editor group's custom editor, if any. */
export function activeCapture(): vscode.Uri | undefined {
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  return input instanceof vscode.TabInputCustom && input.viewType === 'sipTrail.pcapViewer' ? input.uri : undefined;
}
