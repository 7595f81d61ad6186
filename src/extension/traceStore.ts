// Parsed traces and what the diagram asks of them. Runs inside the trace worker (or, when the worker bundle
// is missing, on the extension host): no vscode import, only core.
import type { Finding } from '../core/model/finding';
import type { SipMessage } from '../core/model/sipMessage';
import { createCaptureSession } from '../core/capture/readCapture';
import { readTextTrace } from '../core/trace/readTextTrace';
import { mergeTraces } from '../core/trace/mergeTraces';
import { formatEndpoint } from '../core/model/packet';
import { decodeLatin1 } from '../core/util/bytes';
import { messageTitle } from '../core/render/arrowLabel';
import { sideKey } from '../core/render/participants';
import { prepareDiagram, renderPreparedPage, type MessageAnnotation, type PreparedDiagram } from '../core/render/sequenceDiagram';
import type { DiagramData, MessageDetails, TraceInfo } from '../protocol/messages';
import type { DiagramFilter, DiagramPick, DiagramSelection } from '../protocol/messages';
import type { AnalyseOptions, OpenResult, RenderRequestOptions, SearchRequestOptions, TraceAnalysis } from './traceWorkerProtocol';
import { ALL_DIALOGS, buildDiagramView, buildSearchIndex, drawnPosition, searchIndex, verdictsOf, type DiagramView, type SearchResult } from './diagramView';
import { analyseTrace, type TraceAnalysisResult } from './traceAnalysis';

const DEFAULT_ANALYSE: AnalyseOptions = { flowIds: [], userFlows: [], correlationHeaders: [] };
/**
 * Each view's prepared diagram (lifelines, bands, missing-step places over the whole view), per page size, naming
 * and time-offset setting: turning a page of a 200,000-message view then costs that page, not the view.
 */
const preparedCaches = new WeakMap<DiagramView, Map<string, PreparedDiagram>>();

function preparedOf(view: DiagramView, options: { pageSize: number; names?: Readonly<Record<string, string>>; showTimeOffsets?: boolean }): PreparedDiagram {
  let cache = preparedCaches.get(view);
  if (!cache) preparedCaches.set(view, cache = new Map());
  const key = JSON.stringify([options.pageSize, options.names ?? null, options.showTimeOffsets ?? null]);
  let prepared = cache.get(key);
  if (!prepared) {
    prepared = prepareDiagram(view.messages, {
      pageSize: options.pageSize, names: options.names, showTimeOffsets: options.showTimeOffsets,
      annotations: view.annotations, missingSteps: view.missingSteps, groups: view.groups, title: view.title,
    });
    // Renaming a participant or changing the page size makes a new one; the last few are kept.
    if (cache.size >= 4) cache.delete(cache.keys().next().value!);
    cache.set(key, prepared);
  }
  return prepared;
}

const viewCaches = new WeakMap<TraceAnalysisResult, Map<string, DiagramView>>();
const searchIndexes = new WeakMap<TraceAnalysisResult, ReturnType<typeof buildSearchIndex>>();

/** A selection from the webview, with every field checked (it is data from another context). */
export function cleanSelection(selection: DiagramSelection | undefined): DiagramSelection {
  if (!selection || typeof selection !== 'object') return { ...ALL_DIALOGS };
  return {
    flow: typeof selection.flow === 'string' && selection.flow !== '' ? selection.flow : null,
    callIds: Array.isArray(selection.callIds) ? selection.callIds.filter((c): c is string => typeof c === 'string').slice(0, 1000) : [],
    hops: selection.hops !== false,
  };
}

/** Captures are fed to the reader in pieces this big, so progress can be reported. */
const CHUNK_BYTES = 1 << 20;

interface LoadedTrace {
  info: TraceInfo;
  messages: SipMessage[];
  /** Dialog band per message (Call-ID until the dialog table is wired in). */
  annotations: Map<number, MessageAnnotation>;
  packets: number | null;
  readerFindings: Finding[];
  /** Analyses by their options (JSON); dropped with the trace when it is opened again. */
  analyses: Map<string, TraceAnalysisResult>;
}

export class TraceStore {
  private readonly traces = new Map<string, LoadedTrace>();

  openCapture(traceId: string, fileName: string, bytes: Uint8Array, onProgress: (fraction: number) => void): OpenResult {
    const session = createCaptureSession();
    const messages: SipMessage[] = [];
    for (let offset = 0; offset < bytes.length; offset += CHUNK_BYTES) {
      messages.push(...session.push(bytes.subarray(offset, Math.min(bytes.length, offset + CHUNK_BYTES))));
      onProgress(Math.min(1, (offset + CHUNK_BYTES) / bytes.length));
    }
    messages.push(...session.end());
    return this.keep(traceId, { fileName, kind: 'capture', format: session.format ?? 'unknown' }, messages, session.findings, session.packets);
  }

  openText(traceId: string, fileName: string, text: string): OpenResult {
    const result = readTextTrace(text, { fileName });
    if ('error' in result) return this.keep(traceId, { fileName, kind: 'text', format: 'unknown' }, [], [result.error]);
    return this.keep(traceId, { fileName, kind: 'text', format: result.dialect }, result.messages, result.findings);
  }

  /** Several text logs as one trace (issue 3): each read on its own, then merged with the clock skew corrected. */
  openMerged(traceId: string, files: readonly { fileName: string; text: string }[]): OpenResult {
    const findings: Finding[] = [];
    const traces: { name: string; messages: SipMessage[] }[] = [];
    for (const file of files) {
      const result = readTextTrace(file.text, { fileName: file.fileName });
      if ('error' in result) {
        findings.push({ ...result.error, message: `${file.fileName}: ${result.error.message}` });
        continue;
      }
      // Message numbers change in the merge: the reader's findings keep their text and line, not their index.
      for (const f of result.findings) findings.push({ code: f.code, severity: f.severity, message: `${file.fileName}: ${f.message}`, ...(f.source ? { source: f.source } : {}) });
      traces.push({ name: file.fileName, messages: result.messages });
    }
    const merged = mergeTraces(traces);
    findings.push(...merged.findings);
    const fileName = files.map((f) => f.fileName).join(' + ');
    return this.keep(traceId, { fileName, kind: 'text', format: 'merged' }, merged.messages, findings);
  }

  render(traceId: string, options: RenderRequestOptions): DiagramData {
    const trace = this.get(traceId);
    const analysed = this.analysisOf(traceId, options.analyse ?? DEFAULT_ANALYSE);
    let selection = cleanSelection(options.selection);
    let filter = options.filter;
    let view = this.viewOf(analysed, trace, selection, filter);
    const notices: string[] = [];
    let position = -1;
    if (options.focusMessage !== undefined) {
      position = drawnPosition(view, analysed.correlation, options.focusMessage);
      if (position < 0) {
        // The message is outside what is drawn: show the whole trace, every message, so it can be selected.
        notices.push(`Message ${options.focusMessage + 1} is not in the selection or is hidden by a filter, so the whole trace is shown.`);
        selection = { ...ALL_DIALOGS };
        filter = {};
        view = this.viewOf(analysed, trace, selection, filter);
        position = drawnPosition(view, analysed.correlation, options.focusMessage);
      }
    }
    const pageSize = Math.max(1, Math.trunc(options.pageSize));
    const page = renderPreparedPage(preparedOf(view, { pageSize, names: options.names, showTimeOffsets: options.showTimeOffsets }),
      position >= 0 ? Math.floor(position / pageSize) : options.page);
    notices.push(...view.notices);
    if (page.pageCount > 1) {
      notices.push(`${view.messages.length} arrows in ${page.pageCount} pages of at most ${page.pageSize} (setting sipTrail.diagram.pageSize): this is page ${page.page + 1}; Previous/Next show the others.`);
    }
    return {
      trace: trace.info,
      text: page.text,
      page: page.page,
      pageCount: page.pageCount,
      pageSize: page.pageSize,
      arrows: page.arrows,
      participants: page.participants.map((p) => ({ id: p.id, name: p.name, detail: p.detail, keys: p.keys.slice() })),
      shownMessages: view.messages.length,
      hiddenMessages: trace.messages.length - view.messages.length,
      filter,
      selection,
      title: view.title,
      verdicts: verdictsOf(analysed.analysis.report.flows),
      notices,
      focusMessage: position >= 0 ? view.messages[position].index : null,
    };
  }

  /** Dialogs and flow instances whose Call-ID, URIs, users, methods or statuses hold every word of the query. */
  search(traceId: string, options: SearchRequestOptions): SearchResult {
    const trace = this.get(traceId);
    const analysed = this.analysisOf(traceId, options.analyse ?? DEFAULT_ANALYSE);
    let index = searchIndexes.get(analysed);
    if (!index) searchIndexes.set(analysed, index = buildSearchIndex(trace.messages, analysed.analysis.report.flows));
    return searchIndex(index, options.query, Math.max(1, Math.min(1000, Math.trunc(options.limit))));
  }

  /** The view an export draws: the same selection and filter as the diagram on screen. */
  exportView(traceId: string, selection: DiagramSelection, filter: DiagramFilter, analyse?: AnalyseOptions): { view: DiagramView; analysed: TraceAnalysisResult; trace: { messages: readonly SipMessage[]; info: TraceInfo; findings: Finding[] } } {
    const trace = this.get(traceId);
    const analysed = this.analysisOf(traceId, analyse ?? DEFAULT_ANALYSE);
    return { view: this.viewOf(analysed, trace, cleanSelection(selection), filter), analysed, trace: { messages: trace.messages, info: trace.info, findings: trace.readerFindings } };
  }

  private viewOf(analysed: TraceAnalysisResult, trace: LoadedTrace, selection: DiagramSelection, filter: DiagramFilter): DiagramView {
    let views = viewCaches.get(analysed);
    if (!views) viewCaches.set(analysed, views = new Map());
    const key = JSON.stringify([selection, filter.hideTrying === true, filter.hideProvisionalNotify === true, filter.hideDuplicates === true]);
    let view = views.get(key);
    if (!view) {
      view = buildDiagramView(analysed.correlation, analysed.flows, trace.readerFindings, analysed.analysis.report.flows, selection, filter);
      // A handful of selections are flipped between; older ones are rebuilt when asked again.
      if (views.size >= 8) views.delete(views.keys().next().value!);
      views.set(key, view);
    }
    return view;
  }

  /** Correlation, checker report and summaries; computed once per trace and options. */
  analyse(traceId: string, options: AnalyseOptions): TraceAnalysis {
    return this.analysisOf(traceId, options).analysis;
  }

  analysisOf(traceId: string, options: AnalyseOptions): TraceAnalysisResult {
    const trace = this.get(traceId);
    const key = JSON.stringify([options.flowIds, options.correlationHeaders, options.userFlows.map((f) => [f.path, f.text])]);
    let result = trace.analyses.get(key);
    if (!result) {
      result = analyseTrace({
        fileName: trace.info.fileName, format: trace.info.format, packets: trace.packets,
        messages: trace.messages, readerFindings: trace.readerFindings,
      }, options);
      // Settings rarely change; keep only the latest few so old analyses do not pile up.
      if (trace.analyses.size >= 4) trace.analyses.delete(trace.analyses.keys().next().value!);
      trace.analyses.set(key, result);
    }
    return result;
  }

  details(traceId: string, messageIndex: number): MessageDetails | null {
    const m = messageAt(this.get(traceId).messages, messageIndex);
    if (!m) return null;
    const utf8 = new TextDecoder('utf-8', { fatal: true });
    let text: string;
    let encoding: MessageDetails['encoding'] = 'utf-8';
    try {
      text = utf8.decode(m.raw);
    } catch {
      // Not UTF-8: Latin-1 shows every byte as one character, so nothing is lost or replaced.
      text = decodeLatin1(m.raw);
      encoding = 'latin1';
    }
    return {
      messageIndex,
      title: messageTitle(m),
      from: m.src ? formatEndpoint(m.src) : sideKey(m, 'src').key,
      to: m.dst ? formatEndpoint(m.dst) : sideKey(m, 'dst').key,
      time: m.time === null ? null : new Date(m.time * 1000).toISOString(),
      location: 'frame' in m.source ? `frame ${m.source.frame}` : `lines ${m.source.line}–${m.source.endLine}`,
      lines: 'line' in m.source ? { first: m.source.line, last: m.source.endLine } : null,
      text,
      encoding,
      byteLength: m.raw.length,
    };
  }

  close(traceId: string): void {
    this.traces.delete(traceId);
  }

  private get(traceId: string): LoadedTrace {
    const trace = this.traces.get(traceId);
    if (!trace) throw new Error(`trace ${traceId} is not open`);
    return trace;
  }

  private keep(traceId: string, base: Omit<TraceInfo, 'messageCount' | 'findings'>, messages: SipMessage[], findings: Finding[], packets: number | null = null): OpenResult {
    const counts = { errors: 0, warnings: 0, infos: 0 };
    for (const f of findings) {
      if (f.severity === 'error') counts.errors++;
      else if (f.severity === 'warning') counts.warnings++;
      else counts.infos++;
    }
    const info: TraceInfo = { ...base, messageCount: messages.length, findings: counts };
    const annotations = new Map<number, MessageAnnotation>();
    for (const m of messages) if (m.callId !== null) annotations.set(m.index, { dialogId: m.callId });
    this.traces.set(traceId, { info, messages, annotations, packets, readerFindings: findings, analyses: new Map() });
    return { info, findings };
  }
}

/** The message whose `index` is `messageIndex` (readers number messages by position, so this is a direct hit). */
function messageAt(messages: readonly SipMessage[], messageIndex: number): SipMessage | undefined {
  const direct = messages[messageIndex];
  return direct?.index === messageIndex ? direct : messages.find((m) => m.index === messageIndex);
}
