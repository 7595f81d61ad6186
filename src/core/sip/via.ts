// Via header values (RFC 3261 §20.42, §25.1): sent-protocol, sent-by and via-params, comma-separated.
import type { Via } from '../model/sipMessage';
import { isDigit, isTokenChar, isWsp, skipWsp } from './charClasses';
import { checkHost } from './host';
import { MAX_PROBLEMS_PER_VALUE, type ValueProblem } from './issueCodes';
import { scanParameters } from './parameters';
import { splitHeaderValues } from './splitHeaderValues';
import { shown } from './shown';

/** RFC 3261 §8.1.1.7: branch IDs of RFC 3261 transactions begin with this cookie. */
export const BRANCH_MAGIC_COOKIE = 'z9hG4bK';

export interface ViaCheck {
  /** The well-formed via-parms, in order. */
  vias: Via[];
  problems: ValueProblem[];
}

/** Parses a Via header value (one or more comma-separated via-parms); malformed elements are left out. */
export function parseVia(value: string): Via[] {
  return checkVia(value).vias;
}

/** Parses a Via header value and reports malformed elements, RFC 2543 comments and branches without the cookie. */
export function checkVia(value: string): ViaCheck {
  const out: ViaCheck = { vias: [], problems: [] };
  const elements = splitHeaderValues(value, true);
  let offset = 0;
  // Empty elements are reported once, with their count, where the first one is.
  let empties = 0;
  let firstEmpty = 0;
  let emptyRank = 0;
  for (const element of elements) {
    const at = value.indexOf(element, offset);
    const base = at < 0 ? offset : at;
    offset = base + element.length;
    if (element.length === 0) {
      if (empties++ === 0) { firstEmpty = base; emptyRank = out.problems.length; }
      continue;
    }
    parseViaParm(element, base, out);
    if (out.problems.length > MAX_PROBLEMS_PER_VALUE) out.problems.length = MAX_PROBLEMS_PER_VALUE + 1; // the rest only counted by the caller
  }
  if (empties > 0) {
    const what = empties === 1 ? 'an empty element' : `${empties} empty elements`;
    out.problems.splice(emptyRank, 0, { code: 'sip.malformed-header', message: `the Via value has ${what} between commas (RFC 3261 §25.1 Via = 1#via-parm)`, at: firstEmpty });
  }
  return out;
}

function parseViaParm(s: string, base: number, out: ViaCheck): void {
  const end = s.length;
  const bad = (message: string, at: number): void => {
    out.problems.push({ code: 'sip.malformed-header', message, at: base + at });
  };
  // sent-protocol = protocol-name SLASH protocol-version SLASH transport, SLASH = SWS "/" SWS
  const parts: string[] = [];
  let i = 0;
  for (let n = 0; n < 3; n++) {
    if (n > 0) {
      i = skipWsp(s, i, end);
      if (s.charCodeAt(i) !== 0x2f) return bad(`the sent-protocol ${shown(s.slice(0, Math.min(end, 24)))} must be name/version/transport such as SIP/2.0/UDP (RFC 3261 §25.1 sent-protocol)`, i);
      i = skipWsp(s, i + 1, end);
    }
    const t = i;
    while (i < end && isTokenChar(s.charCodeAt(i))) i++;
    if (i === t) return bad(`the sent-protocol ${shown(s.slice(0, Math.min(end, 24)))} must be name/version/transport such as SIP/2.0/UDP (RFC 3261 §25.1 sent-protocol)`, t);
    parts.push(s.slice(t, i));
  }
  if (i >= end || !isWsp(s.charCodeAt(i))) return bad('a space must separate the sent-protocol from the sent-by host (RFC 3261 §25.1 via-parm)', i);
  i = skipWsp(s, i, end);
  // sent-by = host [ COLON port ]
  const hostStart = i;
  if (s.charCodeAt(i) === 0x5b) {
    const close = s.indexOf(']', i);
    i = close < 0 ? end : close + 1;
  } else {
    let colons = 0;
    for (let k = i; k < end && s.charCodeAt(k) !== 0x3b && s.charCodeAt(k) !== 0x28 && !isWsp(s.charCodeAt(k)); k++) {
      if (s.charCodeAt(k) === 0x3a) colons++;
    }
    if (colons > 1) return bad('the sent-by looks like an IPv6 address without the "[" "]" an IPv6 reference needs (RFC 5118 §4.2)', hostStart);
    while (i < end) {
      const c = s.charCodeAt(i);
      if (c === 0x3a || c === 0x3b || c === 0x28 || isWsp(c)) break;
      i++;
    }
  }
  const host = s.slice(hostStart, i);
  const hc = checkHost(host);
  if (!hc.ok) return bad(`the sent-by ${hc.error}`, hostStart);
  if (hc.abnfBug) {
    out.problems.push({ code: 'sip.ipv6-three-colon', message: `Via sent-by ${host} uses the three-colon IPv6 form that RFC 3261's ABNF allowed by mistake (RFC 5954 corrected it; RFC 5118 §4.10 asks receivers to tolerate it)`, at: base + hostStart });
  }
  let sentBy = host;
  let j = skipWsp(s, i, end);
  if (s.charCodeAt(j) === 0x3a) {
    const p = skipWsp(s, j + 1, end);
    let q = p;
    while (q < end && isDigit(s.charCodeAt(q))) q++;
    if (q === p || q - p > 5 || Number(s.slice(p, q)) > 65535) return bad(`the sent-by port after "${host}:" must be a number up to 65535 (RFC 3261 §25.1 sent-by)`, p);
    sentBy = `${host}:${s.slice(p, q)}`;
    i = q;
  }
  const scan = scanParameters(s, i, end);
  if (scan.error !== null) return bad(`${scan.error} (RFC 3261 §25.1 via-params)`, scan.errorAt);
  j = scan.end;
  if (j < end && s.charCodeAt(j) === 0x28) {
    // RFC 2543 §6.40 allowed a trailing comment; RFC 3261 dropped it.
    const close = s.lastIndexOf(')');
    if (close < j || skipWsp(s, close + 1, end) < end) return bad('the Via comment "(" has no closing ")" (RFC 2543 §6.40)', j);
    out.problems.push({ code: 'sip.via-comment', message: `the Via value ends with the comment ${shown(s.slice(j, close + 1))}, which RFC 2543 allowed but RFC 3261 §25.1 does not`, at: base + j });
    j = end;
  }
  if (j < end) return bad(`${shown(s.slice(j, Math.min(end, j + 20)))} follows the Via where only ";" parameters may (RFC 3261 §25.1 via-parm)`, j);
  const transport = parts[2].toUpperCase();
  const branch = scan.params.branch ?? null;
  out.vias.push({
    protocol: `${parts[0]}/${parts[1]}/${parts[2]}`.toUpperCase(),
    transport,
    sentBy,
    branch,
    params: scan.params,
  });
  if (branch === null) {
    out.problems.push({ code: 'sip.via-branch-no-cookie', message: `Via ${shown(sentBy)} has no branch parameter, so the transaction cannot be matched by branch (RFC 3261 §8.1.1.7 requires one starting with ${shown(BRANCH_MAGIC_COOKIE)})`, at: base });
  } else if (!branch.startsWith(BRANCH_MAGIC_COOKIE)) {
    out.problems.push({ code: 'sip.via-branch-no-cookie', message: `Via ${shown(sentBy)} branch ${shown(branch)} does not start with the magic cookie ${shown(BRANCH_MAGIC_COOKIE)} (RFC 3261 §8.1.1.7), so it is an RFC 2543-style branch`, at: base });
  } else if (branch.length === BRANCH_MAGIC_COOKIE.length) {
    out.problems.push({ code: 'sip.via-branch-no-cookie', message: `Via ${shown(sentBy)} branch is only the magic cookie ${shown(BRANCH_MAGIC_COOKIE)} with no unique part after it, so it does not identify a transaction (RFC 3261 §8.1.1.7; RFC 4475 §3.2.1)`, at: base });
  }
}
