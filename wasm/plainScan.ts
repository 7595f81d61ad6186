// AssemblyScript, compiled to WebAssembly by scripts/buildWasm.mjs: the accepting path of the index's plain SIP
// scanner (src/core/index/plainSipScan.ts) over bytes in this module's memory. WebAssembly runs at compiled speed
// from the first message (V8's baseline compiler is ready before the first call), where the JavaScript scanner
// spends the first MiBs of a capture interpreted and being optimised (bench/RESULTS.md).
//
// It only ever says "plain, and here are the ranges" (0) or "ask the JavaScript scanner" (1): every case that
// scanner would refuse, or hand to the full parser's checks, answers 1, and the caller runs scanPlainSip on the same
// bytes for the verdict. So this file decides no refusal reason, and a test compares both scanners message by
// message: where this one answers 0, the JavaScript one accepts with the same keys.
//
// Out record (i32 at OUT): kind, status, method start/end, Request-URI start/end, item count, then the headers the
// index keeps, in message order (the caller interns in that order, as scanPlainSip does, so ids come out equal),
// ITEM_WORDS words each: type, then two ranges (or a number and a range for CSeq).

const CR = 0x0d, LF = 0x0a, SP = 0x20, COLON = 0x3a, SEMI = 0x3b, EQ = 0x3d, LT = 0x3c, GT = 0x3e, DQUOTE = 0x22;
const AT = 0x40, DOT = 0x2e, HYPHEN = 0x2d, SLASH = 0x2f, BACKSLASH = 0x5c;

const TOKEN: i32 = 1, USER: i32 = 2, PARAM_NAME: i32 = 4, PARAM_VALUE: i32 = 8, DIGIT: i32 = 16, UPPER: i32 = 32, LABEL: i32 = 64;
const CLASSES = memory.data(256);

function mark(chars: string, flag: i32): void {
  for (let i = 0; i < chars.length; i++) {
    const c = chars.charCodeAt(i);
    store<u8>(CLASSES + c, load<u8>(CLASSES + c) | flag);
  }
}
function markRange(a: i32, z: i32, flag: i32): void {
  for (let c = a; c <= z; c++) store<u8>(CLASSES + c, load<u8>(CLASSES + c) | flag);
}
function markAlnum(flag: i32): void {
  markRange(0x30, 0x39, flag);
  markRange(0x41, 0x5a, flag);
  markRange(0x61, 0x7a, flag);
}
// The same tables as plainSipScan.ts (RFC 3261 §25.1).
mark("-.!%*_+`'~", TOKEN);
markAlnum(TOKEN);
mark("-_.!~*'+", USER);
markAlnum(USER);
mark('-', PARAM_NAME);
markRange(0x30, 0x39, PARAM_NAME);
markRange(0x61, 0x7a, PARAM_NAME);
mark("-_.!~*'+`", PARAM_VALUE);
markAlnum(PARAM_VALUE);
markRange(0x30, 0x39, DIGIT);
markRange(0x41, 0x5a, UPPER);
mark('-', LABEL);
markAlnum(LABEL);

// @ts-ignore: decorator
@inline function at(p: i32): i32 {
  return <i32>load<u8>(<usize>p);
}
// @ts-ignore: decorator
@inline function is(p: i32, flag: i32): bool {
  return (<i32>load<u8>(CLASSES + <usize>load<u8>(<usize>p)) & flag) != 0;
}

// Header numbers: plainSipScan.ts's Header enum.
const H_OTHER = 0, H_CALL_ID = 1, H_CSEQ = 2, H_FROM = 3, H_TO = 4, H_VIA = 5, H_CONTACT = 6, H_CONTENT_LENGTH = 7;
const H_CONTENT_TYPE = 8, H_MAX_FORWARDS = 9, H_DATE = 10, H_EVIDENCE = 11;
const SINGLE: i32 = (1 << H_CALL_ID) | (1 << H_CSEQ) | (1 << H_FROM) | (1 << H_TO) | (1 << H_MAX_FORWARDS) | (1 << H_CONTENT_LENGTH) | (1 << H_CONTENT_TYPE);
const MAX_METHOD = 64; // sip/startLine.ts

/** Header names the caller writes: per name its length, header number, then its lower-case bytes; length 0 ends. */
export const NAMES_BYTES: i32 = 4096;
const NAMES = memory.data(NAMES_BYTES);

export const ITEM_EVIDENCE: i32 = 1, ITEM_CALL_ID: i32 = 2, ITEM_CSEQ: i32 = 3, ITEM_FROM: i32 = 4, ITEM_TO: i32 = 5, ITEM_VIA: i32 = 6;
export const ITEM_WORDS: i32 = 5;
export const OUT_HEAD_WORDS: i32 = 8;
const OUT_WORDS = 4096;
const OUT = memory.data(OUT_WORDS * 4, 4);
const MAX_ITEMS = (OUT_WORDS - OUT_HEAD_WORDS) / ITEM_WORDS;

export function namesAddress(): usize {
  return NAMES;
}
export function outAddress(): usize {
  return OUT;
}
/** Start of the memory the caller owns (its message bytes), after this module's tables. */
export function heapAddress(): usize {
  return (__heap_base + 15) & ~15;
}
/** Grows the memory so that it holds `bytes` from heapAddress(); false when it cannot. */
export function reserve(bytes: i32): bool {
  const needed = <i64>heapAddress() + <i64>bytes;
  const have = <i64>memory.size() << 16;
  if (needed <= have) return true;
  return memory.grow(<i32>((needed - have + 0xffff) >> 16)) >= 0;
}

function lookup(s: i32, e: i32): i32 {
  const n = e - s;
  if (n == 1) {
    const c = at(s) | 0x20;
    // RFC 3261 §7.3.3 compact forms.
    if (c == 0x69) return H_CALL_ID; // i
    if (c == 0x66) return H_FROM; // f
    if (c == 0x74) return H_TO; // t
    if (c == 0x76) return H_VIA; // v
    if (c == 0x6d) return H_CONTACT; // m
    if (c == 0x6c) return H_CONTENT_LENGTH; // l
    if (c == 0x63) return H_CONTENT_TYPE; // c
  }
  let entry = <i32>NAMES;
  let length = at(entry);
  for (; length != 0; entry += 2 + length, length = at(entry)) {
    if (length == n) {
      let k = 0;
      // `| 0x20` folds letters; the names hold only letters, digits and '-', which it leaves alone.
      while (k < n && (at(s + k) | 0x20) == at(entry + 2 + k)) k++;
      if (k == n) return at(entry + 1);
    }
  }
  return H_OTHER;
}

function scanIpv4(p: i32, e: i32): i32 {
  let q = p;
  for (let part = 0; part < 4; part++) {
    if (part > 0) {
      if (q >= e || at(q) != DOT) return -1;
      q++;
    }
    const s = q;
    let v = 0;
    while (q < e && is(q, DIGIT) && q - s < 3) v = v * 10 + at(q++) - 0x30;
    if (q == s || v > 255 || (q - s > 1 && at(s) == 0x30)) return -1;
  }
  return q < e && is(q, DIGIT) ? -1 : q;
}

function scanHost(p: i32, e: i32, lowerOnly: bool): i32 {
  const v4 = scanIpv4(p, e);
  if (v4 >= 0 && (v4 == e || !is(v4, LABEL) && at(v4) != DOT)) return v4;
  let label = p;
  let q = p;
  let lastLabelAlpha = false;
  let more = true;
  while (more) {
    while (q < e && is(q, LABEL)) {
      if (lowerOnly && is(q, UPPER)) return -1;
      q++;
    }
    if (q == label || at(label) == HYPHEN || at(q - 1) == HYPHEN) return -1;
    lastLabelAlpha = !is(label, DIGIT);
    more = q < e && at(q) == DOT;
    if (more) label = ++q;
  }
  return lastLabelAlpha ? q : -1;
}

function scanPort(p: i32, e: i32): i32 {
  let q = p;
  let v = 0;
  while (q < e && is(q, DIGIT) && q - p < 5) v = v * 10 + at(q++) - 0x30;
  if (q == p || v == 0 || v > 65535 || at(p) == 0x30 || (q < e && is(q, DIGIT))) return -1;
  return q;
}

let tagStart = -1, tagEnd = -1;

/** `;name[=value]` parameters; the position after them, or -1. A `tag` (header parameters only) goes to tagStart/End. */
function scanParams(p: i32, e: i32, uriParams: bool): i32 {
  let q = p;
  while (q < e && at(q) == SEMI) {
    const ns = ++q;
    while (q < e && is(q, PARAM_NAME)) q++;
    const ne = q;
    if (ne == ns) return -1;
    let vs = -1;
    if (q < e && at(q) == EQ) {
      vs = ++q;
      while (q < e && is(q, PARAM_VALUE)) q++;
      if (q == vs) return -1;
    }
    const n = ne - ns;
    if (uriParams) {
      // RFC 3261 §19.1.1: method is not allowed in a Request-URI; maddr and ttl have grammars of their own.
      if ((n == 6 && at(ns) == 0x6d && at(ns + 1) == 0x65) || (n == 5 && at(ns) == 0x6d && at(ns + 1) == 0x61) || (n == 3 && at(ns) == 0x74 && at(ns + 1) == 0x74)) return -1;
    } else if (n == 3 && at(ns) == 0x74 && at(ns + 1) == 0x61 && at(ns + 2) == 0x67) {
      if (vs < 0 || tagStart >= 0) return -1;
      tagStart = vs;
      tagEnd = q;
    }
  }
  return q;
}

function scanUri(p: i32, e: i32): i32 {
  let q = p;
  if (e - q > 4 && at(q) == 0x73 && at(q + 1) == 0x69 && at(q + 2) == 0x70) {
    q += 3;
    if (at(q) == 0x73) q++;
    if (q >= e || at(q) != COLON) return -1;
    q++;
  } else return -1;
  let u = q;
  while (u < e && is(u, USER)) u++;
  if (u < e && at(u) == AT) {
    if (u == q) return -1;
    q = u + 1;
  }
  q = scanHost(q, e, false);
  if (q < 0) return -1;
  if (q < e && at(q) == COLON) {
    q = scanPort(q + 1, e);
    if (q < 0) return -1;
  }
  return scanParams(q, e, true);
}

let uriStart = -1, uriEnd = -1;

/** name-addr (or, with addrSpec, a bare URI): URI to uriStart/End, tag to tagStart/End (-1 when absent). */
function scanNameAddr(p: i32, e: i32, addrSpec: bool): bool {
  let q = p;
  if (at(q) == DQUOTE) {
    q++;
    while (q < e && at(q) != DQUOTE && at(q) != BACKSLASH) q++;
    if (q >= e || at(q) != DQUOTE) return false;
    q++;
    if (q < e && at(q) == SP) q++;
  } else if (at(q) != LT) {
    let words = q;
    while (words < e && (is(words, TOKEN) || (at(words) == SP && is(words - 1, TOKEN) && words + 1 < e && (is(words + 1, TOKEN) || at(words + 1) == LT)))) words++;
    if (words < e && at(words) == LT) q = words;
    else if (!addrSpec) return false;
  }
  if (at(q) == LT) {
    const us = q + 1;
    const ue = scanUri(us, e);
    if (ue < 0 || ue >= e || at(ue) != GT) return false;
    uriStart = us;
    uriEnd = ue;
    q = ue + 1;
  } else {
    // A bare URI takes no parameters here: in addr-spec form they would be the header's (RFC 3261 §20.10).
    let u = q;
    while (u < e && at(u) != SEMI) u++;
    const ue = scanUri(q, u);
    if (ue != u) return false;
    uriStart = q;
    uriEnd = u;
    q = u;
  }
  tagStart = -1;
  tagEnd = -1;
  q = scanParams(q, e, false);
  return q == e;
}

let sentByStart = -1, sentByEnd = -1, branchStart = -1, branchEnd = -1;

/** `SIP/2.0/<TRANSPORT> host[:port]` with branch (RFC 3261 magic cookie), rport and received only (§20.42). */
function scanVia(p: i32, e: i32): bool {
  if (e - p < 10 || at(p) != 0x53 || at(p + 1) != 0x49 || at(p + 2) != 0x50 || at(p + 3) != SLASH || at(p + 4) != 0x32 || at(p + 5) != DOT || at(p + 6) != 0x30 || at(p + 7) != SLASH) return false;
  let q = p + 8;
  const ts = q;
  while (q < e && is(q, UPPER)) q++;
  if (q == ts || q >= e || at(q) != SP) return false;
  const hs = ++q;
  q = scanHost(q, e, true);
  if (q < 0) return false;
  if (q < e && at(q) == COLON) {
    q = scanPort(q + 1, e);
    if (q < 0) return false;
  }
  sentByStart = hs;
  sentByEnd = q;
  branchStart = -1;
  while (q < e && at(q) == SEMI) {
    const ns = ++q;
    while (q < e && is(q, PARAM_NAME)) q++;
    const n = q - ns;
    const isBranch = n == 6 && at(ns) == 0x62 && at(ns + 1) == 0x72 && at(ns + 5) == 0x68;
    const isRport = n == 5 && at(ns) == 0x72 && at(ns + 1) == 0x70;
    const isReceived = n == 8 && at(ns) == 0x72 && at(ns + 1) == 0x65 && at(ns + 7) == 0x64;
    if (!isBranch && !isRport && !isReceived) return false;
    if (q < e && at(q) == EQ) {
      const vs = ++q;
      if (isBranch) {
        while (q < e && is(q, PARAM_VALUE)) q++;
        if (q == vs || branchStart >= 0) return false;
        branchStart = vs;
        branchEnd = q;
      } else if (isRport) {
        q = scanPort(q, e);
        if (q < 0) return false;
      } else {
        q = scanIpv4(q, e);
        if (q < 0) return false;
      }
    } else if (!isRport) return false;
  }
  if (q != e || branchStart < 0) return false;
  // RFC 3261 transactions only: "z9hG4bK" and more (an RFC 2543 branch needs the full matching rules, §17.2.3).
  if (branchEnd - branchStart <= 7) return false;
  const b = branchStart;
  return at(b) == 0x7a && at(b + 1) == 0x39 && at(b + 2) == 0x68 && at(b + 3) == 0x47 && at(b + 4) == 0x34 && at(b + 5) == 0x62 && at(b + 6) == 0x4b;
}

function printableEnd(p: i32, end: i32): i32 {
  while (p < end) {
    const c = at(p);
    if (c < 0x20 || c > 0x7e) break;
    p++;
  }
  return p;
}

function digits(s: i32, e: i32, max: i32): i32 {
  if (e <= s || e - s > 9) return -1;
  let v = 0;
  for (let i = s; i < e; i++) {
    if (!is(i, DIGIT)) return -1;
    v = v * 10 + at(i) - 0x30;
  }
  return v <= max ? v : -1;
}

function sameBytes(a: i32, aEnd: i32, b: i32, bEnd: i32): bool {
  if (aEnd - a != bEnd - b) return false;
  for (let i = 0; i < aEnd - a; i++) if (at(a + i) != at(b + i)) return false;
  return true;
}

let items = 0;

function item(type: i32, a: i32, b: i32, c: i32, d: i32): void {
  const w = OUT + ((OUT_HEAD_WORDS + items * ITEM_WORDS) << 2);
  store<i32>(w, type);
  store<i32>(w, a, 4);
  store<i32>(w, b, 8);
  store<i32>(w, c, 12);
  store<i32>(w, d, 16);
  items++;
}

/**
 * The message in memory [start, end): 0 when plain (the out record filled), 1 when the JavaScript scanner must
 * decide. Mirrors scanPlainSip's accepting path line for line.
 */
export function scan(start: i32, end: i32): i32 {
  let p = start;
  if (end - start < 2 || !is(start, UPPER)) return 1;
  let cr = p;
  while (cr < end && at(cr) != CR) cr++;
  if (cr >= end - 1 || at(cr + 1) != LF || printableEnd(p, cr) != cr) return 1;
  let kind = -1;
  let status = 0;
  let methodStart = -1, methodEnd = -1, requestUriStart = -1, requestUriEnd = -1;
  if (cr - p > 12 && at(p) == 0x53 && at(p + 1) == 0x49 && at(p + 2) == 0x50 && at(p + 3) == SLASH && at(p + 4) == 0x32 && at(p + 5) == DOT && at(p + 6) == 0x30 && at(p + 7) == SP) {
    const s0 = at(p + 8) - 0x30;
    if (s0 >= 1 && s0 <= 6 && is(p + 9, DIGIT) && is(p + 10, DIGIT) && at(p + 11) == SP && at(p + 12) != SP && at(cr - 1) != SP) {
      kind = 1;
      status = s0 * 100 + (at(p + 9) - 0x30) * 10 + (at(p + 10) - 0x30);
    }
  } else {
    let q = p;
    while (q < cr && is(q, UPPER)) q++;
    const us = q + 1;
    const ue = q > p && q - p <= MAX_METHOD && q < cr && at(q) == SP ? scanUri(us, cr) : -1;
    if (ue >= 0 && cr - ue == 8 && at(ue) == SP && at(ue + 1) == 0x53 && at(ue + 2) == 0x49 && at(ue + 3) == 0x50 && at(ue + 4) == SLASH && at(ue + 5) == 0x32 && at(ue + 6) == DOT && at(ue + 7) == 0x30) {
      kind = 0;
      methodStart = p;
      methodEnd = q;
      requestUriStart = us;
      requestUriEnd = ue;
    }
  }
  if (kind < 0) return 1; // not a simple form: the full parser's start-line check decides

  let seen = 0;
  let cseqMethodStart = -1, cseqMethodEnd = -1;
  let vias = 0;
  let contentLength = -1;
  let evidenceSeen: u64 = 0; // evidence header numbers past 63 go to the JavaScript scanner
  items = 0;
  p = cr + 2;
  for (;;) {
    if (p < end - 1 && at(p) == CR && at(p + 1) == LF) {
      cr = p;
      break;
    }
    let q = p;
    while (q < end && is(q, TOKEN)) q++;
    if (q == p || q >= end || at(q) != COLON) return 1;
    cr = printableEnd(q + 1, end);
    if (cr >= end - 1 || at(cr) != CR || at(cr + 1) != LF) return 1;
    const h = lookup(p, q);
    let vs = q + 1;
    while (vs < cr && at(vs) == SP) vs++;
    let ve = cr;
    while (ve > vs && at(ve - 1) == SP) ve--;
    if (h < H_EVIDENCE) {
      if ((SINGLE & (1 << h)) && (seen & (1 << h))) return 1;
      seen |= 1 << h;
    }
    if (items >= MAX_ITEMS) return 1;
    if (h == H_OTHER) {
      // nothing kept
    } else if (h >= H_EVIDENCE) {
      // B2BUA leg evidence: the first value of each such header.
      const k = h - H_EVIDENCE;
      if (k >= 64) return 1;
      if ((evidenceSeen & (<u64>1 << <u64>k)) == 0) {
        evidenceSeen |= <u64>1 << <u64>k;
        item(ITEM_EVIDENCE, k, vs, ve, 0);
      }
    } else if (h == H_CALL_ID) {
      if (ve == vs) return 1;
      for (let i = vs; i < ve; i++) if (at(i) == SP) return 1;
      item(ITEM_CALL_ID, vs, ve, 0, 0);
    } else if (h == H_CSEQ) {
      let d = vs;
      while (d < ve && is(d, DIGIT)) d++;
      const cseq = digits(vs, d, 0x7fffffff);
      if (cseq < 0 || d >= ve || at(d) != SP) return 1;
      let m = d + 1;
      while (m < ve && is(m, UPPER)) m++;
      if (m != ve || m == d + 1) return 1;
      cseqMethodStart = d + 1;
      cseqMethodEnd = ve;
      item(ITEM_CSEQ, cseq, d + 1, ve, 0);
    } else if (h == H_FROM || h == H_TO) {
      if (!scanNameAddr(vs, ve, false)) return 1;
      if (h == H_FROM && tagStart < 0) return 1;
      item(h == H_FROM ? ITEM_FROM : ITEM_TO, uriStart, uriEnd, tagStart, tagEnd);
    } else if (h == H_VIA) {
      if (!scanVia(vs, ve)) return 1;
      vias++;
      item(ITEM_VIA, sentByStart, sentByEnd, branchStart, branchEnd);
    } else if (h == H_CONTACT) {
      // The simple forms without parameters; anything else is for the full parser's check.
      if (!scanNameAddr(vs, ve, true) || tagStart >= 0 || !(uriEnd == ve || (at(uriEnd) == GT && uriEnd + 1 == ve))) return 1;
    } else if (h == H_DATE) {
      return 1;
    } else if (h == H_CONTENT_LENGTH) {
      contentLength = digits(vs, ve, 0x7fffffff);
      if (contentLength < 0) return 1;
    } else if (h == H_CONTENT_TYPE) {
      if (ve == vs) return 1;
    } else if (h == H_MAX_FORWARDS) {
      if (digits(vs, ve, 255) < 0 || ve - vs > 3) return 1;
    }
    p = cr + 2;
  }
  const bodyLength = end - (cr + 2);
  if (contentLength >= 0 && contentLength != bodyLength) return 1;
  if (bodyLength > 0 && !(seen & (1 << H_CONTENT_TYPE))) return 1;
  const required = (1 << H_CALL_ID) | (1 << H_CSEQ) | (1 << H_FROM) | (1 << H_TO);
  if ((seen & required) != required || vias == 0) return 1;
  if (kind == 0 && (!(seen & (1 << H_MAX_FORWARDS)) || !sameBytes(cseqMethodStart, cseqMethodEnd, methodStart, methodEnd))) return 1;
  store<i32>(OUT, kind);
  store<i32>(OUT, status, 4);
  store<i32>(OUT, methodStart, 8);
  store<i32>(OUT, methodEnd, 12);
  store<i32>(OUT, requestUriStart, 16);
  store<i32>(OUT, requestUriEnd, 20);
  store<i32>(OUT, items, 24);
  return 0;
}
