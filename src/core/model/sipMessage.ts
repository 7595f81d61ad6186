// The SIP message model every reader produces (captures and text traces alike).
import type { Endpoint, Transport } from './packet';

/** One header field line (after unfolding), positioned inside the message bytes. */
export interface SipHeader {
  /** The name as written (e.g. `Cseq`, `i`). */
  name: string;
  /** Canonical lower-case long form (`cseq`, `call-id` for `i`). */
  key: string;
  /** Value with folding (LWS CRLF SP) replaced by one space, surrounding whitespace trimmed. */
  value: string;
  /** Byte offset of the header's first byte in the message bytes. */
  offset: number;
  /** 0-based line number within the message where the header starts. */
  line: number;
  /** Number of physical lines the header spans (folded headers span more than one). */
  lineCount: number;
}

export interface NameAddr {
  display: string | null;
  uri: string;
  tag: string | null;
  params: Record<string, string | null>;
}

export interface Via {
  protocol: string;   // SIP/2.0/UDP
  transport: string;  // UDP
  sentBy: string;     // host[:port]
  branch: string | null;
  params: Record<string, string | null>;
}

/** A positioned problem within one message, relative to the message bytes. */
export interface MessageIssue {
  code: string;
  severity: 'error' | 'warning' | 'info';
  message: string;
  /** 0-based line within the message, and 0-based column, where the problem is. */
  line: number;
  column?: number;
  offset?: number;
}

/** Result of parsing one message's bytes (no knowledge of where they came from). */
export interface ParsedSip {
  kind: 'request' | 'response';
  /** Request method, or for responses the CSeq method (null if CSeq is unusable). */
  method: string | null;
  requestUri: string | null;
  status: number | null;
  reason: string | null;
  version: string;
  headers: SipHeader[];
  callId: string | null;
  cseq: { seq: number; method: string } | null;
  from: NameAddr | null;
  to: NameAddr | null;
  vias: Via[];
  contentType: string | null;
  /** Declared Content-Length, null when absent. */
  contentLength: number | null;
  /** Byte offset of the body in the message bytes, and the body itself (a view). */
  bodyOffset: number;
  body: Uint8Array;
  lineEnding: 'CRLF' | 'LF' | 'mixed';
  issues: MessageIssue[];
}

/** Where a message came from in its trace. */
export type MessageSource =
  | { frame: number; firstFrame?: number; frameOffset?: number }
  | { line: number; endLine: number; file?: string };

export interface SipMessage extends ParsedSip {
  /** 0-based position in the trace's message list. */
  index: number;
  time: number | null;
  src: Endpoint | null;
  dst: Endpoint | null;
  transport: Transport | null;
  /** The message's exact bytes. */
  raw: Uint8Array;
  source: MessageSource;
  /** Text traces: 1-based source line of each 0-based line of `raw` (explanatory/blank lines removed may make this non-contiguous). */
  lineMap?: number[];
  /** Set when this is the same packet captured again (mirror port, second interface): the index of the first copy. */
  duplicateOf?: number;
  /** Text traces: direction label from a caption, e.g. { from: 'UE-1', to: 'Intermediate IM CN subsystem entities' }. */
  caption?: { text: string; from: string | null; to: string | null };
}
