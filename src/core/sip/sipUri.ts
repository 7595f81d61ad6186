// SIP, SIPS (RFC 3261 §19.1, §25.1) and tel (RFC 3966) URIs; other schemes are checked as absoluteURI.
import {
  findInvalidEscapedChar, isAlpha, isDigit, isHeaderNvChar, isHexDigit, isParamChar,
  isPasswordChar, isUricChar, isUserChar,
} from './charClasses';
import { checkHost } from './host';
import { setParam, type Params } from './parameters';
import { shown } from './shown';

export interface SipUri {
  scheme: 'sip' | 'sips' | 'tel';
  /** sip/sips: the user part as written (still %-escaped); tel: the telephone number. */
  user: string | null;
  password: string | null;
  /** hostname, IPv4 address or bracketed IPv6 reference as written; null for tel. */
  host: string | null;
  port: number | null;
  /** uri-parameters (tel: its parameters); names lower-cased, values as written. */
  params: Params;
  /** `?name=value&...` headers, values as written (%-escaped). */
  headers: Record<string, string>;
}

export type UriCheck =
  | {
    ok: true;
    /** Lower-cased scheme. */
    scheme: string;
    /** The parsed URI for sip/sips/tel, null for other (valid) schemes. */
    uri: SipUri | null;
    /** A tolerated irregularity worth a warning (RFC 5118 §4.10 three-colon IPv6), or null. */
    warning: string | null;
  }
  | { ok: false; error: string; /** char index in the URI text */ at: number };

/** Parses a sip:, sips: or tel: URI; null when malformed or of another scheme. */
export function parseSipUri(text: string): SipUri | null {
  const r = checkUri(text);
  return r.ok ? r.uri : null;
}

/** Validates any URI: sip/sips/tel by their own grammar, other schemes as RFC 3261 absoluteURI. Never throws. */
export function checkUri(text: string): UriCheck {
  const colon = text.indexOf(':');
  if (colon <= 0 || !isAlpha(text.charCodeAt(0))) {
    const what = text.length === 0 ? 'nothing' : shown(text[0]);
    return { ok: false, error: `a URI must start with a scheme such as "sip:" but it starts with ${what} (RFC 3261 §25.1)`, at: 0 };
  }
  for (let i = 1; i < colon; i++) {
    const c = text.charCodeAt(i);
    if (!(isAlpha(c) || isDigit(c) || c === 0x2b || c === 0x2d || c === 0x2e)) {
      return { ok: false, error: `a URI must start with a scheme such as "sip:" but ${shown(text[i])} appears before the first ":" (RFC 3261 §25.1)`, at: i };
    }
  }
  const scheme = text.slice(0, colon).toLowerCase();
  if (scheme === 'sip' || scheme === 'sips') return parseSipBody(text, scheme, colon + 1);
  if (scheme === 'tel') return parseTelBody(text, colon + 1);
  if (colon + 1 >= text.length) return { ok: false, error: `the ${scheme}: URI has nothing after the scheme (RFC 3261 §25.1)`, at: colon + 1 };
  const bad = findInvalidEscapedChar(text, colon + 1, text.length, isUricChar);
  if (bad >= 0) return { ok: false, error: `${describeChar(text, bad)} is not allowed in a URI (RFC 3261 §25.1 absoluteURI)`, at: bad };
  return { ok: true, scheme, uri: null, warning: null };
}

function parseSipBody(text: string, scheme: 'sip' | 'sips', start: number): UriCheck {
  const end = text.length;
  const uri: SipUri = { scheme, user: null, password: null, host: null, port: null, params: {}, headers: {} };
  // user-unreserved has no "@", nor do hostport, uri-parameters or headers: the first "@" ends userinfo.
  const at = text.indexOf('@', start);
  let i = start;
  if (at >= 0) {
    const pw = text.indexOf(':', start);
    const userEnd = pw >= 0 && pw < at ? pw : at;
    if (userEnd === start) return { ok: false, error: `the ${scheme}: URI has an "@" but no user before it (RFC 3261 §25.1)`, at: start };
    const badUser = findInvalidEscapedChar(text, start, userEnd, isUserChar);
    if (badUser >= 0) return { ok: false, error: `${describeChar(text, badUser)} is not allowed in the user part of a ${scheme}: URI (RFC 3261 §25.1)`, at: badUser };
    uri.user = text.slice(start, userEnd);
    if (userEnd < at) {
      const badPw = findInvalidEscapedChar(text, userEnd + 1, at, isPasswordChar);
      if (badPw >= 0) return { ok: false, error: `${describeChar(text, badPw)} is not allowed in the password of a ${scheme}: URI (RFC 3261 §25.1)`, at: badPw };
      uri.password = text.slice(userEnd + 1, at);
    }
    i = at + 1;
  }
  // hostport
  let hostEnd: number;
  if (i < end && text.charCodeAt(i) === 0x5b) {
    const close = text.indexOf(']', i);
    if (close < 0) return { ok: false, error: 'the IPv6 reference has no closing "]" (RFC 3261 §25.1)', at: i };
    hostEnd = close + 1;
  } else {
    hostEnd = i;
    let colons = 0;
    for (let k = i; k < end && text.charCodeAt(k) !== 0x3b && text.charCodeAt(k) !== 0x3f; k++) {
      if (text.charCodeAt(k) === 0x3a) colons++;
    }
    if (colons > 1) {
      return { ok: false, error: `the host ${shown(text.slice(i, Math.min(end, i + 48)))} looks like an IPv6 address without the "[" "]" an IPv6 reference needs (RFC 3261 §25.1; RFC 5118 §4.2)`, at: i };
    }
    while (hostEnd < end) {
      const c = text.charCodeAt(hostEnd);
      if (c === 0x3a || c === 0x3b || c === 0x3f) break;
      hostEnd++;
    }
  }
  const host = text.slice(i, hostEnd);
  const hc = checkHost(host);
  if (!hc.ok) return { ok: false, error: hc.error, at: i };
  uri.host = host;
  const warning = hc.abnfBug
    ? `IPv6 reference ${host} uses the three-colon form that RFC 3261's ABNF allowed by mistake; RFC 5954 corrected it and RFC 5118 §4.10 asks receivers to tolerate it`
    : null;
  i = hostEnd;
  if (i < end && text.charCodeAt(i) === 0x3a) {
    let p = i + 1;
    while (p < end && isDigit(text.charCodeAt(p))) p++;
    if (p === i + 1 || (p < end && text.charCodeAt(p) !== 0x3b && text.charCodeAt(p) !== 0x3f)) {
      return { ok: false, error: `the port after "${host}:" must be digits but the URI shows ${shown(text.slice(i + 1, Math.min(end, i + 20)))} (RFC 3261 §25.1)`, at: i + 1 };
    }
    const port = Number(text.slice(i + 1, p));
    if (port > 65535) return { ok: false, error: `port ${port} is above 65535 (RFC 3261 §25.1)`, at: i + 1 };
    uri.port = port;
    i = p;
  }
  // uri-parameters
  while (i < end && text.charCodeAt(i) === 0x3b) {
    const nameStart = i + 1;
    let nameEnd = nameStart;
    while (nameEnd < end && text.charCodeAt(nameEnd) !== 0x3d && text.charCodeAt(nameEnd) !== 0x3b && text.charCodeAt(nameEnd) !== 0x3f) nameEnd++;
    if (nameEnd === nameStart) return { ok: false, error: 'an empty URI parameter (";;" or a trailing ";") is not allowed (RFC 3261 §25.1 uri-parameter)', at: nameStart };
    const badName = findInvalidEscapedChar(text, nameStart, nameEnd, isParamChar);
    if (badName >= 0) return { ok: false, error: `${describeChar(text, badName)} is not allowed in a URI parameter (RFC 3261 §25.1)`, at: badName };
    const name = text.slice(nameStart, nameEnd);
    let value: string | null = null;
    i = nameEnd;
    if (i < end && text.charCodeAt(i) === 0x3d) {
      let v = i + 1;
      while (v < end && text.charCodeAt(v) !== 0x3b && text.charCodeAt(v) !== 0x3f) v++;
      if (v === i + 1) return { ok: false, error: `URI parameter ${shown(name)} has "=" but no value (RFC 3261 §25.1)`, at: i };
      const badValue = findInvalidEscapedChar(text, i + 1, v, isParamChar);
      if (badValue >= 0) return { ok: false, error: `${describeChar(text, badValue)} is not allowed in a URI parameter value (RFC 3261 §25.1)`, at: badValue };
      value = text.slice(i + 1, v);
      i = v;
    }
    setParam(uri.params, name.toLowerCase(), value);
  }
  // headers
  if (i < end && text.charCodeAt(i) === 0x3f) {
    let h = i + 1;
    for (;;) {
      let amp = text.indexOf('&', h);
      if (amp < 0) amp = end;
      const eq = text.indexOf('=', h);
      if (eq < 0 || eq >= amp || eq === h) return { ok: false, error: 'each URI header must be "name=value" (RFC 3261 §19.1.1)', at: h };
      const badName = findInvalidEscapedChar(text, h, eq, isHeaderNvChar);
      const badValue = badName >= 0 ? badName : findInvalidEscapedChar(text, eq + 1, amp, isHeaderNvChar);
      if (badValue >= 0) return { ok: false, error: `${describeChar(text, badValue)} is not allowed in a URI header (RFC 3261 §25.1)`, at: badValue };
      uri.headers[text.slice(h, eq)] = text.slice(eq + 1, amp);
      if (amp >= end) break;
      h = amp + 1;
    }
    i = end;
  }
  if (i < end) return { ok: false, error: `${describeChar(text, i)} cannot appear there in a ${scheme}: URI (RFC 3261 §25.1)`, at: i };
  return { ok: true, scheme, uri, warning };
}

// telephone-subscriber (RFC 3966 §3): digits, hex digits, "*", "#", "+" and visual separators, then ";par".
const isTelNumberChar = (c: number): boolean =>
  isHexDigit(c) || c === 0x2a || c === 0x23 || c === 0x2b || c === 0x2d || c === 0x2e || c === 0x28 || c === 0x29;

function parseTelBody(text: string, start: number): UriCheck {
  const end = text.length;
  let i = start;
  while (i < end && isTelNumberChar(text.charCodeAt(i))) i++;
  if (i === start) return { ok: false, error: 'the tel: URI has no telephone number (RFC 3966 §3)', at: start };
  const uri: SipUri = { scheme: 'tel', user: text.slice(start, i), password: null, host: null, port: null, params: {}, headers: {} };
  while (i < end && text.charCodeAt(i) === 0x3b) {
    let k = i + 1;
    while (k < end && text.charCodeAt(k) !== 0x3b) k++;
    const eq = text.indexOf('=', i + 1);
    const nameEnd = eq >= 0 && eq < k ? eq : k;
    if (nameEnd === i + 1) return { ok: false, error: 'an empty tel: URI parameter is not allowed (RFC 3966 §3)', at: i + 1 };
    const bad = findInvalidEscapedChar(text, i + 1, k, (c) => isParamChar(c) || c === 0x3d);
    if (bad >= 0) return { ok: false, error: `${describeChar(text, bad)} is not allowed in a tel: URI parameter (RFC 3966 §3)`, at: bad };
    setParam(uri.params, text.slice(i + 1, nameEnd).toLowerCase(), nameEnd < k ? text.slice(nameEnd + 1, k) : null);
    i = k;
  }
  if (i < end) return { ok: false, error: `${describeChar(text, i)} cannot appear there in a tel: URI (RFC 3966 §3)`, at: i };
  return { ok: true, scheme: 'tel', uri, warning: null };
}

function describeChar(text: string, i: number): string {
  const c = text.charCodeAt(i);
  if (c === 0x20) return 'a space';
  if (c === 0x09) return 'a tab';
  if (c < 0x20 || c === 0x7f) return `control char 0x${c.toString(16).padStart(2, '0')}`;
  if (c === 0x25) return `${shown(text.slice(i, i + 3))} (not a %HEXHEX escape)`;
  return `${shown(text[i])}`;
}
