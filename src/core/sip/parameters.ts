// Header parameters: `*( SEMI generic-param )` after a header value's main part (RFC 3261 §25.1).
import { isTokenChar, skipWsp } from './charClasses';
import { shown } from './shown';

/** Parameter name (lower-cased: names are case-insensitive) → value as written (quoted strings keep their quotes), or null when valueless. */
export type Params = Record<string, string | null>;

export interface ParamsScan {
  params: Params;
  /** Index where scanning stopped: the end of the text, or the first char that does not continue the parameter list. */
  end: number;
  /** What is wrong, when the list is malformed (scanning stops there). */
  error: string | null;
  errorAt: number;
}

// gen-value = token / host / quoted-string: token chars plus the ":" "[" "]" of IPv6 hosts
// (RFC 5118 §4.5: received= is accepted with or without brackets).
const isGenValueChar = (c: number): boolean => isTokenChar(c) || c === 0x3a || c === 0x5b || c === 0x5d;

/** Sets a parameter, keeping the first occurrence and staying safe for names such as `__proto__`. */
export function setParam(params: Params, name: string, value: string | null): void {
  // Fresh names read undefined, so the own-property test runs only for repeats and Object.prototype names.
  if (params[name] !== undefined && Object.prototype.hasOwnProperty.call(params, name)) return;
  if (name === '__proto__') Object.defineProperty(params, name, { value, enumerable: true, writable: true, configurable: true });
  else params[name] = value;
}

/**
 * Scans `*( SEMI generic-param )` from `start`, where SEMI = SWS ";" SWS and EQUAL = SWS "=" SWS.
 * Stops at the first char that is not `;` (after optional whitespace) and reports where.
 */
export function scanParameters(s: string, start: number, end = s.length): ParamsScan {
  const params: Params = {};
  let i = start;
  for (;;) {
    const semi = skipWsp(s, i, end);
    if (semi >= end || s.charCodeAt(semi) !== 0x3b) return { params, end: semi, error: null, errorAt: -1 };
    const nameStart = skipWsp(s, semi + 1, end);
    let k = nameStart;
    while (k < end && isTokenChar(s.charCodeAt(k))) k++;
    if (k === nameStart) {
      const what = nameStart >= end ? 'nothing' : `${shown(s[nameStart])}`;
      return fail(params, nameStart, `a parameter name was expected after ";" but the value shows ${what}`);
    }
    const name = s.slice(nameStart, k).toLowerCase();
    const eq = skipWsp(s, k, end);
    if (eq < end && s.charCodeAt(eq) === 0x3d) {
      const v = skipWsp(s, eq + 1, end);
      let w = v;
      if (w < end && s.charCodeAt(w) === 0x22) {
        w = scanQuotedString(s, w, end);
        if (w < 0) return fail(params, v, `the quoted value of parameter ${shown(name)} has no closing quote`);
      } else {
        while (w < end && isGenValueChar(s.charCodeAt(w))) w++;
        if (w === v) return fail(params, v, `parameter ${shown(name)} has "=" but no value`);
      }
      setParam(params, name, s.slice(v, w));
      i = w;
    } else {
      setParam(params, name, null);
      i = k;
    }
  }
}

function fail(params: Params, at: number, error: string): ParamsScan {
  return { params, end: at, error, errorAt: at };
}

/** Parses text that is only a parameter list (`;a=1;b`); null when malformed. */
export function parseParameters(text: string): Params | null {
  const r = scanParameters(text, 0);
  return r.error === null && r.end === text.length ? r.params : null;
}

/** Given s[start] === '"', returns the index just past the closing quote, or -1 when unterminated. Handles quoted-pair. */
export function scanQuotedString(s: string, start: number, end = s.length): number {
  for (let i = start + 1; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x5c) i++;
    else if (c === 0x22) return i + 1;
  }
  return -1;
}

/** The content of a quoted string with its quotes removed and quoted-pairs resolved. */
export function unquote(quoted: string): string {
  if (quoted.length < 2 || quoted.charCodeAt(0) !== 0x22) return quoted;
  const inner = quoted.slice(1, -1);
  if (inner.indexOf('\\') < 0) return inner;
  let out = '';
  for (let i = 0; i < inner.length; i++) {
    if (inner.charCodeAt(i) === 0x5c && i + 1 < inner.length) i++;
    out += inner[i];
  }
  return out;
}
