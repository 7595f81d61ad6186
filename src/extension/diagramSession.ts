// One diagram webview bound to one trace: loads the trace in its own worker, answers the webview's protocol
// messages, and re-renders when the trace or the settings change. Shared by the capture editor and the
// text-trace panel.
import * as vscode from 'vscode';
import type { Finding } from '../core/model/finding';
import type {
  DiagramFilter, DiagramLifeline, DiagramViewState, FromWebviewMessage, ToWebviewMessage, TraceInfo,
} from '../protocol/messages';
import { CancelledError, TraceWorkerClient } from './traceWorkerClient';
import type { RenderRequestOptions } from './traceWorkerProtocol';
import { readDiagramSettings, setParticipantName } from './settings';

/** Captures this big get a cancellable notification while they are parsed. */
const NOTIFY_ABOVE_BYTES = 8 * 1024 * 1024;

export type TraceSource =
  | { kind: 'capture'; uri: vscode.Uri }
  | { kind: 'text'; document: vscode.TextDocument };

export class DiagramSession implements vscode.Disposable {
  private readonly worker: TraceWorkerClient;
  private readonly disposables: vscode.Disposable[] = [];
  private ready = false;
  private loaded: Promise<TraceInfo | null> | null = null;
  private page = 0;
  private filter: DiagramFilter = {};
  /** Bumped on every load, so a slow older load cannot overwrite a newer one. */
  private generation = 0;
  private lastFindings: Finding[] = [];
  /** Lifelines of the page on screen, for the rename action. */
  private lifelines: DiagramLifeline[] = [];

  constructor(
    private readonly webview: vscode.Webview,
    private readonly source: TraceSource,
    workerPath: string,
    private readonly log: vscode.LogOutputChannel,
    private readonly onFindings?: (findings: Finding[]) => void,
  ) {
    this.worker = new TraceWorkerClient(workerPath, (line) => log.info(line));
    this.disposables.push(webview.onDidReceiveMessage((message: FromWebviewMessage) => void this.onMessage(message)));
  }

  get fileName(): string {
    const uri = this.source.kind === 'capture' ? this.source.uri : this.source.document.uri;
    return uri.path.slice(uri.path.lastIndexOf('/') + 1) || uri.toString();
  }

  get findings(): readonly Finding[] {
    return this.lastFindings;
  }

  /** The text changed (text traces): parse again and redraw the page on show. */
  reload(): void {
    this.loaded = null;
    if (this.ready) void this.pushDiagram();
  }

  /** Settings changed: redraw without parsing again. */
  refresh(): void {
    if (this.ready) void this.pushDiagram();
  }

  /** Line range of a message in its text trace, for "Reveal in trace". */
  private async revealInTrace(messageIndex: number): Promise<void> {
    if (this.source.kind !== 'text') return;
    const details = await this.worker.request({ op: 'details', traceId: 'trace', messageIndex });
    if (!details?.lines) return;
    const { first, last } = details.lines;
    const document = this.source.document;
    const lastLine = Math.min(document.lineCount, Math.max(first, last)) - 1;
    const range = new vscode.Range(first - 1, 0, lastLine, document.lineAt(lastLine).text.length);
    const column = vscode.window.visibleTextEditors.find((e) => e.document === document)?.viewColumn ?? vscode.ViewColumn.One;
    // Focus moves to the text, the cursor at the message's first line and the whole message selected.
    const editor = await vscode.window.showTextDocument(document, { viewColumn: column, preserveFocus: false });
    editor.selection = new vscode.Selection(range.end, range.start);
    editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  }

  /** Asks for a lifeline's name; the settings change redraws every open diagram. */
  private async renameParticipant(participantId: string): Promise<void> {
    const lifeline = this.lifelines.find((p) => p.id === participantId);
    if (!lifeline) return;
    const name = await vscode.window.showInputBox({
      title: 'Rename Lifeline',
      prompt: `Name for ${lifeline.keys.join(', ')}. Lifelines given the same name merge into one; leave empty to name it from the trace again.`,
      value: lifeline.name,
    });
    if (name === undefined) return;
    await setParticipantName(lifeline.keys, name, this.source.kind === 'capture' ? this.source.uri : this.source.document.uri);
  }

  private async onMessage(message: FromWebviewMessage): Promise<void> {
    switch (message.type) {
      case 'ready':
        this.ready = true;
        if (message.state) this.restore(message.state);
        await this.pushDiagram();
        return;
      case 'showPage':
        this.page = Math.max(0, Math.trunc(message.page));
        this.filter = sanitizeFilter(message.filter);
        await this.pushDiagram(message.requestId);
        return;
      case 'getMessage': {
        let details = null;
        try {
          if (await this.ensureLoaded()) details = await this.worker.request({ op: 'details', traceId: 'trace', messageIndex: message.messageIndex });
        } catch (error) {
          this.log.warn(`message ${message.messageIndex}: ${errorText(error)}`);
        }
        this.post({ type: 'messageDetails', inReplyTo: message.requestId, details });
        return;
      }
      case 'reveal':
        await this.revealInTrace(message.messageIndex).catch((error) => this.log.warn(errorText(error)));
        return;
      case 'renameParticipant':
        await this.renameParticipant(message.participantId).catch((error) => this.log.warn(errorText(error)));
        return;
      case 'webviewError':
        this.log.error(`${this.fileName}: webview: ${message.message}`);
        return;
      case 'rendered':
        this.log.info(`${this.fileName}: page ${message.page + 1} drawn with ${message.arrows} arrows`);
        return;
    }
  }

  private restore(state: DiagramViewState): void {
    this.page = Number.isFinite(state.page) ? Math.max(0, Math.trunc(state.page)) : 0;
    this.filter = sanitizeFilter(state.filter);
  }

  private async pushDiagram(inReplyTo?: number): Promise<void> {
    try {
      const info = await this.ensureLoaded();
      if (!info) {
        this.loaded = null; // cancelled: the next request tries again
        return;
      }
      const settings = readDiagramSettings(this.source.kind === 'capture' ? this.source.uri : this.source.document.uri);
      const options: RenderRequestOptions = {
        page: this.page,
        pageSize: settings.pageSize,
        filter: this.filter,
        names: settings.participantNames,
        showTimeOffsets: settings.showTimeOffsets,
      };
      const diagram = await this.worker.request({ op: 'render', traceId: 'trace', options });
      this.page = diagram.page;
      this.lifelines = diagram.participants;
      this.post({ type: 'diagram', inReplyTo, diagram });
    } catch (error) {
      if (error instanceof CancelledError) return;
      this.log.error(`${this.fileName}: ${errorText(error)}`);
      this.post({ type: 'traceError', inReplyTo, message: `Could not show ${this.fileName}: ${errorText(error)}` });
    }
  }

  private ensureLoaded(): Promise<TraceInfo | null> {
    if (!this.loaded) this.loaded = this.load(++this.generation);
    return this.loaded;
  }

  private async load(generation: number): Promise<TraceInfo | null> {
    const started = Date.now();
    let result;
    if (this.source.kind === 'text') {
      result = await this.worker.request({ op: 'openText', traceId: 'trace', fileName: this.fileName, text: this.source.document.getText() });
    } else {
      const uri = this.source.uri;
      // Through workspace.fs, so remote and virtual workspaces work.
      const bytes = await vscode.workspace.fs.readFile(uri);
      const open = (onProgress: (fraction: number) => void, signal?: AbortSignal) =>
        this.worker.request({ op: 'openCapture', traceId: 'trace', fileName: this.fileName, bytes }, { onProgress, signal });
      if (bytes.length > NOTIFY_ABOVE_BYTES) {
        result = await vscode.window.withProgress(
          { location: vscode.ProgressLocation.Notification, title: `Reading ${this.fileName}`, cancellable: true },
          async (progress, token) => {
            const abort = new AbortController();
            token.onCancellationRequested(() => abort.abort());
            let done = 0;
            return open((fraction) => {
              progress.report({ increment: (fraction - done) * 100 });
              done = fraction;
              this.post({ type: 'progress', fraction, label: `Reading ${this.fileName}` });
            }, abort.signal);
          },
        ).then(undefined, (error: unknown) => {
          if (error instanceof CancelledError) {
            this.post({ type: 'traceError', message: `Reading ${this.fileName} was cancelled.` });
            return null;
          }
          throw error;
        });
      } else {
        result = await open((fraction) => this.post({ type: 'progress', fraction, label: `Reading ${this.fileName}` }));
      }
    }
    if (!result || generation !== this.generation) return result?.info ?? null;
    this.lastFindings = result.findings;
    this.onFindings?.(result.findings);
    this.log.info(`${this.fileName}: ${result.info.messageCount} SIP messages, ${result.findings.length} findings, read in ${Date.now() - started} ms (${this.worker.threaded ? 'worker thread' : 'host thread'})`);
    return result.info;
  }

  private post(message: ToWebviewMessage): void {
    void this.webview.postMessage(message);
  }

  dispose(): void {
    this.worker.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

function sanitizeFilter(filter: DiagramFilter | undefined): DiagramFilter {
  return {
    hideTrying: filter?.hideTrying === true,
    hideProvisionalNotify: filter?.hideProvisionalNotify === true,
    hideDuplicates: filter?.hideDuplicates === true,
  };
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
