// Analyses (correlation, flow check, summaries) of the traces the language features look at: text documents,
// captures (shown through their decoded-messages view) and merged logs. One worker thread of its own, so a big
// capture being checked never delays a diagram; each trace is kept there under its URI.
import * as vscode from 'vscode';
import type { TraceInfo } from '../protocol/messages';
import { analyseOptions, type UserFlows } from './analysisSettings';
import { DecodedDocumentBuilder, decodedLayout, type DecodedDocument, type DecodedEntry } from './decodedDocument';
import { textTraceLayout, type TraceLayout } from './findingLocations';
import { CancelledError, TraceWorkerClient } from './traceWorkerClient';
import type { TraceAnalysis } from './traceWorkerProtocol';

/** Captures with more messages than this list summary lines only in the decoded view (no message text). */
const DECODED_TEXT_LIMIT = 20_000;
/** Message texts fetched from the worker per round. */
const DETAILS_BATCH = 256;
/**
 * Summaries fetched from the worker per round, and entries added to the decoded view per turn of the event loop:
 * a 200,000-message capture's summaries are ~66 MB to copy and its decoded view ~1 s to build, which in one piece
 * froze the extension host for seconds (ten and more on a loaded machine).
 */
const SUMMARY_BATCH = 10_000;

export type AnalysedSource =
  | { kind: 'text'; document: vscode.TextDocument }
  | { kind: 'capture'; uri: vscode.Uri }
  | { kind: 'merged'; uris: vscode.Uri[] };

export interface AnalysedTrace {
  /** The text document's URI, the capture's URI, or the merged view's URI. */
  key: string;
  source: AnalysedSource;
  info: TraceInfo;
  analysis: TraceAnalysis;
  /** Text documents: the version analysed. */
  version: number | null;
  /** Captures and merged logs: the decoded-messages view the diagnostics sit in. */
  decoded: DecodedDocument | null;
}

export class TraceAnalyser implements vscode.Disposable {
  private readonly worker: TraceWorkerClient;
  private readonly results = new Map<string, AnalysedTrace>();
  private readonly running = new Map<string, { generation: number; promise: Promise<AnalysedTrace | null> }>();
  private generation = 0;
  private readonly emitter = new vscode.EventEmitter<AnalysedTrace>();
  /** Fires after each finished analysis. */
  readonly onDidAnalyse = this.emitter.event;

  constructor(workerPath: string, private readonly flows: UserFlows, private readonly log: vscode.LogOutputChannel) {
    this.worker = new TraceWorkerClient(workerPath, (line) => log.info(line));
  }

  get(key: string): AnalysedTrace | undefined {
    return this.results.get(key);
  }

  all(): AnalysedTrace[] {
    return [...this.results.values()];
  }

  /** The analysis of `source`, current for a text document's version; started (or joined) when missing. */
  ensure(source: AnalysedSource): Promise<AnalysedTrace | null> {
    const key = keyOf(source);
    const done = this.results.get(key);
    if (done && (source.kind !== 'text' || done.version === source.document.version)) return Promise.resolve(done);
    const running = this.running.get(key);
    if (running) return running.promise;
    return this.analyse(source);
  }

  /** Analyses `source` again (after an edit, a save or a settings change). */
  analyse(source: AnalysedSource): Promise<AnalysedTrace | null> {
    const key = keyOf(source);
    const generation = ++this.generation;
    const promise = this.run(key, source, generation).catch((error: unknown) => {
      if (!(error instanceof CancelledError)) this.log.warn(`${describe(source)}: analysis failed: ${error instanceof Error ? error.message : String(error)}`);
      return null;
    }).finally(() => {
      if (this.running.get(key)?.generation === generation) this.running.delete(key);
    });
    this.running.set(key, { generation, promise });
    return promise;
  }

  /** The document's layout of the trace's messages, for placing findings, symbols, folds and lenses. */
  layoutOf(trace: AnalysedTrace, document: vscode.TextDocument): TraceLayout {
    if (trace.decoded) return decodedLayout(trace.decoded);
    return textTraceLayout(trace.analysis.messages, { lineCount: document.lineCount, lineAt: (line) => document.lineAt(line).text });
  }

  forget(key: string): void {
    this.results.delete(key);
    this.running.delete(key);
    void this.worker.request({ op: 'close', traceId: key }).catch(() => undefined);
  }

  private isLatest(key: string, generation: number): boolean {
    return this.running.get(key)?.generation === generation;
  }

  private async run(key: string, source: AnalysedSource, generation: number): Promise<AnalysedTrace | null> {
    const started = Date.now();
    const scope = source.kind === 'text' ? source.document.uri : source.kind === 'capture' ? source.uri : source.uris[0];
    const version = source.kind === 'text' ? source.document.version : null;
    let opened;
    if (source.kind === 'text') {
      opened = await this.worker.request({ op: 'openText', traceId: key, fileName: baseName(source.document.uri), text: source.document.getText() });
    } else if (source.kind === 'capture') {
      const bytes = await vscode.workspace.fs.readFile(source.uri);
      opened = await this.worker.request({ op: 'openCapture', traceId: key, fileName: baseName(source.uri), bytes });
    } else {
      const files: { fileName: string; text: string }[] = [];
      for (const uri of source.uris) files.push({ fileName: baseName(uri), text: new TextDecoder('utf-8').decode(await vscode.workspace.fs.readFile(uri)) });
      opened = await this.worker.request({ op: 'openMerged', traceId: key, files });
    }
    if (!this.isLatest(key, generation)) return null;
    const options = await analyseOptions(this.flows, scope);
    const analysis = await this.worker.request({ op: 'analyse', traceId: key, options, summaries: false });
    if (!this.isLatest(key, generation)) return null;
    for (let from = 0; ; from += SUMMARY_BATCH) {
      const slice = await this.worker.request({ op: 'summaries', traceId: key, options, from, count: SUMMARY_BATCH });
      if (!this.isLatest(key, generation)) return null;
      for (const m of slice.messages) analysis.messages.push(m);
      if (from + SUMMARY_BATCH >= slice.total) break;
    }
    let decoded: DecodedDocument | null = null;
    if (source.kind !== 'text') {
      decoded = await this.decode(key, source, analysis, generation);
      if (!decoded) return null;
    }
    const trace: AnalysedTrace = { key, source, info: opened.info, analysis, version, decoded };
    // Everything the language features and Problems use is on this side now, so the worker's copy of the trace goes (a
    // new analysis, after an edit or a setting, reads the source again anyway). A big trace's heap (~1.4 GB for
    // 200,000 messages) goes back to the system only when its thread ends: with nothing else in flight, the worker
    // is stopped, and the next analysis starts a new one.
    if (analysis.messages.length > DECODED_TEXT_LIMIT && [...this.running.keys()].every((k) => k === key)) this.worker.cancel();
    else void this.worker.request({ op: 'close', traceId: key }).catch(() => undefined);
    this.results.set(key, trace);
    this.log.info(`${describe(source)}: analysed ${analysis.messages.length} messages, ${analysis.findings.length} findings, ${analysis.report.flows.length} flow instance(s) in ${Date.now() - started} ms`);
    this.emitter.fire(trace);
    return trace;
  }

  /** The decoded-messages text: every message's text fetched from the worker, in batches. */
  private async decode(key: string, source: AnalysedSource, analysis: TraceAnalysis, generation: number): Promise<DecodedDocument | null> {
    const entries: DecodedEntry[] = analysis.messages.map((summary) => ({ summary, text: null }));
    if (entries.length <= DECODED_TEXT_LIMIT) {
      for (let i = 0; i < entries.length; i += DETAILS_BATCH) {
        const batch = entries.slice(i, i + DETAILS_BATCH);
        const details = await Promise.all(batch.map((e) => this.worker.request({ op: 'details', traceId: key, messageIndex: e.summary.index })));
        if (!this.isLatest(key, generation)) return null;
        batch.forEach((e, j) => { e.text = details[j]?.text ?? null; });
      }
    }
    const title = source.kind === 'merged'
      ? `SIP Trail: ${source.uris.map(baseName).join(' + ')} merged into one trace`
      : `SIP Trail: decoded SIP messages of ${source.kind === 'capture' ? baseName(source.uri) : ''}`;
    const builder = new DecodedDocumentBuilder(title, entries.length);
    for (let i = 0; i < entries.length; i += SUMMARY_BATCH) {
      builder.add(entries.slice(i, i + SUMMARY_BATCH));
      if (i + SUMMARY_BATCH < entries.length) {
        await new Promise((resolve) => setTimeout(resolve, 0));
        if (!this.isLatest(key, generation)) return null;
      }
    }
    return builder.finish();
  }

  dispose(): void {
    this.worker.dispose();
    this.emitter.dispose();
  }
}

export function keyOf(source: AnalysedSource): string {
  if (source.kind === 'text') return source.document.uri.toString();
  if (source.kind === 'capture') return source.uri.toString();
  return mergedKey(source.uris);
}

export function mergedKey(uris: readonly vscode.Uri[]): string {
  return `merged:${uris.map((u) => u.toString()).join('\n')}`;
}

export function baseName(uri: vscode.Uri): string {
  return uri.path.slice(uri.path.lastIndexOf('/') + 1) || uri.toString();
}

function describe(source: AnalysedSource): string {
  if (source.kind === 'text') return baseName(source.document.uri);
  if (source.kind === 'capture') return baseName(source.uri);
  return source.uris.map(baseName).join(' + ');
}
