// Flow-file expressions: a dotted path read from one message, e.g. `requestUri`, `header('Event').param('id')`,
// `refer.header('Refer-To').uri.withoutHeaders`. A first segment naming a step reads that step's message.
// Parsed once, by a hand-written scanner (no regexes), so a bad expression becomes a positioned finding.
import type { SipMessage } from '../model/sipMessage';
import { aorKey, gruuOf, headerValue, parseNameAddrValue, parseUriParts, sipfragStatus, sipfragStatusLine, valueAndParams, withoutUriHeaders } from '../dialog/sipFields';
import { decodeUtf8 } from '../util/bytes';

export interface Segment {
  name: string;
  arg: string | null;
}

export interface ParsedExpression {
  text: string;
  /** Step id the expression reads from, or null for the message being matched. */
  step: string | null;
  /** Role id for `role('UE-1')...` expressions. */
  role: string | null;
  segments: Segment[];
}

/** Accessors that read a message; any other first segment must be a step id or `role(...)`. */
export const MESSAGE_ACCESSORS = new Set([
  'method', 'status', 'requestUri', 'callId', 'cseq', 'from', 'to', 'contact', 'header', 'body', 'sipfrag', 'sipfragStatus', 'finalStatus',
]);
const TRANSFORMS = new Set(['uri', 'withoutHeaders', 'aor', 'user', 'host', 'tag', 'param', 'value', 'gruu', 'status']);
const WITH_ARG = new Set(['header', 'param', 'role']);
const NAME_ADDR_HEADERS = new Set(['from', 'to', 'contact', 'refer-to', 'referred-by', 'route', 'record-route', 'p-asserted-identity', 'p-preferred-identity', 'reply-to']);

export type ExpressionResult = { ok: true; expr: ParsedExpression } | { ok: false; error: string; column: number };

export function parseExpression(text: string, stepIds: ReadonlySet<string>): ExpressionResult {
  const segments: Segment[] = [];
  let i = 0;
  const n = text.length;
  const isStart = (c: string): boolean => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  const isName = (c: string): boolean => isStart(c) || (c >= '0' && c <= '9') || c === '_' || c === '-';
  while (i < n) {
    const start = i;
    if (!isStart(text[i])) return { ok: false, error: `expected a name at "${text.slice(i, i + 10)}"`, column: i };
    while (i < n && isName(text[i])) i++;
    const name = text.slice(start, i);
    let arg: string | null = null;
    if (i < n && text[i] === '(') {
      i++;
      const quote = text[i];
      if (quote !== "'" && quote !== '"') return { ok: false, error: `expected a quoted argument after ${name}(`, column: i };
      const close = text.indexOf(quote, i + 1);
      if (close < 0) return { ok: false, error: 'unterminated quoted argument', column: i };
      arg = text.slice(i + 1, close);
      i = close + 1;
      if (text[i] !== ')') return { ok: false, error: `expected ")" after the argument of ${name}`, column: i };
      i++;
    }
    segments.push({ name, arg });
    if (i < n) {
      if (text[i] !== '.') return { ok: false, error: `expected "." at "${text.slice(i, i + 10)}"`, column: i };
      i++;
      if (i >= n) return { ok: false, error: 'expression ends with "."', column: i };
    }
  }
  if (!segments.length) return { ok: false, error: 'empty expression', column: 0 };
  let step: string | null = null;
  let role: string | null = null;
  let rest = segments;
  if (segments[0].name === 'role' && segments[0].arg !== null) {
    role = segments[0].arg;
    rest = segments.slice(1);
  } else if (!MESSAGE_ACCESSORS.has(segments[0].name)) {
    if (!stepIds.has(segments[0].name)) return { ok: false, error: `"${segments[0].name}" is neither a step id nor one of ${[...MESSAGE_ACCESSORS].join(', ')}`, column: 0 };
    step = segments[0].name;
    rest = segments.slice(1);
    if (!rest.length) return { ok: false, error: `step reference "${step}" needs an accessor, e.g. ${step}.requestUri`, column: text.length };
  }
  for (let k = 0; k < rest.length; k++) {
    const s = rest[k];
    const allowed = k === 0 && role === null ? MESSAGE_ACCESSORS : TRANSFORMS;
    if (!allowed.has(s.name)) return { ok: false, error: `unknown accessor "${s.name}" (expected one of ${[...allowed].join(', ')})`, column: text.indexOf(s.name) };
    if (WITH_ARG.has(s.name) !== (s.arg !== null)) {
      return { ok: false, error: WITH_ARG.has(s.name) ? `${s.name} needs a quoted argument` : `${s.name} takes no argument`, column: text.indexOf(s.name) };
    }
  }
  return { ok: true, expr: { text, step, role, segments: rest } };
}

/** A value with what it is, so `.uri` knows whether to read a name-addr. */
interface Value {
  text: string;
  kind: 'nameaddr' | 'uri' | 'text';
}

export interface ExpressionScope {
  /** Message of a step (null step = the message being matched); null when that step matched nothing. */
  message(step: string | null): SipMessage | null;
  /** Final status of the transaction of a step's request. */
  finalStatus(step: string | null): number | null;
  /** URI bound to a role. */
  role(id: string): string | null;
}

/** Evaluates to a string, or null when the value is absent (missing header, unmatched step ...). */
export function evaluate(expr: ParsedExpression, scope: ExpressionScope): string | null {
  let v: Value | null;
  let rest = expr.segments;
  if (expr.role !== null) {
    const uri = scope.role(expr.role);
    v = uri === null ? null : { text: uri, kind: 'uri' };
  } else {
    const msg = scope.message(expr.step);
    if (!msg) return null;
    v = readMessage(msg, rest[0], () => scope.finalStatus(expr.step));
    rest = rest.slice(1);
  }
  for (const s of rest) {
    if (v === null) return null;
    v = transform(v, s);
  }
  return v === null ? null : v.text;
}

function readMessage(msg: SipMessage, s: Segment, finalStatus: () => number | null): Value | null {
  switch (s.name) {
    case 'method': return msg.method === null ? null : { text: msg.method, kind: 'text' };
    case 'status': return msg.status === null ? null : { text: String(msg.status), kind: 'text' };
    case 'requestUri': return msg.requestUri === null ? null : { text: msg.requestUri, kind: 'uri' };
    case 'callId': return msg.callId === null ? null : { text: msg.callId, kind: 'text' };
    case 'cseq': return msg.cseq === null ? null : { text: String(msg.cseq.seq), kind: 'text' };
    case 'from':
    case 'to':
    case 'contact': {
      const h = headerValue(msg, s.name);
      return h === null ? null : { text: h, kind: 'nameaddr' };
    }
    case 'header': {
      const key = (s.arg ?? '').toLowerCase();
      const h = headerValue(msg, key);
      return h === null ? null : { text: h, kind: NAME_ADDR_HEADERS.has(key) ? 'nameaddr' : 'text' };
    }
    case 'body': return msg.body.length ? { text: decodeUtf8(msg.body), kind: 'text' } : null;
    case 'sipfrag': {
      const line = msg.body.length ? sipfragStatusLine(decodeUtf8(msg.body)) : null;
      return line === null ? null : { text: line, kind: 'text' };
    }
    case 'sipfragStatus': {
      const st = msg.body.length ? sipfragStatus(decodeUtf8(msg.body)) : null;
      return st === null ? null : { text: String(st), kind: 'text' };
    }
    case 'finalStatus': {
      const st = finalStatus();
      return st === null ? null : { text: String(st), kind: 'text' };
    }
  }
  return null;
}

function uriOf(v: Value): string | null {
  if (v.kind === 'uri') return v.text;
  if (v.kind === 'nameaddr') return parseNameAddrValue(v.text)?.uri ?? null;
  return v.text.trim() || null;
}

function transform(v: Value, s: Segment): Value | null {
  switch (s.name) {
    case 'uri': {
      const u = uriOf(v);
      return u === null ? null : { text: u, kind: 'uri' };
    }
    case 'withoutHeaders': {
      const u = uriOf(v);
      return u === null ? null : { text: withoutUriHeaders(u), kind: 'uri' };
    }
    case 'aor': {
      const a = aorKey(uriOf(v));
      return a === null ? null : { text: a, kind: 'uri' };
    }
    case 'user': {
      const u = uriOf(v);
      const user = u ? parseUriParts(u).user : null;
      return user === null ? null : { text: user, kind: 'text' };
    }
    case 'host': {
      const u = uriOf(v);
      return u ? { text: parseUriParts(u).host, kind: 'text' } : null;
    }
    case 'gruu': {
      const g = gruuOf(uriOf(v));
      return g === null ? null : { text: g, kind: 'text' };
    }
    case 'tag': {
      if (v.kind !== 'nameaddr') return null;
      const tag = parseNameAddrValue(v.text)?.tag ?? null;
      return tag === null ? null : { text: tag, kind: 'text' };
    }
    case 'param': {
      const name = (s.arg ?? '').toLowerCase();
      let p: string | null | undefined;
      if (v.kind === 'uri') p = parseUriParts(v.text).params[name];
      else if (v.kind === 'nameaddr') p = parseNameAddrValue(v.text)?.params[name];
      else p = valueAndParams(v.text).params[name];
      return p === undefined ? null : { text: p ?? '', kind: 'text' };
    }
    case 'value': {
      if (v.kind !== 'text') return v;
      return { text: valueAndParams(v.text).value, kind: 'text' };
    }
    case 'status': {
      const st = sipfragStatus(v.text);
      return st === null ? null : { text: String(st), kind: 'text' };
    }
  }
  return null;
}
