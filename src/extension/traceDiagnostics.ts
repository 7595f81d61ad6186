// Parser, correlation and checker findings as diagnostics: on text traces (language sip-trace, and any document
// "Show Call Flow" was run on) at the offending message's line, header or column; on captures and merged logs in
// their decoded-messages view. Updated after edits (debounced) and saves, cleared when the trace is closed.
import * as vscode from 'vscode';
import { affectsAnalysis, minimumSeverity, type UserFlows } from './analysisSettings';
import { decodedKey, decodedTarget, decodedUri, DECODED_SCHEME, mergedUri } from './decodedMessages';
import { placeFindings, type DiagnosticSpec } from './findingLocations';
import { keyOf, type AnalysedSource, type AnalysedTrace, type TraceAnalyser } from './traceAnalyser';
import { diagramsDrawn } from './diagramRegistry';

export const TRACE_LANGUAGE = 'sip-trace';
export const DIAGNOSTIC_SOURCE = 'SIP Trail';
/** Edits are analysed again once typing pauses this long. */
const EDIT_DELAY_MS = 400;
/** How long a capture's Problems wait for its diagram to register, and at most for its first page. */
const DIAGRAM_APPEAR_MS = 3_000;
const DIAGRAM_WAIT_MS = 10 * 60_000;

const SEVERITY: Record<DiagnosticSpec['severity'], vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};

export class TraceDiagnostics implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection('siptrail');
  /** Documents of other languages the user asked about ("Show Call Flow"). */
  private readonly adopted = new Set<string>();
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  /** Captures and merged logs whose diagnostics are shown, by the decoded view's URI. */
  private readonly decodedShown = new Map<string, AnalysedSource>();
  private readonly disposables: vscode.Disposable[] = [];
  /** Merged traces whose diagram is open: their findings stay even with no decoded view open. */
  private readonly held = new Set<string>();

  constructor(private readonly analyser: TraceAnalyser, flows: UserFlows) {
    this.disposables.push(
      this.collection,
      analyser.onDidAnalyse((trace) => this.publish(trace)),
      vscode.workspace.onDidOpenTextDocument((document) => this.onOpen(document)),
      vscode.workspace.onDidChangeTextDocument((event) => {
        if (event.contentChanges.length) this.schedule(event.document, EDIT_DELAY_MS);
      }),
      vscode.workspace.onDidSaveTextDocument((document) => this.schedule(document, 0)),
      vscode.workspace.onDidCloseTextDocument((document) => this.onClose(document)),
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (affectsAnalysis(event)) this.refreshAll();
      }),
      flows.onDidChange(() => this.refreshAll()),
      vscode.window.tabGroups.onDidChangeTabs(() => this.followCaptureTabs()),
    );
    for (const document of vscode.workspace.textDocuments) this.onOpen(document);
    this.followCaptureTabs();
  }

  /** Whether `document` is a text trace the diagnostics follow. */
  isTraceDocument(document: vscode.TextDocument): boolean {
    if (document.uri.scheme === DECODED_SCHEME || document.uri.scheme === 'output' || document.uri.scheme === 'vscode-settings') return false;
    return document.languageId === TRACE_LANGUAGE || this.adopted.has(document.uri.toString());
  }

  /** Follows a document of any language from now on ("Show Call Flow" ran on it). */
  adopt(document: vscode.TextDocument): void {
    if (document.uri.scheme === DECODED_SCHEME) return;
    this.adopted.add(document.uri.toString());
    this.schedule(document, 0);
  }

  /** Shows a capture's (or merged logs') findings in the Problems panel, placed in its decoded view. */
  showDecoded(source: Exclude<AnalysedSource, { kind: 'text' }>): Promise<AnalysedTrace | null> {
    const uri = source.kind === 'capture' ? decodedUri(source.uri) : mergedUri(source.uris);
    this.decodedShown.set(uri.toString(), source);
    return this.analyser.ensure(source);
  }

  /**
   * A capture opened in its editor: its Problems entries are worked out once its diagram has the first page, so the
   * diagram's worker has the machine to itself while it parses (each worker reads the capture on its own; a big one
   * at once in both delayed the first page). Opening the decoded view asks for them at once.
   */
  private showDecodedAfterDiagram(capture: vscode.Uri): void {
    const source = { kind: 'capture', uri: capture } as const;
    const key = decodedUri(capture).toString();
    this.decodedShown.set(key, source);
    void diagramsDrawn(capture, DIAGRAM_APPEAR_MS, DIAGRAM_WAIT_MS).then(() => {
      if (this.decodedShown.get(key) === source) void this.showDecoded(source);
    });
  }

  /** Keeps (or, `false`, stops keeping) a merged trace's findings while its diagram is open. */
  holdMerged(uris: readonly vscode.Uri[], hold: boolean): void {
    const uri = mergedUri(uris).toString();
    if (hold) this.held.add(uri);
    else this.held.delete(uri);
    if (!hold) this.followCaptureTabs();
  }

  private onOpen(document: vscode.TextDocument): void {
    if (document.uri.scheme === DECODED_SCHEME) {
      const target = decodedTarget(document.uri);
      if (target && !this.decodedShown.has(document.uri.toString())) void this.showDecoded(target);
      return;
    }
    if (this.isTraceDocument(document)) this.schedule(document, 0);
  }

  private onClose(document: vscode.TextDocument): void {
    const key = document.uri.toString();
    if (document.uri.scheme === DECODED_SCHEME) {
      // The capture's own editor may still be open: its findings stay until that closes too.
      this.followCaptureTabs();
      return;
    }
    const timer = this.timers.get(key);
    if (timer) clearTimeout(timer);
    this.timers.delete(key);
    this.adopted.delete(key);
    this.collection.delete(document.uri);
    if (this.analyser.get(key)) this.analyser.forget(key);
  }

  private schedule(document: vscode.TextDocument, delay: number): void {
    if (!this.isTraceDocument(document)) return;
    const key = document.uri.toString();
    const old = this.timers.get(key);
    if (old) clearTimeout(old);
    this.timers.set(key, setTimeout(() => {
      this.timers.delete(key);
      if (!document.isClosed) void this.analyser.analyse({ kind: 'text', document });
    }, delay));
  }

  private refreshAll(): void {
    for (const document of vscode.workspace.textDocuments) if (this.isTraceDocument(document)) this.schedule(document, 0);
    for (const source of this.decodedShown.values()) void this.analyser.analyse(source);
  }

  /** Captures open in the capture editor get their Problems entries; closed ones (and unused views) lose them. */
  private followCaptureTabs(): void {
    const open = new Set<string>();
    for (const group of vscode.window.tabGroups.all) {
      for (const tab of group.tabs) {
        const input = tab.input;
        if (input instanceof vscode.TabInputCustom && input.viewType === 'sipTrail.pcapViewer') {
          const uri = decodedUri(input.uri);
          open.add(uri.toString());
          if (!this.decodedShown.has(uri.toString())) this.showDecodedAfterDiagram(input.uri);
        } else if (input instanceof vscode.TabInputText && input.uri.scheme === DECODED_SCHEME) {
          open.add(input.uri.toString());
        }
      }
    }
    for (const [uri, source] of [...this.decodedShown]) {
      if (open.has(uri) || this.held.has(uri)) continue;
      this.decodedShown.delete(uri);
      this.collection.delete(vscode.Uri.parse(uri, true));
      const key = keyOf(source);
      if (this.analyser.get(key)) this.analyser.forget(key);
    }
  }

  private publish(trace: AnalysedTrace): void {
    if (trace.source.kind === 'text') {
      const document = trace.source.document;
      if (document.isClosed || !this.isTraceDocument(document)) return;
      this.collection.set(document.uri, this.diagnostics(trace, document));
      return;
    }
    const uri = trace.source.kind === 'capture' ? decodedUri(trace.source.uri) : mergedUri(trace.source.uris);
    if (!this.decodedShown.has(uri.toString())) return;
    // Placed by the decoded text itself: the view need not be open for Problems entries to point into it.
    const lines = trace.decoded ? trace.decoded.text.split('\n') : [];
    const document = { lineCount: lines.length, lineAt: (l: number) => ({ text: lines[l] ?? '' }) } as unknown as vscode.TextDocument;
    this.collection.set(uri, this.diagnostics(trace, document, uri));
  }

  private diagnostics(trace: AnalysedTrace, document: vscode.TextDocument, uri: vscode.Uri = document.uri): vscode.Diagnostic[] {
    const layout = this.analyser.layoutOf(trace, document);
    const scope = trace.source.kind === 'text' ? trace.source.document.uri : trace.source.kind === 'capture' ? trace.source.uri : trace.source.uris[0];
    return placeFindings(trace.analysis, layout, minimumSeverity(scope)).map((spec) => toDiagnostic(spec, uri));
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

function range(r: DiagnosticSpec['range']): vscode.Range {
  return new vscode.Range(r.line, r.character, r.endLine, r.endCharacter);
}

export function toDiagnostic(spec: DiagnosticSpec, uri: vscode.Uri): vscode.Diagnostic {
  const diagnostic = new vscode.Diagnostic(range(spec.range), spec.message, SEVERITY[spec.severity]);
  diagnostic.source = DIAGNOSTIC_SOURCE;
  diagnostic.code = spec.target ? { value: spec.code, target: vscode.Uri.parse(spec.target, true) } : spec.code;
  if (spec.related.length) {
    diagnostic.relatedInformation = spec.related.map((r) => new vscode.DiagnosticRelatedInformation(new vscode.Location(uri, range(r.range)), r.message));
  }
  return diagnostic;
}

/** The analyser key of the trace a document shows (a text trace itself, or a decoded view's capture). */
export function traceKeyOf(document: vscode.TextDocument): string {
  return document.uri.scheme === DECODED_SCHEME ? decodedKey(document.uri) ?? '' : document.uri.toString();
}
