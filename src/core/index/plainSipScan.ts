// The fast path of the SIP parser for big captures: one pass over a message's bytes that accepts only the plain
// form almost every message of a load test or a probe capture has — CRLF lines of printable ASCII, no folding, the
// headers correlation needs in their simple grammar (RFC 3261 §25.1) — and writes the correlation keys into the
// message index. Whatever it does not accept (folding, UTF-8, quoted parameters, an IPv6 host, a Date header,
// subscription methods, B2BUA correlation headers ...) goes to the full parser instead, so the fast path never
// has to produce a finding: a test holds that every message it accepts is one the full parser reads with no issue
// and the same keys.
import type { MessageColumns } from './messageColumns';
import { checkContact } from '../sip/contactValue';
import { checkNameAddr } from '../sip/nameAddr';
import { checkDate } from '../sip/scalarHeaders';
import { checkVia } from '../sip/via';
import { parseRequestLine } from '../sip/requestLine';
import { parseStatusLine } from '../sip/statusLine';
import { MAX_METHOD } from '../sip/startLine';

const CR = 0x0d, LF = 0x0a, SP = 0x20, COLON = 0x3a, SEMI = 0x3b, EQ = 0x3d, LT = 0x3c, GT = 0x3e, DQUOTE = 0x22;
const AT = 0x40, DOT = 0x2e, HYPHEN = 0x2d, SLASH = 0x2f, BACKSLASH = 0x5c;

function table(chars: string, ranges: Array<[number, number]> = []): Uint8Array {
  const t = new Uint8Array(256);
  for (let i = 0; i < chars.length; i++) t[chars.charCodeAt(i)] = 1;
  for (const [a, z] of ranges) for (let c = a; c <= z; c++) t[c] = 1;
  return t;
}
const ALNUM: Array<[number, number]> = [[0x30, 0x39], [0x41, 0x5a], [0x61, 0x7a]];
/** RFC 3261 §25.1 token. */
const TOKEN = table("-.!%*_+`'~", ALNUM);
/** A URI user part without escapes or the characters that start parameters or a password. */
const USER = table("-_.!~*'+", ALNUM);
/** Parameter names as the fast path takes them: lower case only, so they need no case folding. */
const PARAM_NAME = table('-', [[0x30, 0x39], [0x61, 0x7a]]);
/** Parameter values: a token without `%` (no escapes to decode). */
const PARAM_VALUE = table("-_.!~*'+`", ALNUM);
const DIGIT = table('', [[0x30, 0x39]]);
const UPPER = table('', [[0x41, 0x5a]]);
const LABEL = table('-', ALNUM);

const enum Header { Other, CallId, CSeq, From, To, Via, Contact, ContentLength, ContentType, MaxForwards, Date, Evidence }
/** Evidence headers are numbered from here: Header.Evidence + k is MessageColumns.evidenceHeaders[k]. */

/** Canonical names the fast path tells apart. */
const NAMED: Array<[string, Header]> = [
  ['call-id', Header.CallId], ['cseq', Header.CSeq], ['from', Header.From], ['to', Header.To], ['via', Header.Via],
  ['contact', Header.Contact], ['content-length', Header.ContentLength], ['content-type', Header.ContentType],
  ['max-forwards', Header.MaxForwards], ['date', Header.Date],
];
/** RFC 3261 §7.3.3 compact forms of the headers above. */
const COMPACT: Record<string, Header> = { i: Header.CallId, f: Header.From, t: Header.To, v: Header.Via, m: Header.Contact, l: Header.ContentLength, c: Header.ContentType };
const MAGIC_COOKIE = [0x7a, 0x39, 0x68, 0x47, 0x34, 0x62, 0x4b]; // z9hG4bK

export interface PlainScanOptions {
  /** Configured B2BUA correlation headers (lower case, callLegs' DEFAULT_CORRELATION_HEADERS and the user's). */
  correlationHeaders: readonly string[];
}

/** Headers whose first value each message keeps for linking B2BUA legs (callLegs.ts): Session-ID, P-Charging-Vector, then the configured ones. */
export function evidenceHeaderNames(correlationHeaders: readonly string[]): string[] {
  return ['session-id', 'p-charging-vector', ...correlationHeaders.map((h) => h.toLowerCase())];
}

/** Compiled header-name lookup: the names of each length (lower case) and their header numbers. */
export class HeaderNames {
  private readonly names: string[][] = [];
  private readonly headers: number[][] = [];
  constructor(evidence: readonly string[]) {
    for (const [name, h] of NAMED) this.add(name, h);
    evidence.forEach((name, k) => this.add(name, Header.Evidence + k));
  }
  /** Every name (lower case) with its header number, in lookup order. */
  entries(): Array<[string, number]> {
    return this.names.flatMap((names, n) => names.map((name, j): [string, number] => [name, this.headers[n][j]]));
  }
  private add(name: string, h: number): void {
    while (this.names.length <= name.length) {
      this.names.push([]);
      this.headers.push([]);
    }
    if (this.names[name.length].includes(name)) return;
    this.names[name.length].push(name);
    this.headers[name.length].push(h);
  }
  lookup(b: Uint8Array, s: number, e: number): number {
    const n = e - s;
    if (n === 1) {
      const compact = COMPACT[String.fromCharCode(b[s] | 0x20)];
      if (compact !== undefined) return compact;
    }
    if (n >= this.names.length) return Header.Other;
    const names = this.names[n];
    for (let j = 0; j < names.length; j++) {
      const name = names[j];
      let k = 0;
      // `| 0x20` folds letters; the names hold only letters, digits and '-', which it leaves alone.
      while (k < n && (b[s + k] | 0x20) === name.charCodeAt(k)) k++;
      if (k === n) return this.headers[n][j];
    }
    return Header.Other;
  }
}

/** Position just after a `host` (IPv4 dotted quad or DNS name, RFC 3261 §25.1), or -1. */
function scanHost(b: Uint8Array, p: number, e: number, lowerOnly: boolean): number {
  const v4 = scanIpv4(b, p, e);
  if (v4 >= 0 && (v4 === e || !LABEL[b[v4]] && b[v4] !== DOT)) return v4;
  let label = p;
  let q = p;
  let lastLabelAlpha = false;
  for (;;) {
    while (q < e && LABEL[b[q]]) {
      if (lowerOnly && UPPER[b[q]]) return -1;
      q++;
    }
    if (q === label || b[label] === HYPHEN || b[q - 1] === HYPHEN) return -1;
    lastLabelAlpha = !DIGIT[b[label]];
    if (q < e && b[q] === DOT) {
      q++;
      label = q;
      continue;
    }
    break;
  }
  return lastLabelAlpha ? q : -1;
}

function scanIpv4(b: Uint8Array, p: number, e: number): number {
  let q = p;
  for (let part = 0; part < 4; part++) {
    if (part > 0) {
      if (q >= e || b[q] !== DOT) return -1;
      q++;
    }
    const s = q;
    let v = 0;
    while (q < e && DIGIT[b[q]] && q - s < 3) v = v * 10 + b[q++] - 0x30;
    if (q === s || v > 255 || (q - s > 1 && b[s] === 0x30)) return -1;
  }
  return q < e && DIGIT[b[q]] ? -1 : q;
}

/** Position after `:port` (1–65535, no leading zero), or -1. */
function scanPort(b: Uint8Array, p: number, e: number): number {
  let q = p;
  let v = 0;
  while (q < e && DIGIT[b[q]] && q - p < 5) v = v * 10 + b[q++] - 0x30;
  if (q === p || v === 0 || v > 65535 || b[p] === 0x30 || (q < e && DIGIT[b[q]])) return -1;
  return q;
}

/** `;name[=value]` parameters from p; returns the position after them, or -1. Reports `tag` through `tagAt`. */
function scanParams(b: Uint8Array, p: number, e: number, uriParams: boolean, tagAt: Int32Array | null): number {
  let q = p;
  while (q < e && b[q] === SEMI) {
    const ns = ++q;
    while (q < e && PARAM_NAME[b[q]]) q++;
    const ne = q;
    if (ne === ns) return -1;
    let vs = -1;
    if (q < e && b[q] === EQ) {
      vs = ++q;
      while (q < e && PARAM_VALUE[b[q]]) q++;
      if (q === vs) return -1;
    }
    const n = ne - ns;
    if (uriParams) {
      // RFC 3261 §19.1.1: method is not allowed in a Request-URI; maddr and ttl have grammars of their own.
      if ((n === 6 && b[ns] === 0x6d && b[ns + 1] === 0x65) || (n === 5 && b[ns] === 0x6d && b[ns + 1] === 0x61) || (n === 3 && b[ns] === 0x74 && b[ns + 1] === 0x74)) return -1;
    } else if (tagAt !== null && n === 3 && b[ns] === 0x74 && b[ns + 1] === 0x61 && b[ns + 2] === 0x67) {
      if (vs < 0 || tagAt[0] >= 0) return -1;
      tagAt[0] = vs;
      tagAt[1] = q;
    }
  }
  return q;
}

/** A sip:/sips: URI (RFC 3261 §19.1.1) without escapes, password or headers; returns the position after it, or -1. */
function scanUri(b: Uint8Array, p: number, e: number): number {
  let q = p;
  if (e - q > 4 && b[q] === 0x73 && b[q + 1] === 0x69 && b[q + 2] === 0x70) {
    q += 3;
    if (b[q] === 0x73) q++;
    if (q >= e || b[q] !== COLON) return -1;
    q++;
  } else return -1;
  let u = q;
  while (u < e && USER[b[u]]) u++;
  if (u < e && b[u] === AT) {
    if (u === q) return -1;
    q = u + 1;
  }
  q = scanHost(b, q, e, false);
  if (q < 0) return -1;
  if (q < e && b[q] === COLON) {
    q = scanPort(b, q + 1, e);
    if (q < 0) return -1;
  }
  return scanParams(b, q, e, true, null);
}

/**
 * `[display-name] <URI> *(;param)` (RFC 3261 §20.10, §25.1 name-addr); with `addrSpec`, also a bare URI. Writes the
 * URI range to at[0..1] and the tag value range to at[2..3] (-1 when absent). Returns false when not plain.
 */
const tagRange = new Int32Array(2);
function scanNameAddr(b: Uint8Array, p: number, e: number, addrSpec: boolean, at: Int32Array): boolean {
  let q = p;
  if (b[q] === DQUOTE) {
    q++;
    while (q < e && b[q] !== DQUOTE && b[q] !== BACKSLASH) q++;
    if (q >= e || b[q] !== DQUOTE) return false;
    q++;
    if (q < e && b[q] === SP) q++;
  } else if (b[q] !== LT) {
    let words = q;
    while (words < e && (TOKEN[b[words]] || (b[words] === SP && TOKEN[b[words - 1]] && words + 1 < e && (TOKEN[b[words + 1]] || b[words + 1] === LT)))) words++;
    if (words < e && b[words] === LT) q = words;
    else if (!addrSpec) return false;
  }
  tagRange[0] = -1;
  tagRange[1] = -1;
  if (b[q] === LT) {
    const us = q + 1;
    const ue = scanUri(b, us, e);
    if (ue < 0 || ue >= e || b[ue] !== GT) return false;
    at[0] = us;
    at[1] = ue;
    q = ue + 1;
  } else {
    // A bare URI takes no parameters here: in addr-spec form they would be the header's (RFC 3261 §20.10).
    let u = q;
    while (u < e && b[u] !== SEMI) u++;
    const ue = scanUri(b, q, u);
    if (ue !== u) return false;
    at[0] = q;
    at[1] = u;
    q = u;
  }
  q = scanParams(b, q, e, false, tagRange);
  if (q !== e) return false;
  at[2] = tagRange[0];
  at[3] = tagRange[1];
  return true;
}

/** `SIP/2.0/<TRANSPORT> host[:port]` with branch, rport and received parameters only (RFC 3261 §20.42). */
function scanVia(b: Uint8Array, p: number, e: number, at: Int32Array): boolean {
  // "SIP/2.0/"
  if (e - p < 10 || b[p] !== 0x53 || b[p + 1] !== 0x49 || b[p + 2] !== 0x50 || b[p + 3] !== SLASH || b[p + 4] !== 0x32 || b[p + 5] !== DOT || b[p + 6] !== 0x30 || b[p + 7] !== SLASH) return false;
  let q = p + 8;
  const ts = q;
  while (q < e && UPPER[b[q]]) q++;
  if (q === ts || q >= e || b[q] !== SP) return false;
  const hs = ++q;
  q = scanHost(b, q, e, true);
  if (q < 0) return false;
  if (q < e && b[q] === COLON) {
    q = scanPort(b, q + 1, e);
    if (q < 0) return false;
  }
  at[0] = hs;
  at[1] = q;
  at[2] = -1;
  while (q < e && b[q] === SEMI) {
    const ns = ++q;
    while (q < e && PARAM_NAME[b[q]]) q++;
    const n = q - ns;
    const isBranch = n === 6 && b[ns] === 0x62 && b[ns + 1] === 0x72 && b[ns + 5] === 0x68;
    const isRport = n === 5 && b[ns] === 0x72 && b[ns + 1] === 0x70;
    const isReceived = n === 8 && b[ns] === 0x72 && b[ns + 1] === 0x65 && b[ns + 7] === 0x64;
    if (!isBranch && !isRport && !isReceived) return false;
    if (q < e && b[q] === EQ) {
      const vs = ++q;
      if (isBranch) {
        while (q < e && PARAM_VALUE[b[q]]) q++;
        if (q === vs || at[2] >= 0) return false;
        at[2] = vs;
        at[3] = q;
      } else if (isRport) {
        q = scanPort(b, q, e);
        if (q < 0) return false;
      } else {
        q = scanIpv4(b, q, e);
        if (q < 0) return false;
      }
    } else if (!isRport) return false;
  }
  if (q !== e || at[2] < 0) return false;
  // The index keeps RFC 3261 transactions only; an RFC 2543 branch needs the full matching rules (§17.2.3).
  if (at[3] - at[2] <= MAGIC_COOKIE.length) return false;
  for (let k = 0; k < MAGIC_COOKIE.length; k++) if (b[at[2] + k] !== MAGIC_COOKIE[k]) return false;
  return true;
}

/** The value as the full parser sees it (printable ASCII here, so one char per byte). */
function valueText(b: Uint8Array, s: number, e: number): string {
  return String.fromCharCode.apply(null, b.subarray(s, e) as unknown as number[]);
}

/** First byte at or after p that is not printable ASCII (0x20–0x7e), or end. */
function printableEnd(b: Uint8Array, p: number, end: number): number {
  while (p < end) {
    const c = b[p];
    if (c < 0x20 || c > 0x7e) break;
    p++;
  }
  return p;
}

/** True when the printable ASCII run ending at cr is followed by CRLF within the message. */
function endsInCrlf(b: Uint8Array, cr: number, end: number): boolean {
  return cr < end - 1 && b[cr] === CR && b[cr + 1] === LF;
}

function digits(b: Uint8Array, s: number, e: number, max: number): number {
  if (e <= s || e - s > 9) return -1;
  let v = 0;
  for (let i = s; i < e; i++) {
    if (!DIGIT[b[i]]) return -1;
    v = v * 10 + b[i] - 0x30;
  }
  return v <= max ? v : -1;
}

const SINGLE = (1 << Header.CallId) | (1 << Header.CSeq) | (1 << Header.From) | (1 << Header.To) | (1 << Header.MaxForwards) | (1 << Header.ContentLength) | (1 << Header.ContentType);
const nameAddr = new Int32Array(4);
/** Evidence of the message being scanned: header number, value id, … */
const evidence: number[] = [];
const via = new Int32Array(4);
/**
 * The ids the previous message had for the fields that repeat from message to message (internHinted); only ever a
 * hint, checked against the text, so a stale id from another table costs a compare, never a wrong id.
 */
const hints = new Int32Array(6).fill(-1);
const HINT_METHOD = 0, HINT_REQUEST_URI = 1, HINT_CSEQ_METHOD = 2, HINT_FROM_URI = 3, HINT_TO_URI = 4, HINT_SENT_BY = 5;

/** What scanPlainSip answers, when asked to, for a start line outside its simple forms: the caller checks it is SIP. */
export const UNCHECKED_START_LINE = 'unchecked start line';

/**
 * Adds the message in b[start, end) to the index when it is plain; otherwise returns why not (and adds nothing).
 * With `startLineChecked` false, a start line outside the simple forms (which checkSipStartLine always calls SIP)
 * answers UNCHECKED_START_LINE before anything else, so the caller need not check the simple ones.
 */
export function scanPlainSip(b: Uint8Array, start: number, end: number, cols: MessageColumns, names: HeaderNames, time: number, frame: number, src: number, dst: number, startLineChecked = true): string | null {
  const strings = cols.strings;
  let p = start;
  // Both simple forms start with an upper-case letter (RTP, STUN and the like do not: they are the caller's to judge).
  if (!startLineChecked && (end - start < 2 || !UPPER[b[start]])) return UNCHECKED_START_LINE;
  let cr = b.indexOf(CR, p);
  if (cr < 0 || !endsInCrlf(b, cr, end) || printableEnd(b, p, cr) !== cr) return startLineChecked ? 'start line' : UNCHECKED_START_LINE;
  let kind = -1;
  let method = -1;
  let status = 0;
  let requestUri = -1;
  if (cr - p > 12 && b[p] === 0x53 && b[p + 1] === 0x49 && b[p + 2] === 0x50 && b[p + 3] === SLASH && b[p + 4] === 0x32 && b[p + 5] === DOT && b[p + 6] === 0x30 && b[p + 7] === SP) {
    const s0 = b[p + 8] - 0x30;
    if (s0 >= 1 && s0 <= 6 && DIGIT[b[p + 9]] && DIGIT[b[p + 10]] && b[p + 11] === SP && b[p + 12] !== SP && b[cr - 1] !== SP) {
      kind = 1;
      status = s0 * 100 + (b[p + 9] - 0x30) * 10 + (b[p + 10] - 0x30);
    }
  } else {
    let q = p;
    while (q < cr && UPPER[b[q]]) q++;
    const us = q + 1;
    const ue = q > p && q - p <= MAX_METHOD && q < cr && b[q] === SP ? scanUri(b, us, cr) : -1;
    if (ue >= 0 && cr - ue === 8 && b[ue] === SP && b[ue + 1] === 0x53 && b[ue + 2] === 0x49 && b[ue + 3] === 0x50 && b[ue + 4] === SLASH && b[ue + 5] === 0x32 && b[ue + 6] === DOT && b[ue + 7] === 0x30) {
      kind = 0;
      method = hints[HINT_METHOD] = strings.internHinted(hints[HINT_METHOD], b, p, q);
      requestUri = hints[HINT_REQUEST_URI] = strings.internHinted(hints[HINT_REQUEST_URI], b, us, ue);
    }
  }
  if (kind < 0) {
    if (!startLineChecked) return UNCHECKED_START_LINE;
    // Not the simple form (a tel: URI, a GRUU parameter, a reason phrase with odd spacing …): the full parser's
    // start-line check decides, as parseSipMessage calls it.
    const line = valueText(b, p, cr);
    const r = parseStatusLine(line) ?? parseRequestLine(line);
    if (r === null || r.problems.length > 0 || r.warnings.length > 0) return 'start line';
    if (r.kind === 'response') {
      if (r.status === null || r.status < 100 || r.status > 699) return 'start line';
      kind = 1;
      status = r.status;
    } else {
      // The index compares methods as written; the full correlation upper-cases them, so only upper-case ones agree.
      if (r.method === null || r.requestUri === null || !/^[A-Z]+$/.test(r.method)) return 'start line';
      kind = 0;
      method = strings.internString(r.method);
      requestUri = strings.internString(r.requestUri);
    }
  }

  let seen = 0;
  let callId = -1, cseq = -1, cseqMethod = -1, fromUri = -1, fromTag = -1, toUri = -1, toTag = -1;
  let topBranch = -1, topSentBy = -1, bottomBranch = -1, bottomSentBy = -1, vias = 0;
  let contentLength = -1;
  if (evidence.length !== 0) evidence.length = 0; // a builtin call: only when needed
  p = cr + 2;
  for (;;) {
    // The empty line ends the header section.
    if (p < end - 1 && b[p] === CR && b[p + 1] === LF) {
      cr = p;
      break;
    }
    // The name (a token, so printable), its colon, then the rest of the line up to CRLF must be printable ASCII
    // (no HT, no UTF-8: those go to the full parser). Each byte is read once.
    let q = p;
    while (q < end && TOKEN[b[q]]) q++;
    if (q === p || q >= end || b[q] !== COLON) return endsInCrlf(b, printableEnd(b, p, end), end) ? 'header name' : 'header section';
    cr = printableEnd(b, q + 1, end);
    if (!endsInCrlf(b, cr, end)) return 'header section';
    const h = names.lookup(b, p, q);
    let vs = q + 1;
    while (vs < cr && b[vs] === SP) vs++;
    let ve = cr;
    while (ve > vs && b[ve - 1] === SP) ve--;
    if (h < Header.Evidence) {
      if ((SINGLE & (1 << h)) && (seen & (1 << h))) return 'repeated header';
      seen |= 1 << h;
    }
    switch (h) {
      case Header.Other:
        break;
      default: {
        // B2BUA leg evidence: the first value of each such header (what headerValue reads), kept by its number.
        const k = h - Header.Evidence;
        let known = false;
        for (let j = 0; j < evidence.length; j += 2) if (evidence[j] === k) known = true;
        if (!known) evidence.push(k, strings.intern(b, vs, ve));
        break;
      }
      case Header.CallId:
        for (let i = vs; i < ve; i++) if (b[i] === SP) return 'Call-ID';
        if (ve === vs) return 'Call-ID';
        callId = strings.intern(b, vs, ve);
        break;
      case Header.CSeq: {
        let d = vs;
        while (d < ve && DIGIT[b[d]]) d++;
        cseq = digits(b, vs, d, 0x7fffffff);
        if (cseq < 0 || d >= ve || b[d] !== SP) return 'CSeq';
        let m = d + 1;
        while (m < ve && UPPER[b[m]]) m++;
        if (m !== ve || m === d + 1) return 'CSeq';
        cseqMethod = hints[HINT_CSEQ_METHOD] = strings.internHinted(hints[HINT_CSEQ_METHOD], b, d + 1, ve);
        break;
      }
      case Header.From:
      case Header.To: {
        let uri: number, tag: number;
        if (scanNameAddr(b, vs, ve, false, nameAddr)) {
          const hint = h === Header.From ? HINT_FROM_URI : HINT_TO_URI;
          uri = hints[hint] = strings.internHinted(hints[hint], b, nameAddr[0], nameAddr[1]);
          tag = nameAddr[2] < 0 ? -1 : strings.intern(b, nameAddr[2], nameAddr[3]);
        } else {
          const r = checkNameAddr(valueText(b, vs, ve));
          if (!r.ok || r.warning !== null) return 'From/To';
          uri = strings.internString(r.value.uri);
          tag = r.value.tag === null ? -1 : strings.internString(r.value.tag);
        }
        if (h === Header.From) {
          if (tag < 0) return 'From tag';
          fromUri = uri;
          fromTag = tag;
        } else {
          toUri = uri;
          toTag = tag;
        }
        break;
      }
      case Header.Via:
        if (scanVia(b, vs, ve, via)) {
          bottomSentBy = hints[HINT_SENT_BY] = strings.internHinted(hints[HINT_SENT_BY], b, via[0], via[1]);
          bottomBranch = strings.intern(b, via[2], via[3]);
          if (vias++ === 0) {
            topSentBy = bottomSentBy;
            topBranch = bottomBranch;
          }
        } else {
          const r = checkVia(valueText(b, vs, ve));
          if (r.problems.length > 0 || r.vias.length === 0) return 'Via';
          for (const v of r.vias) {
            // RFC 3261 transactions only: an RFC 2543 branch needs the full matching rules (§17.2.3).
            if (v.branch === null || v.branch.length <= 7 || !v.branch.startsWith("z9hG4bK")) return "Via";
            bottomSentBy = strings.internString(v.sentBy.toLowerCase());
            bottomBranch = strings.internString(v.branch);
            if (vias++ === 0) {
              topSentBy = bottomSentBy;
              topBranch = bottomBranch;
            }
          }
        }
        break;
      case Header.Contact: {
        // Taken in the simple forms without parameters; anything else as the full parser's check says.
        const simple = scanNameAddr(b, vs, ve, true, nameAddr) && nameAddr[2] < 0 && (nameAddr[1] === ve || (b[nameAddr[1]] === GT && nameAddr[1] + 1 === ve));
        if (!simple && checkContact(valueText(b, vs, ve)).length > 0) return 'Contact';
        break;
      }
      case Header.Date:
        if (checkDate(valueText(b, vs, ve)) !== null) return 'Date';
        break;
      case Header.ContentLength:
        contentLength = digits(b, vs, ve, 0x7fffffff);
        if (contentLength < 0) return 'Content-Length';
        break;
      case Header.ContentType:
        if (ve === vs) return 'Content-Type';
        break;
      case Header.MaxForwards:
        if (digits(b, vs, ve, 255) < 0 || ve - vs > 3) return 'Max-Forwards';
        break;
    }
    p = cr + 2;
  }
  const bodyStart = cr + 2;
  const bodyLength = end - bodyStart;
  if (contentLength >= 0 ? contentLength !== bodyLength : false) return 'Content-Length';
  if (bodyLength > 0 && !(seen & (1 << Header.ContentType))) return 'Content-Type';
  if (callId < 0 || cseq < 0 || fromUri < 0 || toUri < 0 || vias === 0) return 'required header';
  if (kind === 0 && (!(seen & (1 << Header.MaxForwards)) || cseqMethod !== method)) return 'required header';
  if (kind === 1) method = cseqMethod;
  if (cols.refusedMethods.has(method)) return 'subscription method';
  addIndexRow(cols, frame, time, src, dst, kind, method, status, requestUri, callId, cseq, fromUri, fromTag, toUri, toTag, topBranch, topSentBy, bottomBranch, bottomSentBy, evidence);
  return null;
}

/** A new row of the index with a plain message's keys; `evidence` holds header number and value id pairs. */
export function addIndexRow(cols: MessageColumns, frame: number, time: number, src: number, dst: number, kind: number, method: number, status: number, requestUri: number, callId: number, cseq: number, fromUri: number, fromTag: number, toUri: number, toTag: number, topBranch: number, topSentBy: number, bottomBranch: number, bottomSentBy: number, evidence: readonly number[]): void {
  const i = cols.add();
  cols.frame[i] = frame;
  cols.time[i] = time;
  cols.src[i] = src;
  cols.dst[i] = dst;
  cols.kind[i] = kind;
  cols.method[i] = method;
  cols.status[i] = status;
  cols.requestUri[i] = requestUri;
  cols.callId[i] = callId;
  cols.cseq[i] = cseq;
  cols.fromUri[i] = fromUri;
  cols.fromTag[i] = fromTag;
  cols.toUri[i] = toUri;
  cols.toTag[i] = toTag;
  cols.topBranch[i] = topBranch;
  cols.topSentBy[i] = topSentBy;
  cols.bottomBranch[i] = bottomBranch;
  cols.bottomSentBy[i] = bottomSentBy;
  for (let k = 0; k < evidence.length; k += 2) cols.addEvidence(i, evidence[k], evidence[k + 1]);
}
