// One diagram webview bound to one trace: loads the trace in its own worker, answers the webview's protocol
// messages, and re-renders when the trace or the settings change. Shared by the capture editor and the
// text-trace panel.
import * as vscode from 'vscode';
import type { Finding } from '../core/model/finding';
import type {
  DiagramData, DiagramFilter, DiagramLifeline, DiagramPick, DiagramSelection, DiagramViewState, ExportImageReply,
  FromWebviewMessage, ToWebviewMessage, TraceInfo,
} from '../protocol/messages';
import { CancelledError, TraceWorkerClient } from './traceWorkerClient';
import type { AnalyseOptions, ExportRequestOptions, ExportResult, RenderRequestOptions } from './traceWorkerProtocol';
import { maxFileSizeMB, readDiagramSettings, setParticipantName } from './settings';
import { registerDiagram, takePendingFocus, touchDiagram, type RegisteredDiagram } from './diagramRegistry';
import { TIME_RANGE_HELP } from './searchQuery';

/** Captures this big get a cancellable notification while they are parsed. */
const NOTIFY_ABOVE_BYTES = 8 * 1024 * 1024;

export type TraceSource =
  | { kind: 'capture'; uri: vscode.Uri }
  | { kind: 'text'; document: vscode.TextDocument }
  /** Several text logs of the same calls merged into one trace (issue 3), read through workspace.fs. */
  | { kind: 'merged'; uris: vscode.Uri[] };

/** The URI settings are scoped to and names come from (a merged trace's first log). */
function sourceUri(source: TraceSource): vscode.Uri {
  return source.kind === 'capture' ? source.uri : source.kind === 'text' ? source.document.uri : source.uris[0];
}

const WHOLE_TRACE: DiagramSelection = { flow: null, callIds: [], hops: true };

export class DiagramSession implements vscode.Disposable, RegisteredDiagram {
  /** Flows and correlation headers for the verdicts (set by activate() from the workspace's settings and flow files). */
  static analyseOptions: ((scope: vscode.Uri) => Promise<AnalyseOptions>) | null = null;
  /** Opens a capture's decoded-messages view at a message (set by activate(); sipTrail.showMessages otherwise). */
  static showCaptureMessage: ((uri: vscode.Uri, messageIndex: number) => Promise<unknown>) | null = null;

  private readonly worker: TraceWorkerClient;
  private selection: DiagramSelection = { ...WHOLE_TRACE };
  private lastDiagram: DiagramData | null = null;
  /** A message to select once the diagram is drawn (Show in Call Flow before the webview was ready). */
  private pendingFocus: number | undefined;
  /** The panel, for `active` (which diagram "Export Diagram…" means). */
  private panel: vscode.WebviewPanel | null = null;
  /** Set once the user chose "Open Anyway" for a capture above sipTrail.maxFileSizeMB. */
  private sizeAllowed = false;
  private openAnyway: (() => void) | null = null;
  private nextImageRequest = 1;
  private readonly imageWaiters = new Map<number, (reply: ExportImageReply) => void>();
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
  private markDrawn: () => void = () => undefined;
  readonly firstDrawn = new Promise<void>((resolve) => { this.markDrawn = resolve; });

  constructor(
    private readonly webview: vscode.Webview,
    private readonly source: TraceSource,
    workerPath: string,
    private readonly log: vscode.LogOutputChannel,
    private readonly onFindings?: (findings: Finding[]) => void,
  ) {
    this.worker = new TraceWorkerClient(workerPath, (line) => log.info(line));
    this.disposables.push(
      webview.onDidReceiveMessage((message: FromWebviewMessage) => void this.onMessage(message)),
      registerDiagram(this),
    );
  }

  /** The panel showing this diagram, so the export command can tell which diagram is in front. */
  attachPanel(panel: vscode.WebviewPanel): void {
    this.panel = panel;
  }

  get active(): boolean {
    return this.panel?.active === true;
  }

  get traceUris(): readonly vscode.Uri[] {
    return this.source.kind === 'merged' ? this.source.uris : [sourceUri(this.source)];
  }

  /** What the diagram shows now (selection, filter, page), for exports. */
  get shown(): { diagram: DiagramData | null; selection: DiagramSelection; filter: DiagramFilter } {
    return { diagram: this.lastDiagram, selection: this.selection, filter: this.filter };
  }

  /** Draws the page holding the message and selects its arrow (CodeLens "Show in Call Flow"). */
  focus(messageIndex: number): void {
    if (!Number.isInteger(messageIndex) || messageIndex < 0) return;
    this.pendingFocus = messageIndex;
    if (this.ready) void this.pushDiagram();
  }

  /** Text and pcap exports of what is on screen, written by the worker. */
  async exportFromWorker(format: ExportRequestOptions['format'], extra: Pick<ExportRequestOptions, 'svgs' | 'nonce'> = {}): Promise<ExportResult> {
    await this.ensureLoaded();
    const settings = readDiagramSettings(sourceUri(this.source));
    return this.worker.request({
      op: 'export', traceId: 'trace',
      options: {
        format, selection: this.selection, filter: this.filter, names: settings.participantNames,
        showTimeOffsets: settings.showTimeOffsets, analyse: await this.analyse(), ...extra,
      },
    });
  }

  /** The capture's own bytes (pcap export copies records out of them), or null for text traces. */
  async captureBytes(): Promise<Uint8Array | null> {
    return this.source.kind === 'capture' ? vscode.workspace.fs.readFile(this.source.uri) : null;
  }

  /** The SVG the webview drew (styles inlined, theme colours resolved), or a PNG of it. */
  exportImage(format: 'svg' | 'png', scale = 1, background: 'white' | 'transparent' = 'white', source?: string): Promise<ExportImageReply> {
    const requestId = this.nextImageRequest++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.imageWaiters.delete(requestId);
        reject(new Error('the diagram did not answer within 60 s'));
      }, 60_000);
      this.imageWaiters.set(requestId, (reply) => {
        clearTimeout(timer);
        resolve(reply);
      });
      this.post({ type: 'exportImage', requestId, format, scale, background, ...(source !== undefined ? { source } : {}) });
    });
  }

  private async analyse(): Promise<AnalyseOptions | undefined> {
    try {
      return await DiagramSession.analyseOptions?.(sourceUri(this.source));
    } catch (error) {
      this.log.warn(`flow settings: ${errorText(error)}`);
      return undefined;
    }
  }

  get fileName(): string {
    const name = (uri: vscode.Uri): string => uri.path.slice(uri.path.lastIndexOf('/') + 1) || uri.toString();
    return this.source.kind === 'merged' ? this.source.uris.map(name).join(' + ') : name(sourceUri(this.source));
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
    if (this.source.kind === 'capture') {
      // Captures have no lines: the decoded-messages view, at this message (another view of the same trace).
      const uri = this.source.uri;
      await (DiagramSession.showCaptureMessage
        ? DiagramSession.showCaptureMessage(uri, messageIndex)
        : vscode.commands.executeCommand('sipTrail.showMessages', uri, messageIndex));
      return;
    }
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
    await setParticipantName(lifeline.keys, name, sourceUri(this.source));
  }

  private async onMessage(message: FromWebviewMessage): Promise<void> {
    if (message.type !== 'rendered' && message.type !== 'webviewError' && message.type !== 'renderTiming') touchDiagram(this);
    switch (message.type) {
      case 'select':
        this.selection = sanitizeSelection(message.selection);
        this.filter = sanitizeFilter(message.filter);
        this.page = 0;
        await this.pushDiagram(message.requestId);
        return;
      case 'pickSelection':
        await this.pickSelection().catch((error) => this.log.warn(errorText(error)));
        return;
      case 'export':
        await vscode.commands.executeCommand('sipTrail.exportDiagram');
        return;
      case 'openAnyway':
        this.sizeAllowed = true;
        this.openAnyway?.();
        return;
      case 'exportImage': {
        const waiter = this.imageWaiters.get(message.inReplyTo);
        this.imageWaiters.delete(message.inReplyTo);
        waiter?.(message);
        return;
      }
      case 'ready':
        this.log.info(`${this.fileName}: diagram webview ready`);
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
        this.log.info(`${this.fileName}: page ${message.page + 1} drawn with ${message.arrows} arrows in ${message.drawMs} ms${message.openMs === null ? '' : ` (${message.openMs} ms since the webview asked)`}`);
        return;
      case 'renderTiming':
        this.log.info(`${this.fileName}: page ${message.page + 1} (${message.arrows} arrows, ${message.sourceLength} characters): bare mermaid.render ${message.bareRenderMs.join(', ')} ms; webview draw ${message.drawMs.join(', ')} ms`);
        return;
    }
  }

  private restore(state: DiagramViewState): void {
    this.page = Number.isFinite(state.page) ? Math.max(0, Math.trunc(state.page)) : 0;
    this.filter = sanitizeFilter(state.filter);
    this.selection = sanitizeSelection(state.selection);
  }

  private async pushDiagram(inReplyTo?: number): Promise<void> {
    try {
      const info = await this.ensureLoaded();
      if (!info) {
        this.loaded = null; // cancelled: the next request tries again
        return;
      }
      const settings = readDiagramSettings(sourceUri(this.source));
      const options: RenderRequestOptions = {
        page: this.page,
        pageSize: settings.pageSize,
        filter: this.filter,
        names: settings.participantNames,
        showTimeOffsets: settings.showTimeOffsets,
        selection: this.selection,
        analyse: await this.analyse(),
      };
      this.pendingFocus ??= takePendingFocus(this.traceUris);
      if (this.pendingFocus !== undefined) {
        options.focusMessage = this.pendingFocus;
        this.pendingFocus = undefined;
      }
      const diagram = await this.worker.request({ op: 'render', traceId: 'trace', options });
      this.page = diagram.page;
      this.selection = diagram.selection;
      this.filter = diagram.filter;
      this.lastDiagram = diagram;
      this.lifelines = diagram.participants;
      this.post({ type: 'diagram', inReplyTo, diagram });
    } catch (error) {
      if (error instanceof CancelledError) return;
      this.log.error(`${this.fileName}: ${errorText(error)}`);
      this.post({ type: 'traceError', inReplyTo, message: `Could not show ${this.fileName}: ${errorText(error)}` });
    } finally {
      this.markDrawn();
    }
  }

  private ensureLoaded(): Promise<TraceInfo | null> {
    if (!this.loaded) this.loaded = this.load(++this.generation);
    return this.loaded;
  }

  /**
   * A capture above sipTrail.maxFileSizeMB is read only after the user says so in the diagram ("Open Anyway", as the
   * hex editor asks for big files); the diagram says why it waits, never cutting the file silently.
   */
  private async confirmSize(uri: vscode.Uri): Promise<void> {
    if (this.sizeAllowed) return;
    const limitMB = maxFileSizeMB(uri);
    if (limitMB <= 0) return;
    let size: number;
    try {
      size = (await vscode.workspace.fs.stat(uri)).size;
    } catch {
      return; // readFile reports the problem
    }
    if (size <= limitMB * 1024 * 1024) return;
    this.log.info(`${this.fileName}: ${(size / 1048576).toFixed(1)} MB is above sipTrail.maxFileSizeMB (${limitMB}); waiting for "Open Anyway"`);
    await new Promise<void>((resolve) => {
      this.openAnyway = resolve;
      this.post({ type: 'tooLarge', fileName: this.fileName, sizeMB: Math.round((size / 1048576) * 10) / 10, limitMB });
    });
    this.openAnyway = null;
  }

  /** The dialog / flow-instance picker: a quick pick searched in the worker's index as the user types. */
  private async pickSelection(): Promise<void> {
    if (!(await this.ensureLoaded())) return;
    const analyse = await this.analyse();
    type Item = vscode.QuickPickItem & { pick?: DiagramPick };
    const quickPick = vscode.window.createQuickPick<Item>();
    quickPick.title = `Show in ${this.fileName}`;
    quickPick.placeholder = `Search flow instances and dialogs: Call-ID, URI, user, method, status; a time range: ${TIME_RANGE_HELP}`;
    quickPick.matchOnDescription = true;
    quickPick.matchOnDetail = true;
    const hops = this.selection.hops;
    const whole: Item = { label: 'Whole trace', description: 'every dialog', pick: { kind: 'all', label: 'Whole trace', description: '', detail: '', selection: { ...WHOLE_TRACE, hops } } };
    let asked = 0;
    const search = async (query: string): Promise<void> => {
      const mine = ++asked;
      quickPick.busy = true;
      try {
        const result = await this.worker.request({ op: 'search', traceId: 'trace', options: { analyse, query, limit: 200 } });
        if (mine !== asked) return;
        const items: Item[] = [whole];
        if (result.problem !== null) items.push({ label: result.problem, kind: vscode.QuickPickItemKind.Separator });
        // alwaysShow: the worker has matched the query already (a time: range appears in no item's text, so the
        // quick pick's own filter would hide every match).
        for (const pick of result.picks) items.push({ label: pick.label, description: pick.description, detail: pick.detail, alwaysShow: true, pick: { ...pick, selection: { ...pick.selection, hops } } });
        if (result.total > result.picks.length) {
          items.push({ label: `${result.total - result.picks.length} more match(es)`, kind: vscode.QuickPickItemKind.Separator });
        }
        quickPick.items = items;
      } finally {
        if (mine === asked) quickPick.busy = false;
      }
    };
    const chosen = await new Promise<DiagramPick | undefined>((resolve) => {
      quickPick.onDidChangeValue((value) => void search(value));
      quickPick.onDidAccept(() => {
        // The selection reaches the extension host as its own event, and replacing the items (a search answering)
        // resets it (microsoft/vscode#226469); an accept that finds it empty takes the highlighted item, which is
        // what Enter or the click meant. Logged, to tell this case apart if a pick ever draws nothing.
        let item = quickPick.selectedItems[0];
        if (item === undefined && quickPick.activeItems[0] !== undefined) {
          item = quickPick.activeItems[0];
          this.log.info(`${this.fileName}: picker accepted with no item selected; taking the highlighted one (${item.label})`);
        }
        resolve(item?.pick);
        quickPick.hide();
      });
      quickPick.onDidHide(() => resolve(undefined));
      quickPick.show();
      void search('');
    });
    quickPick.dispose();
    if (!chosen) {
      this.log.info(`${this.fileName}: picker closed without a pick`);
      return;
    }
    this.selection = chosen.selection;
    this.page = 0;
    await this.pushDiagram();
  }

  private async load(generation: number): Promise<TraceInfo | null> {
    const started = Date.now();
    let result;
    if (this.source.kind === 'text') {
      result = await this.worker.request({ op: 'openText', traceId: 'trace', fileName: this.fileName, text: this.source.document.getText() });
    } else if (this.source.kind === 'merged') {
      const files: { fileName: string; text: string }[] = [];
      for (const uri of this.source.uris) {
        files.push({ fileName: uri.path.slice(uri.path.lastIndexOf('/') + 1), text: new TextDecoder('utf-8').decode(await vscode.workspace.fs.readFile(uri)) });
      }
      result = await this.worker.request({ op: 'openMerged', traceId: 'trace', files });
    } else {
      const uri = this.source.uri;
      // Through workspace.fs, so remote and virtual workspaces work.
      await this.confirmSize(uri);
      if (generation !== this.generation) return null;
      // Shown at once: reading a big capture and handing it to the worker takes a moment before the first progress.
      this.post({ type: 'progress', fraction: 0, label: `Reading ${this.fileName}` });
      const bytes = await vscode.workspace.fs.readFile(uri);
      this.log.info(`${this.fileName}: ${(bytes.length / 1048576).toFixed(1)} MB read in ${Date.now() - started} ms; parsing in the worker`);
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
    // The first page waits for correlation and the flow checks in the worker: say so until it arrives.
    if (this.source.kind === 'capture') this.post({ type: 'progress', fraction: 1, label: `Correlating dialogs and checking flows in ${this.fileName}…` });
    this.lastFindings = result.findings;
    this.onFindings?.(result.findings);
    this.log.info(`${this.fileName}: ${result.info.messageCount} SIP messages, ${result.findings.length} findings, read in ${Date.now() - started} ms (${this.worker.threaded ? 'worker thread' : 'host thread'})`);
    return result.info;
  }

  private post(message: ToWebviewMessage): void {
    void this.webview.postMessage(message);
  }

  dispose(): void {
    this.markDrawn();
    for (const waiter of this.imageWaiters.values()) waiter({ type: 'exportImage', inReplyTo: 0, format: 'svg', data: null, width: 0, height: 0, error: 'the diagram was closed' });
    this.imageWaiters.clear();
    this.worker.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

function sanitizeSelection(selection: DiagramSelection | undefined): DiagramSelection {
  if (!selection || typeof selection !== 'object') return { ...WHOLE_TRACE };
  return {
    flow: typeof selection.flow === 'string' && selection.flow !== '' ? selection.flow.slice(0, 300) : null,
    callIds: Array.isArray(selection.callIds) ? selection.callIds.filter((c): c is string => typeof c === 'string').slice(0, 1000) : [],
    hops: selection.hops !== false,
  };
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
