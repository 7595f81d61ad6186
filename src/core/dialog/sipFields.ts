// Header-value helpers the correlation and flow code needs (runs anywhere core runs).
// Header lookup goes through the parser's own getHeader/getHeaders; the value helpers below predate
// src/core/sip's parsers and are still to be swapped for them.
// Everything is a linear scan: no regexes that could backtrack on hostile input.
import type { NameAddr, SipMessage } from '../model/sipMessage';
import { getHeader, getHeaders } from '../sip/headerLookup';

/** Value of the first header with this canonical key (`call-id`, `refer-to` ...), or null. */
export function headerValue(msg: SipMessage, key: string): string | null {
  return getHeader(msg, key)?.value ?? null;
}

/** Every value of this header, comma-separated lists split (RFC 3261 §7.3.1), in order. */
export function headerValues(msg: SipMessage, key: string): string[] {
  return getHeaders(msg, key).flatMap((h) => splitTopLevel(h.value, ','));
}

/** Splits on `sep` outside double quotes and angle brackets; parts trimmed, empty parts dropped. */
export function splitTopLevel(value: string, sep: string): string[] {
  const out: string[] = [];
  let start = 0;
  let inQuote = false;
  let inAngle = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (inQuote) {
      if (c === '\\') i++;
      else if (c === '"') inQuote = false;
    } else if (c === '"') inQuote = true;
    else if (c === '<') inAngle = true;
    else if (c === '>') inAngle = false;
    else if (c === sep && !inAngle) {
      const part = value.slice(start, i).trim();
      if (part) out.push(part);
      start = i + 1;
    }
  }
  const last = value.slice(start).trim();
  if (last) out.push(last);
  return out;
}

/** `a=b;c` → { a: 'b', c: null }, names lower-cased, values unquoted. */
export function parseParams(text: string): Record<string, string | null> {
  const params: Record<string, string | null> = {};
  for (const part of splitTopLevel(text, ';')) {
    const eq = part.indexOf('=');
    const name = (eq < 0 ? part : part.slice(0, eq)).trim().toLowerCase();
    if (!name) continue;
    let v = eq < 0 ? null : part.slice(eq + 1).trim();
    if (v !== null && v.length >= 2 && v[0] === '"' && v[v.length - 1] === '"') v = v.slice(1, -1);
    params[name] = v;
  }
  return params;
}

/** A header value split into its leading token and its `;` parameters (Event, Subscription-State, Session-ID ...). */
export function valueAndParams(value: string): { value: string; params: Record<string, string | null> } {
  const parts = splitTopLevel(value, ';');
  const first = parts.length ? parts[0] : '';
  return { value: first, params: parseParams(parts.slice(1).join(';')) };
}

/**
 * name-addr or addr-spec with header parameters (From, To, Contact, Refer-To, Referred-By).
 * RFC 3261 §20.10: without angle brackets, every `;` parameter belongs to the header, not the URI.
 */
export function parseNameAddrValue(value: string): NameAddr | null {
  const v = value.trim();
  if (!v) return null;
  let display: string | null = null;
  let uri: string;
  let rest: string;
  const lt = indexOutsideQuotes(v, '<');
  if (lt >= 0) {
    const gt = v.indexOf('>', lt + 1);
    if (gt < 0) return null;
    const d = v.slice(0, lt).trim();
    display = d ? (d.length >= 2 && d[0] === '"' && d[d.length - 1] === '"' ? d.slice(1, -1) : d) : null;
    uri = v.slice(lt + 1, gt).trim();
    rest = v.slice(gt + 1);
  } else {
    const semi = v.indexOf(';');
    uri = (semi < 0 ? v : v.slice(0, semi)).trim();
    rest = semi < 0 ? '' : v.slice(semi);
  }
  const params = parseParams(rest);
  return { display, uri, tag: params['tag'] ?? null, params };
}

function indexOutsideQuotes(v: string, ch: string): number {
  let inQuote = false;
  for (let i = 0; i < v.length; i++) {
    const c = v[i];
    if (inQuote) {
      if (c === '\\') i++;
      else if (c === '"') inQuote = false;
    } else if (c === '"') inQuote = true;
    else if (c === ch) return i;
  }
  return -1;
}

export interface UriParts {
  scheme: string;
  user: string | null;
  host: string;
  port: number | null;
  params: Record<string, string | null>;
  /** The `?a=b&c=d` part without the `?`, or null. */
  headers: string | null;
}

/** Splits a sip:, sips:, tel: (or other) URI; tolerant: never throws, unknown shapes keep everything in host. */
export function parseUriParts(uri: string): UriParts {
  const colon = uri.indexOf(':');
  const scheme = colon < 0 ? '' : uri.slice(0, colon).toLowerCase();
  let rest = colon < 0 ? uri : uri.slice(colon + 1);
  let headers: string | null = null;
  const q = rest.indexOf('?');
  if (q >= 0) {
    headers = rest.slice(q + 1);
    rest = rest.slice(0, q);
  }
  if (scheme === 'tel') {
    const semi = rest.indexOf(';');
    return { scheme, user: semi < 0 ? rest : rest.slice(0, semi), host: '', port: null, params: semi < 0 ? {} : parseParams(rest.slice(semi + 1)), headers };
  }
  let user: string | null = null;
  const at = rest.lastIndexOf('@');
  if (at >= 0) {
    user = rest.slice(0, at);
    rest = rest.slice(at + 1);
  }
  let hostPort = rest;
  let params: Record<string, string | null> = {};
  const semi = rest.indexOf(';', rest.startsWith('[') ? Math.max(0, rest.indexOf(']')) : 0);
  if (semi >= 0) {
    hostPort = rest.slice(0, semi);
    params = parseParams(rest.slice(semi + 1));
  }
  let host = hostPort;
  let port: number | null = null;
  if (hostPort.startsWith('[')) {
    const close = hostPort.indexOf(']');
    host = close < 0 ? hostPort : hostPort.slice(0, close + 1);
    const after = close < 0 ? '' : hostPort.slice(close + 1);
    if (after.startsWith(':')) port = toPort(after.slice(1));
  } else {
    const c = hostPort.lastIndexOf(':');
    if (c >= 0) {
      port = toPort(hostPort.slice(c + 1));
      host = hostPort.slice(0, c);
    }
  }
  return { scheme, user, host: host.toLowerCase(), port, params, headers };
}

function toPort(s: string): number | null {
  if (!s || s.length > 5) return null;
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return null;
    n = n * 10 + d;
  }
  return n;
}

/** The URI without its `?headers` part (what an INVITE triggered by REFER carries, RFC 3515 §2.4.2 / RFC 3261 §19.1.5). */
export function withoutUriHeaders(uri: string): string {
  const q = uri.indexOf('?');
  return q < 0 ? uri : uri.slice(0, q);
}

/** Address-of-record key: scheme (sips folded to sip), user, host; what identifies a party across hops. */
export function aorKey(uri: string | null | undefined): string | null {
  if (!uri) return null;
  const p = parseUriParts(uri.trim());
  if (p.scheme === 'tel') return 'tel:' + stripVisualSeparators(p.user ?? '');
  const scheme = p.scheme === 'sips' ? 'sip' : p.scheme;
  return p.user !== null ? `${scheme}:${p.user}@${p.host}` : `${scheme}:${p.host}`;
}

// RFC 3966 §5.1.1: visual separators do not change the number.
function stripVisualSeparators(n: string): string {
  let out = '';
  for (const c of n) if (c !== '-' && c !== '.' && c !== '(' && c !== ')') out += c;
  return out;
}

/**
 * URI equality in the spirit of RFC 3261 §19.1.4: scheme, user (case-sensitive), host (case-insensitive), port;
 * user/ttl/method/maddr/transport must agree when either side has them; other parameters only when both have them;
 * header components must be equal as sets.
 */
export function sameUri(a: string | null, b: string | null): boolean {
  if (a === null || b === null) return false;
  const x = parseUriParts(a.trim());
  const y = parseUriParts(b.trim());
  if (x.scheme !== y.scheme || x.user !== y.user || x.host !== y.host || x.port !== y.port) return false;
  for (const name of ['user', 'ttl', 'method', 'maddr', 'transport']) {
    const xv = x.params[name];
    const yv = y.params[name];
    if ((xv === undefined) !== (yv === undefined)) return false;
    if (xv !== undefined && (xv ?? '').toLowerCase() !== (yv ?? '').toLowerCase()) return false;
  }
  for (const name of Object.keys(x.params)) {
    if (name in y.params && (x.params[name] ?? '').toLowerCase() !== (y.params[name] ?? '').toLowerCase()) return false;
  }
  const hx = (x.headers ?? '').split('&').filter(Boolean).sort().join('&');
  const hy = (y.headers ?? '').split('&').filter(Boolean).sort().join('&');
  return hx === hy;
}

/** The GRUU a party is addressed by: the `gr` parameter of this URI (RFC 5627 §3.1), or null. */
export function gruuOf(uri: string | null | undefined): string | null {
  if (!uri) return null;
  const p = parseUriParts(uri.trim());
  return 'gr' in p.params ? (p.params['gr'] ?? '') : null;
}

/** Status code of a message/sipfrag body's start line (RFC 3420), e.g. `SIP/2.0 200 OK` → 200. */
export function sipfragStatusLine(body: string): string | null {
  let start = 0;
  while (start < body.length && (body[start] === '\r' || body[start] === '\n' || body[start] === ' ')) start++;
  let end = body.indexOf('\n', start);
  if (end < 0) end = body.length;
  const line = body.slice(start, end).trim();
  return line || null;
}

export function sipfragStatus(body: string): number | null {
  const line = sipfragStatusLine(body);
  if (!line || !line.toUpperCase().startsWith('SIP/')) return null;
  const parts = line.split(' ').filter(Boolean);
  const code = parts.length > 1 ? Number(parts[1]) : NaN;
  return Number.isInteger(code) && code >= 100 && code <= 699 ? code : null;
}

/** Originator's Contact URI, if any. */
export function contactUri(msg: SipMessage): string | null {
  const c = headerValue(msg, 'contact');
  if (!c) return null;
  const first = splitTopLevel(c, ',')[0];
  return first ? parseNameAddrValue(first)?.uri ?? null : null;
}
