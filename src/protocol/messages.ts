// The host ↔ diagram-webview protocol, typed both ways. Imported with `import type` by the extension and the
// webview; no vscode, no DOM. String discriminants stay readable in devtools and safe through JSON.
//
// Envelope: a message that wants an answer carries `requestId`; the answer carries `inReplyTo` with the same
// number. Pushes (the first diagram after 'ready', a re-render after an edit) carry neither.

/** Filters the webview offers; the same shape core's renderer takes. */
export interface DiagramFilter {
  hideTrying?: boolean;
  hideProvisionalNotify?: boolean;
  /** Hide the sender's retransmissions and captured duplicates (copies of one packet). */
  hideDuplicates?: boolean;
}

/** What part of the trace the diagram draws, and how. */
export interface DiagramSelection {
  /** Flow instance `flow-id#n`, or null for no instance. */
  flow: string | null;
  /** Call-IDs whose messages are drawn; empty = every dialog. */
  callIds: string[];
  /** true: every hop as captured; false: end-to-end, one arrow per logical message (hops collapsed). */
  hops: boolean;
}

/** One flow instance's verdict, for the bar above the diagram. */
export interface DiagramVerdict {
  /** `flow-id#n`: what DiagramSelection.flow takes. */
  ref: string;
  flow: string;
  instance: number;
  verdict: 'pass' | 'fail';
  /** Error and warning findings of the instance. */
  findings: number;
  /** The first finding's text (a fail's reason), or null. */
  firstFinding: string | null;
}

/** One pick in the dialog / flow-instance search (answered from the worker's index). */
export interface DiagramPick {
  kind: 'instance' | 'dialog' | 'all';
  label: string;
  description: string;
  detail: string;
  selection: DiagramSelection;
}

/** What the webview keeps across hide/show with getState/setState, and hands the host in 'ready'. */
export interface DiagramViewState {
  page: number;
  filter: DiagramFilter;
  selection?: DiagramSelection;
  /** `SipMessage.index` of the selected arrow, or null. */
  selectedMessage: number | null;
  scrollLeft: number;
  scrollTop: number;
}

export interface TraceInfo {
  fileName: string;
  kind: 'capture' | 'text';
  /** `pcap`, `pcapng`, or the text dialect. */
  format: string;
  messageCount: number;
  findings: { errors: number; warnings: number; infos: number };
}

export interface DiagramLifeline {
  id: string;
  name: string;
  detail: string | null;
  keys: string[];
}

export interface DiagramData {
  trace: TraceInfo;
  /** Mermaid source (built and escaped in src/core/render). */
  text: string;
  page: number;
  pageCount: number;
  pageSize: number;
  /** `SipMessage.index` of each arrow in drawing order (mermaid#1279: arrows have no ids). */
  arrows: number[];
  participants: DiagramLifeline[];
  shownMessages: number;
  hiddenMessages: number;
  filter: DiagramFilter;
  selection: DiagramSelection;
  /** What is drawn (`3gpp-replication-push #1: FAIL`, `Call-ID …`), empty for the whole trace. */
  title: string;
  /** Every flow instance the checker found, with its verdict. */
  verdicts: DiagramVerdict[];
  /** Limits hit and selection problems, shown above the diagram (never a silent cut). */
  notices: string[];
  /** Set when the host asked for this message: its arrow is selected once drawn. */
  focusMessage: number | null;
}

export interface MessageDetails {
  messageIndex: number;
  /** `REFER`, `202 Accepted`. */
  title: string;
  from: string;
  to: string;
  /** ISO time, or null when the trace has none. */
  time: string | null;
  /** Where it is in the trace: `frame 12`, `lines 40–62`. */
  location: string;
  /** Text traces: the message's first and last line (1-based); null for captures. */
  lines: { first: number; last: number } | null;
  /** The message's exact bytes as text (UTF-8; Latin-1 when the bytes are not UTF-8). */
  text: string;
  encoding: 'utf-8' | 'latin1';
  byteLength: number;
}

// ── webview → host ──────────────────────────────────────────────────────────

/** Sent once the webview script runs, with the view state it restored; the host posts nothing before it. */
export interface ReadyMessage { type: 'ready'; state: DiagramViewState | null }
/** Asks for another page or filter; answered with a 'diagram' message. */
export interface ShowPageRequest { type: 'showPage'; requestId: number; page: number; filter: DiagramFilter }
/** Asks for one message's raw text; answered with 'messageDetails'. */
export interface GetMessageRequest { type: 'getMessage'; requestId: number; messageIndex: number }
/** Jump to the message in its trace (text traces: its lines). */
export interface RevealMessage { type: 'reveal'; messageIndex: number }
/** The user clicked a lifeline box: the host asks for a new name and stores it in `sipTrail.participantNames`. */
export interface RenameParticipantMessage { type: 'renameParticipant'; participantId: string }
/** Draw another part of the trace (a flow instance, dialogs, hops or end-to-end); answered with a 'diagram' message. */
export interface SelectRequest { type: 'select'; requestId: number; selection: DiagramSelection; filter: DiagramFilter }
/** The user wants the dialog / flow-instance picker (a quick pick on the host, searched in the worker). */
export interface PickSelectionMessage { type: 'pickSelection' }
/** Toolbar "Export…": the host runs sipTrail.exportDiagram for this diagram. */
export interface ExportRequestMessage { type: 'export' }
/** The user agreed to open a capture above sipTrail.maxFileSizeMB. */
export interface OpenAnywayMessage { type: 'openAnyway' }
/** Answer to 'exportImage': the serialised SVG, or PNG bytes (base64), or why it failed. */
export interface ExportImageReply {
  type: 'exportImage';
  inReplyTo: number;
  format: 'svg' | 'png';
  /** SVG text, or base64 PNG. */
  data: string | null;
  width: number;
  height: number;
  error?: string;
}
/** Something failed inside the webview (mermaid error, CSP violation); the host logs it. */
export interface WebviewErrorReport { type: 'webviewError'; message: string }
/** The diagram finished rendering: how many arrows mermaid drew (the e2e tests and the host's log read it). */
export interface RenderedReport {
  type: 'rendered';
  arrows: number;
  page: number;
  /** Milliseconds from the 'diagram' message to the drawn, clickable SVG in the page. */
  drawMs: number;
  /** Milliseconds from the webview's own page or selection request to the drawn SVG (host and worker included);
   * null when the diagram was pushed (first page, picker, settings). */
  openMs: number | null;
}
/** Answer to 'measureRender': the page on screen drawn both ways, each run in turn, in milliseconds. */
export interface RenderTimingReport {
  type: 'renderTiming';
  page: number;
  arrows: number;
  /** Characters of mermaid source. */
  sourceLength: number;
  /** A bare `mermaid.render` of the page's source (nothing inserted, nothing wired). */
  bareRenderMs: number[];
  /** The webview's own draw of the same source (parse, render, insert, wire arrows and lifelines). */
  drawMs: number[];
}

export type FromWebviewMessage =
  | ReadyMessage | ShowPageRequest | GetMessageRequest | RevealMessage | RenameParticipantMessage | WebviewErrorReport | RenderedReport
  | RenderTimingReport | SelectRequest | PickSelectionMessage | ExportRequestMessage | OpenAnywayMessage | ExportImageReply;

// ── host → webview ──────────────────────────────────────────────────────────

export interface DiagramMessage { type: 'diagram'; inReplyTo?: number; diagram: DiagramData }
export interface MessageDetailsMessage { type: 'messageDetails'; inReplyTo: number; details: MessageDetails | null }
/** Parsing progress of a big trace, 0…1; at 1 the label says what follows (correlation and checks) until the diagram arrives. */
export interface ProgressMessage { type: 'progress'; fraction: number; label: string }
/** The trace could not be read or rendered; shown in place of the diagram. */
export interface TraceErrorMessage { type: 'traceError'; inReplyTo?: number; message: string }

/** The capture is bigger than sipTrail.maxFileSizeMB: the webview asks before it is read (as the hex editor does). */
export interface TooLargeMessage { type: 'tooLarge'; fileName: string; sizeMB: number; limitMB: number }
/** The host wants the rendered SVG (standalone, styles inlined) or a PNG of it; answered with 'exportImage'. */
export interface ExportImageRequest {
  type: 'exportImage';
  requestId: number;
  format: 'svg' | 'png';
  /** PNG scale (1, 2, 3) and background. */
  scale: number;
  background: 'white' | 'transparent';
  /** Mermaid source to draw instead of the page on screen (the parts of an export). */
  source?: string;
}

/**
 * Times the page on screen: a bare `mermaid.render` of its source against the webview's own draw, `runs` times
 * each; answered with 'renderTiming' (and on the diagram element's data-bare-render-ms / data-draw-runs-ms).
 * The host never sends it: the e2e tests post it into the webview's window (issue 7's 1.5× render budget).
 */
export interface MeasureRenderRequest { type: 'measureRender'; runs: number }

export type ToWebviewMessage =
  | DiagramMessage | MessageDetailsMessage | ProgressMessage | TraceErrorMessage | TooLargeMessage | ExportImageRequest
  | MeasureRenderRequest;

/** The reply each request gets. */
export interface ReplyOf {
  showPage: DiagramMessage | TraceErrorMessage;
  select: DiagramMessage | TraceErrorMessage;
  getMessage: MessageDetailsMessage;
}

export type RequestMessage = Extract<FromWebviewMessage, { requestId: number }>;
