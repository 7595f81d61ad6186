// Header-value helpers the correlation and flow code needs (runs anywhere core runs). Parsing is the SIP parser's
// own (src/core/sip: getHeader(s), splitHeaderValues, scanParameters, parseNameAddr, parseSipUri); what is added
// here is tolerance, because a trace is evidence to read, not input to reject: a value the strict grammar refuses
// still yields what can be read from it.
import type { NameAddr, SipMessage } from '../model/sipMessage';
import { getHeader, getHeaders } from '../sip/headerLookup';
import { parseNameAddr } from '../sip/nameAddr';
import { scanParameters, setParam, unquote, type Params } from '../sip/parameters';
import { parseSipUri } from '../sip/sipUri';
import { splitHeaderValues } from '../sip/splitHeaderValues';
import { parseStatusLine } from '../sip/statusLine';

/** The same parameters with quoted-string values unquoted; the object itself when none is quoted (the usual case). */
function unquoted(params: Params): Params {
  let quoted = false;
  for (const name in params) {
    const v = params[name];
    if (v !== null && v.charCodeAt(0) === 0x22) { quoted = true; break; }
  }
  if (!quoted) return params;
  const out: Params = {};
  for (const name of Object.keys(params)) {
    const v = params[name];
    setParam(out, name, v === null ? null : unquote(v));
  }
  return out;
}

/** Value of the first header with this canonical key (`call-id`, `refer-to` ...), or null. */
export function headerValue(msg: SipMessage, key: string): string | null {
  return getHeader(msg, key)?.value ?? null;
}

/** Every value of this header, comma-separated lists split (RFC 3261 §7.3.1), in order. */
export function headerValues(msg: SipMessage, key: string): string[] {
  return getHeaders(msg, key).flatMap((h) => splitHeaderValues(h.value));
}

/**
 * `;a=b;c` or `a=b;c` → { a: 'b', c: null }: names lower-cased, quoted values unquoted (RFC 3261 §25.1 generic-param).
 * Where the grammar stops (an unquoted `=` or `/` in a value, as some IMS nodes write icid-value), the text up to the
 * next `;` is kept as the value of the parameter it follows, and reading goes on after it.
 * The result is shared between callers asking for the same text: read it, do not change it.
 */
export function parseParams(text: string): Params {
  const cached = paramsCache.get(text);
  if (cached) return cached;
  const params = readParams(text);
  if (paramsCache.size >= PARAMS_CACHE_SIZE) paramsCache.clear();
  paramsCache.set(text, params);
  return params;
}

// Event, Subscription-State, P-Charging-Vector and Session-ID values repeat across a dialog's messages (read-only results).
const PARAMS_CACHE_SIZE = 4096;
const paramsCache = new Map<string, Params>();

function readParams(text: string): Params {
  const src = text.trimStart().startsWith(';') ? text : `;${text}`;
  const first = scanParameters(src, 0);
  if (first.end >= src.length) return unquoted(first.params);
  const out: Params = {};
  let i = 0;
  let r = first;
  for (;;) {
    let last: string | null = null;
    for (const name of Object.keys(r.params)) {
      const v = r.params[name];
      setParam(out, name, v === null ? null : unquote(v));
      last = name;
    }
    if (r.end >= src.length) break;
    const next = src.indexOf(';', r.end + 1);
    const stop = next < 0 ? src.length : next;
    if (r.error === null && last !== null && r.end > i) {
      const tail = src.slice(r.end, stop).trimEnd();
      if (tail) out[last] = (out[last] ?? '') + tail;
    }
    if (next < 0) break;
    i = next;
    r = scanParameters(src, i);
  }
  return out;
}

/** A header value split into its leading token and its `;` parameters (Event, Subscription-State, Session-ID, Target-Dialog ...). */
export function valueAndParams(value: string): { value: string; params: Params } {
  // The leading part of these headers (token, callid, UUID) holds no `;` and no quotes.
  const semi = value.indexOf(';');
  if (semi < 0) return { value: value.trim(), params: {} };
  return { value: value.slice(0, semi).trim(), params: parseParams(value.slice(semi)) };
}

/**
 * name-addr or addr-spec with header parameters (From, To, Contact, Refer-To, Referred-By), RFC 3261 §20.10.
 * Parameter values are unquoted. When the strict grammar refuses the value, the URI between `<` `>` is still read.
 * The result is shared between callers asking for the same text: read it, do not change it.
 */
export function parseNameAddrValue(value: string): NameAddr | null {
  const cached = nameAddrCache.get(value);
  if (cached !== undefined) return cached;
  const result = readNameAddr(value);
  if (nameAddrCache.size >= NAME_ADDR_CACHE_SIZE) nameAddrCache.clear();
  nameAddrCache.set(value, result);
  return result;
}

// Contact, Refer-To and Referred-By values repeat for every request a party sends: parsed values are kept (read-only).
const NAME_ADDR_CACHE_SIZE = 4096;
const nameAddrCache = new Map<string, NameAddr | null>();

function readNameAddr(value: string): NameAddr | null {
  const strict = parseNameAddr(value);
  if (strict) {
    const params = unquoted(strict.params);
    return params === strict.params ? strict : { display: strict.display, uri: strict.uri, tag: params['tag'] ?? null, params };
  }
  const lt = value.indexOf('<');
  const gt = lt < 0 ? -1 : value.indexOf('>', lt + 1);
  if (gt < 0) return null;
  const uri = value.slice(lt + 1, gt).trim();
  if (!uri) return null;
  const params = parseParams(value.slice(gt + 1));
  return { display: null, uri, tag: params['tag'] ?? null, params };
}

export interface UriParts {
  scheme: string;
  user: string | null;
  /** Lower-cased host (IPv6 references keep their brackets); '' for tel: and unreadable URIs. */
  host: string;
  port: number | null;
  params: Params;
  /** The `?a=b&c=d` headers (RFC 3261 §19.1.1), names and values as written, or null when there are none. */
  headers: Record<string, string> | null;
}

// A trace names the same few parties over and over: parsed URIs are kept, and the table starts afresh when full.
const URI_CACHE_SIZE = 4096;
const uriCache = new Map<string, UriParts>();

/**
 * Splits a sip:, sips: or tel: URI with the SIP parser; never throws. Other or malformed URIs give their scheme only.
 * The result is shared between callers asking for the same text: read it, do not change it.
 */
export function parseUriParts(uri: string): UriParts {
  const cached = uriCache.get(uri);
  if (cached) return cached;
  const parsed = parseSipUri(uri);
  let parts: UriParts;
  if (parsed) {
    // URI parameters hold no quoted strings (RFC 3261 §25.1 paramchar), so they are used as parsed.
    parts = {
      scheme: parsed.scheme, user: parsed.user, host: (parsed.host ?? '').toLowerCase(), port: parsed.port, params: parsed.params,
      headers: Object.keys(parsed.headers).length ? parsed.headers : null,
    };
  } else {
    const colon = uri.indexOf(':');
    parts = { scheme: colon < 0 ? '' : uri.slice(0, colon).toLowerCase(), user: null, host: '', port: null, params: {}, headers: null };
  }
  if (uriCache.size >= URI_CACHE_SIZE) uriCache.clear();
  uriCache.set(uri, parts);
  return parts;
}

/** The URI without its `?headers` part (what an INVITE triggered by REFER carries, RFC 3515 §2.4.2 / RFC 3261 §19.1.5). */
export function withoutUriHeaders(uri: string): string {
  const q = uri.indexOf('?');
  return q < 0 ? uri : uri.slice(0, q);
}

/** Address-of-record key: scheme (sips folded to sip), user, host; what identifies a party across hops. */
export function aorKey(uri: string | null | undefined): string | null {
  if (!uri) return null;
  const trimmed = uri.trim();
  const p = parseUriParts(trimmed);
  if (p.scheme === 'tel') return 'tel:' + stripVisualSeparators(p.user ?? '');
  // A URI the parser cannot read is still a name for someone: keep it whole.
  if (!p.host) return trimmed ? `${p.scheme}:${trimmed.slice(trimmed.indexOf(':') + 1)}` : null;
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
  if (!x.host || !y.host) return x.scheme === y.scheme && a.trim() === b.trim();
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
  return headerSet(x.headers) === headerSet(y.headers);
}

function headerSet(h: Record<string, string> | null): string {
  if (!h) return '';
  return Object.keys(h).map((k) => `${k.toLowerCase()}=${h[k]}`).sort().join('&');
}

/** The GRUU a party is addressed by: the `gr` parameter of this URI (RFC 5627 §3.1), or null. */
export function gruuOf(uri: string | null | undefined): string | null {
  if (!uri) return null;
  const p = parseUriParts(uri.trim());
  return 'gr' in p.params ? (p.params['gr'] ?? '') : null;
}

/** The start line of a message/sipfrag body (RFC 3420), e.g. `SIP/2.0 200 OK`, or null when the body is blank. */
export function sipfragStatusLine(body: string): string | null {
  let start = 0;
  while (start < body.length && (body[start] === '\r' || body[start] === '\n' || body[start] === ' ')) start++;
  let end = body.indexOf('\n', start);
  if (end < 0) end = body.length;
  const line = body.slice(start, end).trim();
  return line || null;
}

/** Status code of a message/sipfrag body's status line, read by the SIP parser's Status-Line reader (RFC 3261 §7.2). */
export function sipfragStatus(body: string): number | null {
  const line = sipfragStatusLine(body);
  return line ? parseStatusLine(line)?.status ?? null : null;
}

/** Originator's Contact URI, if any. */
export function contactUri(msg: SipMessage): string | null {
  const c = headerValue(msg, 'contact');
  if (!c) return null;
  const first = splitHeaderValues(c)[0];
  return first ? parseNameAddrValue(first)?.uri ?? null : null;
}
