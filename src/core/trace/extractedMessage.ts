// What a dialect reader hands back for each message it found: the rebuilt text, where each of its lines came from,
// and whatever the dialect's header lines say about time, addresses and transport.
import type { Finding } from '../model/finding';
import type { Endpoint, Transport } from '../model/packet';
import type { TextDialect } from './readTextTrace';
import type { LineView, TextLines } from './textLines';

export interface ExtractedMessage {
  /** The message text as rebuilt from the trace (encoded as UTF-8 to become SipMessage.raw). */
  raw: string;
  /** 1-based source line of each line of `raw`. */
  lineMap: number[];
  /** 1-based first and last source line of the message itself (not the dialect's header line). */
  line: number;
  endLine: number;
  time: number | null;
  src: Endpoint | null;
  dst: Endpoint | null;
  transport: Transport | null;
  caption?: { text: string; from: string | null; to: string | null };
  /** Size the log's header line states, checked against the rebuilt bytes. */
  declaredLength?: number;
  /** 1-based line of the dialect's header line for this message, where there is one. */
  headerLine?: number;
}

export interface MessageMeta {
  time?: number | null;
  src?: Endpoint | null;
  dst?: Endpoint | null;
  transport?: Transport | null;
  declaredLength?: number;
  headerLine?: number;
}

/** One text-trace dialect: a content score for detection and an extractor. */
export interface DialectReader {
  readonly dialect: TextDialect;
  /** How strongly the first `scanLimit` lines look like this dialect; 0 = not at all. Roughly: 3 per message header found. */
  detect(lines: TextLines, scanLimit: number): number;
  extract(lines: TextLines, findings: Finding[]): ExtractedMessage[];
}

/** Builds an ExtractedMessage from lines [from, end) of a view, dropping `dropTail` characters at the very end. */
export function fromView(view: LineView, from: number, end: number, dropTail: number, meta: MessageMeta): ExtractedMessage {
  const parts: string[] = [];
  const lineMap: number[] = [];
  for (let i = from; i < end; i++) {
    parts.push(view.text(i), view.term(i));
    lineMap.push(view.sourceLine(i));
  }
  let raw = parts.join('');
  if (dropTail > 0) raw = raw.slice(0, raw.length - dropTail);
  return {
    raw,
    lineMap,
    line: view.sourceLine(from),
    endLine: view.sourceLine(Math.max(from, end - 1)),
    time: meta.time ?? null,
    src: meta.src ?? null,
    dst: meta.dst ?? null,
    transport: meta.transport ?? null,
    declaredLength: meta.declaredLength,
    headerLine: meta.headerLine,
  };
}

/** Maps a transport name as logs write it (udp, TCP, tls, ws, wss, sctp) to the model's Transport. */
export function transportOf(name: string | undefined | null): Transport | null {
  switch ((name ?? '').toUpperCase()) {
    case 'UDP': return 'UDP';
    case 'TCP': return 'TCP';
    case 'TLS': return 'TLS';
    case 'WS': case 'WSS': return 'WS';
    case 'SCTP': return 'SCTP';
    default: return null;
  }
}
