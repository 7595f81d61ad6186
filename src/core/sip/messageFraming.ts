// Where does a SIP message end on a stream transport (TCP, and each reassembled stream the capture holds)?
// RFC 3261 §7.5 / §18.3: the header section ends at the first empty line, and on stream transports the
// body is exactly Content-Length bytes (the header is mandatory there).

export type FrameResult = { kind: 'complete'; end: number; headerEnd: number } | { kind: 'incomplete' } | { kind: 'invalid'; reason: string };

/** FrameResult with what the stream layer needs besides: the declared length, and how much is still missing. */
export type FrameDetail =
  | { kind: 'complete'; end: number; headerEnd: number; contentLength: number | null }
  | { kind: 'incomplete'; headerEnd: number | null; contentLength: number | null; needed: number | null }
  | { kind: 'invalid'; reason: string; headerEnd: number | null };

/** A header section larger than this is not SIP any real implementation would send (kamailio's default buffer is 64 KiB). */
export const MAX_HEADER_BYTES = 256 * 1024;
/** Largest body accepted; bigger declared lengths are treated as corrupt rather than waited for. */
export const MAX_BODY_BYTES = 16 * 1024 * 1024;

const LF = 0x0a, CR = 0x0d, SP = 0x20, HTAB = 0x09, COLON = 0x3a;
const CONTENT_LENGTH = 'content-length';

/** Finds where the message starting at `start` ends on a stream transport: header section ends at the first empty line (CRLFCRLF, or LFLF), body length from Content-Length / `l` (RFC 3261 §18.3: mandatory on streams). */
export function frameSipMessage(buf: Uint8Array, start: number, end: number): FrameResult {
  const d = frameSipMessageDetail(buf, start, end);
  if (d.kind === 'complete') return { kind: 'complete', end: d.end, headerEnd: d.headerEnd };
  if (d.kind === 'incomplete') return { kind: 'incomplete' };
  return { kind: 'invalid', reason: d.reason };
}

/**
 * As frameSipMessage, with the declared Content-Length (null when absent: the body is then taken as empty,
 * as on a stream nothing else can delimit it) and, when incomplete, the total length needed if already known.
 * `headerEnd` is the offset of the first body byte (just past the empty line).
 */
export function frameSipMessageDetail(buf: Uint8Array, start: number, end: number): FrameDetail {
  let contentLength: number | null = null;
  let badLength: string | null = null;
  let lineStart = -1; // the start line is not a header; header lines begin after its LF
  let pos = start;
  for (;;) {
    let lf = buf.indexOf(LF, pos);
    if (lf >= end) lf = -1;
    if (lf === -1) {
      if (end - start > MAX_HEADER_BYTES) {
        return { kind: 'invalid', reason: `no empty line ends the header section within ${MAX_HEADER_BYTES} bytes`, headerEnd: null };
      }
      return { kind: 'incomplete', headerEnd: null, contentLength: null, needed: null };
    }
    if (lineStart >= 0) {
      const cl = readContentLength(buf, lineStart, lf);
      if (cl !== undefined && badLength === null) {
        if (typeof cl === 'string') badLength = cl;
        else if (contentLength !== null && contentLength !== cl) badLength = `two Content-Length headers disagree (${contentLength} and ${cl})`;
        else contentLength = cl;
      }
    }
    // Is the next line empty? (CRLF or bare LF; RFC 3261 §7.5 allows only CRLF, the parser flags LF.)
    const next = lf + 1;
    if (next >= end) return { kind: 'incomplete', headerEnd: null, contentLength: null, needed: null };
    let headerEnd = -1;
    if (buf[next] === LF) headerEnd = next + 1;
    else if (buf[next] === CR) {
      if (next + 1 >= end) return { kind: 'incomplete', headerEnd: null, contentLength: null, needed: null };
      if (buf[next + 1] === LF) headerEnd = next + 2;
    }
    if (headerEnd !== -1) {
      // the header section is all there, but its length cannot be trusted: say where it ends at least
      if (badLength !== null) return { kind: 'invalid', reason: badLength, headerEnd };
      const bodyLength = contentLength ?? 0;
      const total = headerEnd + bodyLength;
      if (total <= end) return { kind: 'complete', end: total, headerEnd, contentLength };
      return { kind: 'incomplete', headerEnd, contentLength, needed: total - start };
    }
    if (next - start > MAX_HEADER_BYTES) {
      return { kind: 'invalid', reason: `no empty line ends the header section within ${MAX_HEADER_BYTES} bytes`, headerEnd: null };
    }
    lineStart = next;
    pos = next;
  }
}

/**
 * If the line [ls, lf) is a Content-Length header (long name or compact `l`, RFC 3261 §7.3.3), its value;
 * a string when the value is not a non-negative integer; undefined for any other line.
 */
function readContentLength(buf: Uint8Array, ls: number, lf: number): number | string | undefined {
  const first = buf[ls] | 0x20;
  let i: number;
  if (first === 0x6c) {
    i = ls + 1; // compact form `l`
  } else if (first === 0x63) {
    if (lf - ls < CONTENT_LENGTH.length + 1) return undefined;
    for (let k = 1; k < CONTENT_LENGTH.length; k++) {
      if ((buf[ls + k] | 0x20) !== CONTENT_LENGTH.charCodeAt(k)) return undefined;
    }
    i = ls + CONTENT_LENGTH.length;
  } else {
    return undefined;
  }
  while (i < lf && (buf[i] === SP || buf[i] === HTAB)) i++;
  if (i >= lf || buf[i] !== COLON) return undefined;
  i++;
  while (i < lf && (buf[i] === SP || buf[i] === HTAB)) i++;
  let value = 0;
  const digits = i;
  while (i < lf && buf[i] >= 0x30 && buf[i] <= 0x39) {
    value = value * 10 + (buf[i] - 0x30);
    i++;
  }
  let tail = i;
  while (tail < lf && (buf[tail] === SP || buf[tail] === HTAB || buf[tail] === CR)) tail++;
  if (i === digits || tail !== lf) {
    let shown = '';
    for (let k = digits; k < lf && k < digits + 40; k++) shown += buf[k] === CR ? '' : String.fromCharCode(buf[k]);
    return `Content-Length "${shown}" is not a number of bytes`;
  }
  if (value > MAX_BODY_BYTES) return `Content-Length ${value} exceeds the ${MAX_BODY_BYTES}-byte limit for one message`;
  return value;
}
