// Language features of text traces and decoded views, from the trace's analysis: an outline with one symbol per
// dialog and its messages inside, a fold per message, hovers on Call-ID/tag/branch values, and a "Show in call
// flow" CodeLens above each message.
import * as vscode from 'vscode';
import { DECODED_SCHEME, decodedTarget } from './decodedMessages';
import type { TraceLayout } from './findingLocations';
import type { AnalysedTrace, TraceAnalyser } from './traceAnalyser';
import type { TraceDiagnostics } from './traceDiagnostics';
import { describeToken, HOVER_TOKEN } from './traceHover';
import type { MessageSummary } from './traceWorkerProtocol';

export const REVEAL_IN_CALL_FLOW = 'sipTrail.revealInCallFlow';
/** Traces with more messages than this get no CodeLenses (one per message would swamp the editor). */
const MAX_LENSES = 5_000;

export class TraceLanguageFeatures implements
  vscode.DocumentSymbolProvider, vscode.FoldingRangeProvider, vscode.HoverProvider, vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  readonly onDidChangeFoldingRanges = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly analyser: TraceAnalyser, private readonly diagnostics: TraceDiagnostics) {
    // Every document: "Show Call Flow" can adopt a trace of any language; untracked documents get nothing.
    const selector: vscode.DocumentSelector = [{ language: '*' }, { scheme: DECODED_SCHEME }];
    this.disposables.push(
      this.changed,
      analyser.onDidAnalyse(() => this.changed.fire()),
      vscode.languages.registerDocumentSymbolProvider(selector, this, { label: 'SIP dialogs' }),
      vscode.languages.registerFoldingRangeProvider(selector, this),
      vscode.languages.registerHoverProvider(selector, this),
      vscode.languages.registerCodeLensProvider(selector, this),
    );
  }

  /** The analysis of the trace `document` shows, current for its version; null when it is not a trace. */
  private async traceOf(document: vscode.TextDocument): Promise<{ trace: AnalysedTrace; layout: TraceLayout } | null> {
    let trace: AnalysedTrace | null = null;
    if (document.uri.scheme === DECODED_SCHEME) {
      const target = decodedTarget(document.uri);
      if (target) trace = await this.analyser.ensure(target);
    } else if (this.diagnostics.isTraceDocument(document)) {
      trace = await this.analyser.ensure({ kind: 'text', document });
    }
    if (!trace) return null;
    if (trace.source.kind === 'text' && trace.version !== document.version) return null;
    return { trace, layout: this.analyser.layoutOf(trace, document) };
  }

  async provideDocumentSymbols(document: vscode.TextDocument): Promise<vscode.DocumentSymbol[]> {
    const found = await this.traceOf(document);
    if (!found) return [];
    const { trace, layout } = found;
    const byIndex = new Map(trace.analysis.messages.map((m) => [m.index, m]));
    const messageSymbol = (m: MessageSummary): vscode.DocumentSymbol | null => {
      const lines = layout.messageLines(m.index);
      if (!lines) return null;
      const range = new vscode.Range(lines.first, 0, lines.last, layout.lineAt(lines.last).length);
      const where = m.source && 'frame' in m.source ? `frame ${m.source.frame}` : `${m.from} → ${m.to}`;
      return new vscode.DocumentSymbol(m.label, where, vscode.SymbolKind.Event, range, new vscode.Range(lines.first, 0, lines.first, layout.lineAt(lines.first).length));
    };
    const symbols: vscode.DocumentSymbol[] = [];
    const inDialog = new Set<number>();
    for (const d of trace.analysis.dialogs) {
      const children: vscode.DocumentSymbol[] = [];
      for (const index of d.messages) {
        const m = byIndex.get(index);
        const symbol = m ? messageSymbol(m) : null;
        if (symbol) children.push(symbol);
        inDialog.add(index);
      }
      if (!children.length) continue;
      const start = children.reduce((a, c) => (c.range.start.isBefore(a) ? c.range.start : a), children[0].range.start);
      const end = children.reduce((a, c) => (c.range.end.isAfter(a) ? c.range.end : a), children[0].range.end);
      const dialog = new vscode.DocumentSymbol(d.label, `Call-ID ${d.callId} · ${d.state}`, vscode.SymbolKind.Namespace,
        new vscode.Range(start, end), children[0].selectionRange);
      dialog.children = children;
      symbols.push(dialog);
    }
    // Messages outside every dialog (REGISTER, OPTIONS, stray responses) are listed at the top level.
    for (const m of trace.analysis.messages) {
      if (inDialog.has(m.index)) continue;
      const symbol = messageSymbol(m);
      if (symbol) symbols.push(symbol);
    }
    symbols.sort((a, b) => a.range.start.compareTo(b.range.start));
    return symbols;
  }

  async provideFoldingRanges(document: vscode.TextDocument): Promise<vscode.FoldingRange[]> {
    const found = await this.traceOf(document);
    if (!found) return [];
    const out: vscode.FoldingRange[] = [];
    for (const m of found.trace.analysis.messages) {
      const lines = found.layout.messageLines(m.index);
      if (lines && lines.last > lines.first) out.push(new vscode.FoldingRange(lines.first, lines.last));
    }
    return out;
  }

  async provideHover(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.Hover | null> {
    const word = document.getWordRangeAtPosition(position, HOVER_TOKEN);
    if (!word) return null;
    const found = await this.traceOf(document);
    if (!found) return null;
    const text = describeToken(document.getText(word), found.trace.analysis);
    if (!text) return null;
    const markdown = new vscode.MarkdownString(text);
    markdown.supportHtml = false;
    markdown.isTrusted = false;
    return new vscode.Hover(markdown, word);
  }

  async provideCodeLenses(document: vscode.TextDocument): Promise<vscode.CodeLens[]> {
    const found = await this.traceOf(document);
    if (!found || found.trace.analysis.messages.length > MAX_LENSES) return [];
    const { trace, layout } = found;
    const target = trace.source.kind === 'text' ? trace.source.document.uri : trace.source.kind === 'capture' ? trace.source.uri : document.uri;
    const lenses: vscode.CodeLens[] = [];
    for (const m of trace.analysis.messages) {
      const lines = layout.messageLines(m.index);
      if (!lines) continue;
      lenses.push(new vscode.CodeLens(new vscode.Range(lines.first, 0, lines.first, 0), {
        title: `Show in call flow (${m.index + 1}. ${m.label})`,
        command: REVEAL_IN_CALL_FLOW,
        arguments: [target, m.index],
      }));
    }
    return lenses;
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
