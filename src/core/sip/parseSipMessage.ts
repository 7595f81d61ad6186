// Parses one complete SIP message (start line, headers, body) from its bytes into a ParsedSip with
// positioned issues. Pure core code: called by the capture engine and the text-trace readers alike.
import type { MessageIssue, NameAddr, ParsedSip, SipHeader, Via } from '../model/sipMessage';
import { decodeUtf8 } from '../util/bytes';
import { isToken, skipWsp, trimWspEnd } from './charClasses';
import { canonicalHeaderKey } from './compactForms';
import { checkContact } from './contactValue';
import { checkCSeq } from './cseq';
import { MAX_PROBLEMS_PER_VALUE, makeIssue, type SipIssueCode, type ValueProblem } from './issueCodes';
import { checkNameAddr } from './nameAddr';
import { parseRequestLine } from './requestLine';
import { checkCallId, checkContentLength, checkDate, checkMaxForwards } from './scalarHeaders';
import type { StartLineResult } from './startLineResult';
import { parseStatusLine } from './statusLine';
import { checkVia } from './via';
import { shown } from './shown';

export type SipParseOutcome = { ok: true; message: ParsedSip } | { ok: false; issue: MessageIssue };

const LF = 0x0a;
/** Shared by every message without a body (most of a capture's messages): one view object instead of one each. */
const NO_BODY = new Uint8Array(0);
const CR = 0x0d;
const SP = 0x20;
const HT = 0x09;

/** Headers that RFC 3261 defines with a single value; a second occurrence is an error (§7.3.1). */
const SINGLE_VALUED = new Set(['call-id', 'cseq', 'from', 'to', 'max-forwards', 'content-length', 'content-type']);

/** Where each part of an unfolded header value came from: value index → physical line and column. */
interface ValueSegment { at: number; line: number; column: number }

/**
 * Parses one complete message (start line, headers, body). Never throws. ok:false only when there is no
 * recognisable SIP start line / header section at all; every lesser defect is an entry in message.issues.
 */
export function parseSipMessage(bytes: Uint8Array): SipParseOutcome {
  try {
    return parse(bytes);
  } catch (err) {
    // A defect in this parser must not take the whole trace down with it; say so instead.
    return { ok: false, issue: makeIssue('sip.unrecognised-message', `the SIP parser failed on this message (${String(err)}), a parser defect worth reporting`, 0) };
  }
}

/**
 * Only the header fields of a message the parser has already accepted (captured messages rebuild their header
 * list on demand): the same unfolding and positions as parseSipMessage, without validating anything again.
 */
export function parseSipHeaders(bytes: Uint8Array): SipHeader[] {
  try {
    const r = parse(bytes, true);
    return Array.isArray(r) ? r : r.ok ? r.message.headers : [];
  } catch {
    return [];
  }
}

function parse(bytes: Uint8Array): SipParseOutcome;
function parse(bytes: Uint8Array, headersOnly: true): SipParseOutcome | SipHeader[];
function parse(bytes: Uint8Array, headersOnly = false): SipParseOutcome | SipHeader[] {
  const n = bytes.length;
  const issues: MessageIssue[] = [];

  // RFC 3261 §7.5: CRLFs before the start line are ignored (stream keep-alives).
  let pos = 0;
  let lineBase = 0;
  for (;;) {
    if (pos < n && bytes[pos] === LF) pos += 1;
    else if (pos + 1 < n && bytes[pos] === CR && bytes[pos + 1] === LF) pos += 2;
    else break;
    lineBase++;
  }
  if (lineBase > 0) {
    issues.push(makeIssue('sip.leading-empty-lines', `${lineBase} empty line(s) precede the start line and were skipped (RFC 3261 §7.5)`, 0, 0, 0));
  }

  // Physical lines of the start line and header section, up to the empty line that ends it.
  const starts: number[] = [];
  const ends: number[] = [];
  let crlfLines = 0;
  let bareLfLines = 0;
  let firstBareLf = -1;
  let terminated = false;
  let headerEnd = n;
  let bodyOffset = n;
  while (pos < n) {
    const lf = bytes.indexOf(LF, pos);
    if (lf < 0) {
      starts.push(pos);
      ends.push(n);
      pos = n;
      break;
    }
    let end = lf;
    if (end > pos && bytes[end - 1] === CR) {
      end--;
      crlfLines++;
    } else {
      bareLfLines++;
      if (firstBareLf < 0) firstBareLf = starts.length;
    }
    if (end === pos) {
      terminated = true;
      headerEnd = pos;
      bodyOffset = lf + 1;
      break;
    }
    starts.push(pos);
    ends.push(end);
    pos = lf + 1;
  }
  if (starts.length === 0) {
    return { ok: false, issue: makeIssue('sip.unrecognised-message', 'the bytes hold no start line: they are empty or only line breaks (RFC 3261 §7)', 0, 0, 0) };
  }

  // Decode the header section once when it is ASCII (char index == byte offset); otherwise decode each
  // line as UTF-8 (RFC 3261 §7.3.1: header values are UTF-8).
  let ascii = true;
  for (let i = 0; i < headerEnd; i++) {
    if (bytes[i] > 0x7f) { ascii = false; break; }
  }
  const text = ascii ? decodeUtf8(bytes, 0, headerEnd) : '';
  const lineText = (k: number): string => (ascii ? text.slice(starts[k], ends[k]) : decodeUtf8(bytes, starts[k], ends[k]));
  const at = (line: number, column: number): { line: number; column: number; offset?: number } =>
    (ascii ? { line: lineBase + line, column, offset: starts[line] + column } : { line: lineBase + line, column });
  const add = (code: SipIssueCode, message: string, line: number, column = 0): void => {
    const p = at(line, column);
    issues.push(makeIssue(code, message, p.line, p.column, p.offset));
  };

  const first = headersOnly ? '' : lineText(0);
  const start: StartLineResult | null = headersOnly ? null : parseStatusLine(first) ?? parseRequestLine(first);
  if (start === null && !headersOnly) {
    const p = at(0, 0);
    return {
      ok: false,
      issue: makeIssue('sip.unrecognised-message', `the message does not start with a SIP request line or status line; its first line is ${shown(first)} (RFC 3261 §7.1, §7.2)`, p.line, p.column, p.offset),
    };
  }
  if (start !== null) {
    for (const pr of start.problems) add(pr.code, pr.message, 0, pr.at);
    for (const w of start.warnings) add(w.code, w.message, 0, w.at);
  }

  // Header fields, unfolding continuation lines (RFC 3261 §7.3.1). Per header: the physical line index
  // and value column of its first line, and (folded headers only) where each continuation landed.
  const headers: SipHeader[] = [];
  const firstLine: number[] = [];
  const valueColumn: number[] = [];
  const folds: Array<ValueSegment[] | undefined> = [];
  let current: SipHeader | null = null;
  for (let k = 1; k < starts.length; k++) {
    const t = lineText(k);
    const c0 = t.charCodeAt(0);
    if (c0 === SP || c0 === HT) {
      if (current === null) {
        add('sip.malformed-header', 'this line starts with whitespace, which continues a header, but no header precedes it (RFC 3261 §7.3.1)', k);
        continue;
      }
      current.lineCount++;
      const s = skipWsp(t, 0);
      const e = trimWspEnd(t, s, t.length);
      if (e > s) {
        if (current.value.length > 0) current.value += ' ';
        const i = headers.length - 1;
        (folds[i] ??= []).push({ at: current.value.length, line: k, column: s });
        current.value += t.slice(s, e);
      }
      continue;
    }
    const colon = t.indexOf(':');
    if (colon < 0) {
      add('sip.malformed-header', `the line ${shown(t)} is not a header field: it has no ":" (RFC 3261 §7.3)`, k);
      current = null;
      continue;
    }
    const nameEnd = trimWspEnd(t, 0, colon);
    if (nameEnd === 0) {
      add('sip.malformed-header', `the line ${shown(t)} has no header name before ":" (RFC 3261 §7.3)`, k);
      current = null;
      continue;
    }
    const name = t.slice(0, nameEnd);
    if (!headersOnly && !isToken(name)) add('sip.malformed-header', `the header name ${shown(name)} is not a token (RFC 3261 §7.3.1, §25.1)`, k);
    const vs = skipWsp(t, colon + 1);
    current = { name, key: canonicalHeaderKey(name), value: t.slice(vs, trimWspEnd(t, vs, t.length)), offset: starts[k], line: lineBase + k, lineCount: 1 };
    headers.push(current);
    firstLine.push(k);
    valueColumn.push(vs);
    folds.push(undefined);
  }

  if (headersOnly || start === null) return headers;

  /** Problems placed per header; past MAX_PROBLEMS_PER_VALUE they are only noted (header index → true). */
  const placed = new Map<number, number>();
  const unlisted = new Set<number>();
  /** Places a problem found at char `pr.at` of header i's unfolded value on its physical line. */
  const addValueProblem = (i: number, pr: ValueProblem): void => {
    const n = placed.get(i) ?? 0;
    if (n >= MAX_PROBLEMS_PER_VALUE) { unlisted.add(i); return; }
    placed.set(i, n + 1);
    let line = firstLine[i];
    let column = valueColumn[i] + pr.at;
    const segs = folds[i];
    if (segs !== undefined) {
      for (const seg of segs) {
        if (seg.at > pr.at) break;
        line = seg.line;
        column = seg.column + (pr.at - seg.at);
      }
    }
    add(pr.code, pr.message, line, column);
  };

  // Correlation keys are parsed eagerly; every other header keeps its raw value.
  let callId: string | null = null;
  let cseq: { seq: number; method: string } | null = null;
  let cseqMethod: string | null = null;
  let from: NameAddr | null = null;
  let to: NameAddr | null = null;
  let contentType: string | null = null;
  let contentLength: number | null = null;
  let contentLengthIndex = -1;
  let contentLengthConflict = false;
  const vias: Via[] = [];
  let sawVia = false;
  const firstIndex = new Map<string, number>();
  for (let i = 0; i < headers.length; i++) {
    const h = headers[i];
    if (SINGLE_VALUED.has(h.key)) {
      const earlier = firstIndex.get(h.key);
      if (earlier !== undefined) {
        const e = headers[earlier];
        addValueProblem(i, { code: 'sip.duplicate-header', message: `${h.name} appears again (${h.line - e.line} line(s) below the first ${e.name}); it takes a single value, so RFC 3261 §7.3.1 does not allow it twice`, at: 0 });
        if (h.key === 'content-length' && h.value !== e.value) contentLengthConflict = true;
        continue;
      }
      firstIndex.set(h.key, i);
    }
    switch (h.key) {
      case 'call-id': {
        callId = h.value;
        const pr = checkCallId(h.value);
        if (pr) addValueProblem(i, pr);
        break;
      }
      case 'cseq': {
        const r = checkCSeq(h.value);
        cseq = r.cseq;
        cseqMethod = r.method;
        if (r.problem) addValueProblem(i, r.problem);
        break;
      }
      case 'from':
      case 'to': {
        const r = checkNameAddr(h.value);
        if (r.ok) {
          if (h.key === 'from') from = r.value;
          else to = r.value;
          if (r.warning !== null) addValueProblem(i, { code: 'sip.ipv6-three-colon', message: `${h.name} ${r.warning}`, at: 0 });
        } else {
          addValueProblem(i, { code: r.kind === 'uri' ? 'sip.malformed-uri' : 'sip.malformed-header', message: `${h.name}: ${r.error}`, at: r.at });
        }
        break;
      }
      case 'via': {
        sawVia = true;
        const r = checkVia(h.value);
        for (const v of r.vias) vias.push(v);
        for (const pr of r.problems) addValueProblem(i, pr);
        break;
      }
      case 'content-type':
        contentType = h.value;
        break;
      case 'content-length': {
        const r = checkContentLength(h.value);
        contentLength = r.value;
        contentLengthIndex = i;
        if (r.problem) addValueProblem(i, r.problem);
        break;
      }
      case 'max-forwards': {
        const r = checkMaxForwards(h.value);
        if (r.problem) addValueProblem(i, r.problem);
        break;
      }
      case 'date': {
        const pr = checkDate(h.value);
        if (pr) addValueProblem(i, pr);
        break;
      }
      case 'contact':
        for (const pr of checkContact(h.value)) addValueProblem(i, pr);
        break;
      default:
        break;
    }
  }

  for (const i of unlisted) {
    add('sip.problems-not-listed', `${headers[i].name} has more problems than the ${MAX_PROBLEMS_PER_VALUE} listed; the others are not listed`, firstLine[i], 0);
  }

  if (firstBareLf >= 0) {
    const line = Math.min(firstBareLf, starts.length);
    const column = line < starts.length ? ends[line] - starts[line] : 0;
    issues.push(makeIssue('sip.bare-lf', `lines end with a bare LF where SIP requires CRLF (RFC 3261 §7); the message was read anyway`, lineBase + line, column));
  }
  if (!terminated) {
    add('sip.unterminated-header-section', 'the header section is not ended by an empty line, so the message has no body (RFC 3261 §7)', starts.length - 1, ends[starts.length - 1] - starts[starts.length - 1]);
  }

  // Body: the bytes after the empty line, bounded by Content-Length (RFC 3261 §18.3).
  const available = n - bodyOffset;
  let body = bodyOffset < n ? bytes.subarray(bodyOffset, n) : NO_BODY;
  if (contentLengthConflict) {
    // RFC 4475 §3.3.9: conflicting Content-Length values make the framing unknowable; keep every byte.
  } else if (contentLength !== null) {
    if (available >= contentLength) {
      body = contentLength > 0 ? bytes.subarray(bodyOffset, bodyOffset + contentLength) : NO_BODY;
      const extra = available - contentLength;
      if (extra > 0) {
        const endLine = lineBase + starts.length + (terminated ? 1 : 0) + countLf(body);
        const whitespaceOnly = isLineBreaksOnly(bytes, bodyOffset + contentLength, n);
        issues.push(makeIssue(
          whitespaceOnly ? 'sip.trailing-empty-lines' : 'sip.body-beyond-content-length',
          whitespaceOnly
            ? `${extra} byte(s) of line breaks follow the ${contentLength}-byte body that Content-Length declares; they were ignored (RFC 3261 §18.3)`
            : `${extra} byte(s) follow the ${contentLength}-byte body that Content-Length declares; they were ignored (RFC 3261 §18.3)`,
          endLine, 0, bodyOffset + contentLength));
      }
    } else {
      addValueProblem(contentLengthIndex, {
        code: 'sip.content-length-mismatch',
        message: `Content-Length declares ${contentLength} byte(s) of body but only ${available} follow the header section (RFC 3261 §18.3, §20.14)`,
        at: 0,
      });
    }
  }

  // Message-level rules.
  const kind = start.kind;
  const method = kind === 'request' ? start.method : cseqMethod;
  const required = kind === 'request' ? REQUIRED_IN_REQUESTS : REQUIRED_IN_RESPONSES;
  for (const [key, label] of required) {
    if (key === 'via' ? !sawVia : !firstIndex.has(key)) {
      issues.push(makeIssue('sip.missing-header', kind === 'request'
        ? `the request has no ${label} header, which RFC 3261 §8.1.1 requires in every request`
        : `the response has no ${label} header, which RFC 3261 §8.2.6.2 requires in every response`, lineBase));
    }
  }
  if (kind === 'request' && cseq !== null && start.method !== null && cseq.method !== start.method) {
    addValueProblem(firstIndex.get('cseq') ?? 0, {
      code: 'sip.cseq-method-mismatch',
      message: `the CSeq method ${shown(cseq.method)} does not match the request method ${shown(start.method)} (RFC 3261 §8.1.1.5)`,
      at: 0,
    });
  }
  const fromIndex = firstIndex.get('from');
  if (from !== null && from.tag === null && fromIndex !== undefined) {
    const valueless = Object.prototype.hasOwnProperty.call(from.params, 'tag');
    addValueProblem(fromIndex, {
      code: 'sip.missing-from-tag',
      message: valueless
        ? 'the From tag parameter has no value; RFC 3261 §8.1.1.3 requires a tag that identifies the dialog'
        : 'From has no tag parameter, which RFC 3261 §8.1.1.3 requires (RFC 2543 peers omit it)',
      at: 0,
    });
  }
  if (body.length > 0 && contentType === null) {
    issues.push(makeIssue('sip.missing-content-type', `the message has a ${body.length}-byte body but no Content-Type header (RFC 3261 §20.15)`, lineBase + starts.length));
  }

  issues.sort((a, b) => a.line - b.line); // stable: same-line issues keep the order they were found in
  const lineEnding: ParsedSip['lineEnding'] = bareLfLines === 0 ? 'CRLF' : crlfLines === 0 ? 'LF' : 'mixed';
  return {
    ok: true,
    message: {
      kind,
      method,
      requestUri: start.requestUri,
      status: start.status,
      reason: start.reason,
      version: start.version,
      headers,
      callId,
      cseq,
      from,
      to,
      vias,
      contentType,
      contentLength,
      bodyOffset,
      body,
      lineEnding,
      issues,
    },
  };
}

const REQUIRED_IN_REQUESTS: Array<[string, string]> = [
  ['via', 'Via'], ['max-forwards', 'Max-Forwards'], ['from', 'From'], ['to', 'To'], ['call-id', 'Call-ID'], ['cseq', 'CSeq'],
];
const REQUIRED_IN_RESPONSES: Array<[string, string]> = [
  ['via', 'Via'], ['from', 'From'], ['to', 'To'], ['call-id', 'Call-ID'], ['cseq', 'CSeq'],
];

function countLf(bytes: Uint8Array): number {
  let count = 0;
  for (let i = bytes.indexOf(LF); i >= 0; i = bytes.indexOf(LF, i + 1)) count++;
  return count;
}

function isLineBreaksOnly(bytes: Uint8Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (bytes[i] !== CR && bytes[i] !== LF) return false;
  return true;
}
