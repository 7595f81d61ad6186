// The host ↔ diagram-webview protocol, typed both ways. Imported with `import type` by the extension and the
// webview; no vscode, no DOM. String discriminants stay readable in devtools and safe through JSON.
//
// Envelope: a message that wants an answer carries `requestId`; the answer carries `inReplyTo` with the same
// number. Pushes (the first diagram after 'ready', a re-render after an edit) carry neither.

/** Filters the webview offers; the same shape core's renderer takes. */
export interface DiagramFilter {
  hideTrying?: boolean;
  hideProvisionalNotify?: boolean;
  hideDuplicates?: boolean;
}

/** What the webview keeps across hide/show with getState/setState, and hands the host in 'ready'. */
export interface DiagramViewState {
  page: number;
  filter: DiagramFilter;
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
/** Something failed inside the webview (mermaid error, CSP violation); the host logs it. */
export interface WebviewErrorReport { type: 'webviewError'; message: string }
/** The diagram finished rendering: how many arrows mermaid drew (the e2e tests and the host's log read it). */
export interface RenderedReport { type: 'rendered'; arrows: number; page: number }

export type FromWebviewMessage =
  | ReadyMessage | ShowPageRequest | GetMessageRequest | RevealMessage | RenameParticipantMessage | WebviewErrorReport | RenderedReport;

// ── host → webview ──────────────────────────────────────────────────────────

export interface DiagramMessage { type: 'diagram'; inReplyTo?: number; diagram: DiagramData }
export interface MessageDetailsMessage { type: 'messageDetails'; inReplyTo: number; details: MessageDetails | null }
/** Parsing progress of a big trace, 0…1. */
export interface ProgressMessage { type: 'progress'; fraction: number; label: string }
/** The trace could not be read or rendered; shown in place of the diagram. */
export interface TraceErrorMessage { type: 'traceError'; inReplyTo?: number; message: string }

export type ToWebviewMessage = DiagramMessage | MessageDetailsMessage | ProgressMessage | TraceErrorMessage;

/** The reply each request gets. */
export interface ReplyOf {
  showPage: DiagramMessage | TraceErrorMessage;
  getMessage: MessageDetailsMessage;
}

export type RequestMessage = Extract<FromWebviewMessage, { requestId: number }>;
