// name-addr / addr-spec with header parameters: the value of From, To, Contact, Route, Refer-To... (RFC 3261 §20.10, §25.1).
import type { NameAddr } from '../model/sipMessage';
import { isTokenChar, isWsp, skipWsp, trimWspEnd } from './charClasses';
import { scanParameters, scanQuotedString, unquote } from './parameters';
import { checkUri } from './sipUri';
import { shown } from './shown';

export type NameAddrCheck =
  | { ok: true; value: NameAddr; /** tolerated URI irregularity (RFC 5118 §4.10), or null */ warning: string | null }
  | {
    ok: false;
    /** 'uri' when the address itself is malformed, 'header' when the structure around it is. */
    kind: 'header' | 'uri';
    error: string;
    /** char index in the text where the problem is */
    at: number;
  };

/** Parses one name-addr or addr-spec with its parameters; null when malformed. */
export function parseNameAddr(text: string): NameAddr | null {
  const r = checkNameAddr(text);
  return r.ok ? r.value : null;
}

/** Parses one name-addr or addr-spec with its parameters, saying what is wrong when it is malformed. Never throws. */
export function checkNameAddr(text: string): NameAddrCheck {
  const end = trimWspEnd(text, 0, text.length);
  const start = skipWsp(text, 0, end);
  if (start >= end) return headerError('the value holds no address (RFC 3261 §25.1 name-addr / addr-spec)', start);
  let display: string | null = null;
  let uriStart: number;
  let uriEnd: number;
  let paramsFrom: number;
  const first = text.charCodeAt(start);
  let lt = -1;
  if (first === 0x22) {
    const q = scanQuotedString(text, start, end);
    if (q < 0) return headerError('the quoted display name has no closing quote (RFC 3261 §25.1 quoted-string)', start);
    display = unquote(text.slice(start, q));
    lt = skipWsp(text, q, end);
    if (lt >= end || text.charCodeAt(lt) !== 0x3c) {
      return headerError('a quoted display name must be followed by "<" URI ">" (RFC 3261 §25.1 name-addr)', lt);
    }
  } else {
    // A "<" before any ";" or quote marks the name-addr form; tokens before it are the display name.
    for (let i = start; i < end; i++) {
      const c = text.charCodeAt(i);
      if (c === 0x3c) { lt = i; break; }
      if (c === 0x3b || c === 0x22) break;
    }
    if (lt > start) {
      const dEnd = trimWspEnd(text, start, lt);
      for (let i = start; i < dEnd; i++) {
        const c = text.charCodeAt(i);
        if (!isTokenChar(c) && !isWsp(c)) {
          return headerError(`an unquoted display name may hold only tokens, but ${shown(text.slice(start, dEnd))} contains ${shown(text[i])}; it must be quoted (RFC 3261 §25.1 display-name)`, i);
        }
      }
      display = text.slice(start, dEnd);
    }
  }
  if (lt >= 0) {
    const gt = text.indexOf('>', lt + 1);
    if (gt < 0 || gt >= end) return headerError('"<" has no matching ">" (RFC 3261 §25.1 name-addr)', lt);
    uriStart = lt + 1;
    uriEnd = gt;
    if (uriEnd > uriStart && (isWsp(text.charCodeAt(uriStart)) || isWsp(text.charCodeAt(uriEnd - 1)))) {
      return headerError('the URI inside "<" ">" has spaces around it, which addr-spec does not allow (RFC 3261 §25.1 LAQUOT / RAQUOT)', uriStart);
    }
    paramsFrom = gt + 1;
  } else {
    uriStart = start;
    let semi = text.indexOf(';', start);
    if (semi < 0 || semi > end) semi = end;
    uriEnd = trimWspEnd(text, start, semi);
    for (let i = uriStart; i < uriEnd; i++) {
      const c = text.charCodeAt(i);
      if (c === 0x3f || c === 0x2c) {
        return headerError(`a URI containing ${shown(text[i])} must be enclosed in "<" ">" (RFC 3261 §20.10)`, i);
      }
    }
    paramsFrom = uriEnd;
  }
  if (uriEnd === uriStart) {
    return headerError(lt >= 0 ? '"<" ">" encloses no URI (RFC 3261 §25.1 addr-spec)' : 'the value has parameters but no address before them (RFC 3261 §25.1 addr-spec)', uriStart);
  }
  const uri = text.slice(uriStart, uriEnd);
  const scan = scanParameters(text, paramsFrom, end);
  if (scan.error !== null) return headerError(`${scan.error} (RFC 3261 §25.1 generic-param)`, scan.errorAt);
  if (scan.end < end) {
    return headerError(`${shown(text.slice(scan.end, Math.min(end, scan.end + 20)))} follows the address where only ";" parameters may (RFC 3261 §25.1)`, scan.end);
  }
  const uc = checkUri(uri);
  if (!uc.ok) return { ok: false, kind: 'uri', error: `${uc.error} in ${shown(uri)}`, at: uriStart + uc.at };
  const tag = scan.params.tag ?? null;
  return { ok: true, value: { display, uri, tag, params: scan.params }, warning: uc.warning };
}

function headerError(error: string, at: number): NameAddrCheck {
  return { ok: false, kind: 'header', error, at };
}
