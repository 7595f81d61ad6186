// Messages between the extension host and the trace worker (worker_threads). No vscode, no DOM.
import type { Finding, Severity, SourceRef } from '../core/model/finding';
import type { CheckReport } from '../core/report/checkReport';
import type { SearchResult } from './diagramView';
import type { DiagramData, DiagramFilter, DiagramPick, DiagramSelection, MessageDetails, TraceInfo } from '../protocol/messages';

export interface RenderRequestOptions {
  page: number;
  pageSize: number;
  filter: DiagramFilter;
  names: Record<string, string>;
  showTimeOffsets: boolean;
  /** Default: the whole trace, per hop. */
  selection?: DiagramSelection;
  /** Flows and correlation headers the verdicts come from (default: the flows checked by default). */
  analyse?: AnalyseOptions;
  /** Show the page holding this message (SipMessage.index) and select its arrow; when the selection or filter
   * hides it, the whole trace is drawn instead. */
  focusMessage?: number;
}

/** The dialog / flow-instance search of the diagram's picker. */
export interface SearchRequestOptions {
  analyse?: AnalyseOptions;
  query: string;
  limit: number;
}

/** Formats the worker writes from the selection (the images come from the webview). */
export type ExportTextFormat = 'mermaid' | 'markdown' | 'plantuml' | 'html' | 'report' | 'pcap';

export interface ExportRequestOptions {
  format: ExportTextFormat;
  selection: DiagramSelection;
  filter: DiagramFilter;
  names: Record<string, string>;
  showTimeOffsets: boolean;
  analyse?: AnalyseOptions;
  /** HTML: mermaid's SVG of each part of `parts` (rendered by the webview), and the page's script nonce. */
  svgs?: string[];
  nonce?: string;
}

export interface ExportResult {
  /** Text formats; `bytes` for pcap. */
  text?: string;
  bytes?: Uint8Array;
  /** HTML without `svgs`: the mermaid source of each part, for the webview to render first. */
  parts?: string[];
  /** pcap: the capture frames (1-based) of the selected messages, for the host to copy out of the file. */
  frames?: number[];
  /** Said to the user (a split into parts, selection problems). */
  notes: string[];
}

/** Which flows the worker checks: built-in ids, plus user flow files the host read (YAML text; data only). */
export interface AnalyseOptions {
  /** Built-in or user flow ids to check; empty = the built-ins checked by default (as `siptrail check`) plus every user flow. */
  flowIds: string[];
  userFlows: { path: string; text: string }[];
  /** Correlation headers for call-leg links (e.g. X-Call-ID), from settings. */
  correlationHeaders: string[];
}

/** One message as the language features need it (outline, folding, hover, CodeLens, decoded view). */
export interface MessageSummary {
  /** `SipMessage.index` (the `siptrail messages` index). */
  index: number;
  /** `REFER`, `202 Accepted`. */
  label: string;
  callId: string | null;
  cseq: string | null;
  /** Where it is: text lines (1-based) or capture frame. */
  source: SourceRef | null;
  /** ISO time or null. */
  time: string | null;
  from: string;
  to: string;
  /** Index of the dialog (into TraceAnalysis.dialogs) the message belongs to, or null. */
  dialog: number | null;
  /** Transaction key (branch + sent-by + method) or null. */
  transaction: string | null;
  /** Set when this message is a copy (same packet seen twice) or a retransmission of an earlier one. */
  copyOf: number | null;
  retransmissionOf: number | null;
}

export interface DialogSummary {
  id: number;
  callId: string;
  /** `INVITE alice@a.example → bob@b.example`. */
  label: string;
  state: 'early' | 'confirmed' | 'terminated' | 'trying';
  /** How it ended, when it did (`BYE from bob`, `487 to INVITE`). */
  terminatedBy: string | null;
  /** Message indexes (SipMessage.index), time order. */
  messages: number[];
  localTag: string;
  remoteTag: string | null;
}

/** A finding as a diagnostic needs it: reader, correlation and checker findings with every related message. */
export interface AnalysedFinding extends Finding {
  /** Flow id and instance number for checker findings. */
  flow?: string;
  instance?: number;
  step?: string;
  /** Related messages (SipMessage.index) with their sources, for relatedInformation. */
  related: { index: number; source: SourceRef | null }[];
}

export interface TraceAnalysis {
  messages: MessageSummary[];
  dialogs: DialogSummary[];
  findings: AnalysedFinding[];
  /** The `siptrail check` document for the same trace (verdict per flow instance). */
  report: CheckReport;
}

export type { Severity };

export type WorkerRequest =
  | { op: 'openCapture'; id: number; traceId: string; fileName: string; bytes: Uint8Array }
  | { op: 'openText'; id: number; traceId: string; fileName: string; text: string }
  /** Several text logs of the same calls as one trace (core mergeTraces: matched copies, clock skew corrected). */
  | { op: 'openMerged'; id: number; traceId: string; files: { fileName: string; text: string }[] }
  | { op: 'render'; id: number; traceId: string; options: RenderRequestOptions }
  | { op: 'details'; id: number; traceId: string; messageIndex: number }
  /** `summaries: false` leaves `messages` empty: a big trace's summaries are fetched in slices ('summaries'). */
  | { op: 'analyse'; id: number; traceId: string; options: AnalyseOptions; summaries?: boolean }
  /** Message summaries [from, from + count) of the analysis made with these options. */
  | { op: 'summaries'; id: number; traceId: string; options: AnalyseOptions; from: number; count: number }
  | { op: 'search'; id: number; traceId: string; options: SearchRequestOptions }
  | { op: 'export'; id: number; traceId: string; options: ExportRequestOptions }
  | { op: 'close'; id: number; traceId: string };

export interface OpenResult { info: TraceInfo; findings: Finding[] }

export interface WorkerResults {
  openCapture: OpenResult;
  openText: OpenResult;
  openMerged: OpenResult;
  render: DiagramData;
  details: MessageDetails | null;
  analyse: TraceAnalysis;
  summaries: { total: number; messages: MessageSummary[] };
  search: SearchResult;
  export: ExportResult;
  close: null;
}

export type WorkerReply =
  | { id: number; kind: 'result'; result: unknown }
  | { id: number; kind: 'error'; message: string }
  | { id: number; kind: 'progress'; fraction: number };
