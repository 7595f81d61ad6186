// Recognises SIP by content: does a request line or status line start at this offset?
// Used on every UDP payload and at every message boundary of a stream, so it stays cheap
// (a few byte compares, one native scan for the line end).

/** RFC 3261 §25.1 token characters (alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~"). */
const TOKEN = new Uint8Array(256);
for (let c = 0x30; c <= 0x39; c++) TOKEN[c] = 1;
for (let c = 0x41; c <= 0x5a; c++) TOKEN[c] = 1;
for (let c = 0x61; c <= 0x7a; c++) TOKEN[c] = 1;
for (const ch of "-.!%*_+`'~") TOKEN[ch.charCodeAt(0)] = 1;

export function isTokenByte(b: number): boolean {
  return TOKEN[b] === 1;
}

const SP = 0x20, HTAB = 0x09, CR = 0x0d, LF = 0x0a;
export const MAX_METHOD = 64;
const MAX_CODE_DIGITS = 12;

/** 'yes' / 'no', or 'more' when the bytes stop before the answer is known (a stream may still bring the rest). */
export type StartLineCheck = 'yes' | 'no' | 'more';

function isDigit(b: number): boolean {
  return b >= 0x30 && b <= 0x39;
}

/**
 * Matches `SIP/` 1*DIGIT "." 1*DIGIT at i. RFC 3261 §7.1: the SIP-Version string is case-insensitive.
 * Returns the index after the version, -1 on mismatch, -2 when bytes ran out first.
 */
function matchVersion(b: Uint8Array, i: number, end: number): number {
  const lit = [0x53, 0x49, 0x50, 0x2f]; // S I P /
  for (let k = 0; k < 4; k++) {
    if (i + k >= end) return -2;
    const c = k < 3 ? b[i + k] & 0xdf : b[i + k];
    if (c !== lit[k]) return -1;
  }
  let j = i + 4;
  const major = j;
  while (j < end && isDigit(b[j])) j++;
  if (j >= end) return -2;
  if (j === major || b[j] !== 0x2e) return -1;
  j++;
  const minor = j;
  while (j < end && isDigit(b[j])) j++;
  if (j === minor) return j >= end ? -2 : -1;
  return j;
}

/**
 * Three-way check for a start line at `offset`. With `final` the bytes end at `end` for good (a datagram),
 * so an unterminated last line counts as ending there; without it, running out of bytes answers 'more'.
 */
export function checkSipStartLine(bytes: Uint8Array, offset = 0, end = bytes.length, final = false): StartLineCheck {
  if (offset >= end) return final ? 'no' : 'more';
  // Status-Line = SIP-Version SP Status-Code SP Reason-Phrase CRLF (RFC 3261 §7.2). Recognition takes any
  // run of digits as the code (RFC 4475's "bigcode" test sends 4294967301) and leaves judging it to the parser.
  if ((bytes[offset] & 0xdf) === 0x53) {
    const v = matchVersion(bytes, offset, end);
    if (v >= 0) {
      if (v + 2 > end) return final ? 'no' : 'more';
      if (bytes[v] !== SP || !isDigit(bytes[v + 1])) return 'no';
      let j = v + 1;
      while (j < end && j - v <= MAX_CODE_DIGITS && isDigit(bytes[j])) j++;
      if (j === end) return final ? 'yes' : 'more';
      const after = bytes[j];
      // Reason-Phrase may be empty; accept a line that ends right after the code too.
      return after === SP || after === HTAB || after === CR || after === LF ? 'yes' : 'no';
    }
    if (v === -2) return final ? 'no' : 'more';
    // not a version: may still be a method that starts with S (SUBSCRIBE...)
  }
  // Request-Line = Method SP Request-URI SP SIP-Version CRLF (RFC 3261 §7.1).
  let i = offset;
  const methodEnd = Math.min(end, offset + MAX_METHOD + 1);
  while (i < methodEnd && TOKEN[bytes[i]] === 1) i++;
  if (i === offset) return 'no';
  if (i >= end) return final ? 'no' : 'more';
  if (bytes[i] !== SP) return 'no';
  const uriStart = i + 1;
  // The line ends at LF, CRLF, or a lone CR (as tshark's line splitting also accepts).
  let lineEnd = bytes.indexOf(LF, uriStart);
  if (lineEnd >= end) lineEnd = -1;
  const cr = bytes.indexOf(CR, uriStart);
  if (cr !== -1 && cr < end && (lineEnd === -1 || cr < lineEnd)) lineEnd = cr;
  if (lineEnd === -1) {
    if (!final) return 'more';
    lineEnd = end;
  }
  // The line must end in SP SIP-Version (trailing blanks tolerated: RFC 4475's "trws" test); the URI in
  // between may itself be malformed (the parser says how).
  let contentEnd = lineEnd;
  while (contentEnd > uriStart && (bytes[contentEnd - 1] === SP || bytes[contentEnd - 1] === HTAB)) contentEnd--;
  let vStart = contentEnd - 1;
  while (vStart > uriStart && bytes[vStart] !== SP) vStart--;
  if (vStart <= uriStart || bytes[vStart] !== SP) return 'no';
  const v = matchVersion(bytes, vStart + 1, contentEnd);
  return v === contentEnd ? 'yes' : 'no';
}

/** True when bytes at offset start a SIP request line (`METHOD SP Request-URI SP SIP/2.0` CRLF|LF) or status line (`SIP/2.0 SP 3DIGIT SP`). Cheap: used to recognise SIP by content, not by port. */
export function looksLikeSipStartLine(bytes: Uint8Array, offset = 0, end = bytes.length): boolean {
  return checkSipStartLine(bytes, offset, end, true) === 'yes';
}

/**
 * Offset of the first line at or after `from` that is a SIP start line, or -1. Only line starts count
 * (the first line begins at `from`). Scans for the `SIP/` token natively instead of testing every offset,
 * so junk of any length costs one pass.
 */
export function findSipStartLine(bytes: Uint8Array, from: number, end: number, final = true): number {
  let lineStart = from;
  let pos = from;
  while (pos < end) {
    const hit = indexOfSip(bytes, pos, end);
    if (hit === -1) return -1;
    // the line holding the hit starts after the last LF before it (never before `from`)
    let ls = hit;
    while (ls > lineStart && bytes[ls - 1] !== LF) ls--;
    if (checkSipStartLine(bytes, ls, end, final) === 'yes') return ls;
    // next candidate: the line after this hit
    const nl = bytes.indexOf(LF, hit);
    if (nl === -1 || nl >= end) return -1;
    pos = nl + 1;
    lineStart = pos;
  }
  return -1;
}

/** Index of `SIP/` (case-insensitive S, I, P) at or after from, or -1. */
function indexOfSip(b: Uint8Array, from: number, end: number): number {
  for (let i = from; i + 4 <= end; i++) {
    const c = b[i];
    if ((c === 0x53 || c === 0x73) && b[i + 3] === 0x2f && (b[i + 1] & 0xdf) === 0x49 && (b[i + 2] & 0xdf) === 0x50) return i;
  }
  return -1;
}
