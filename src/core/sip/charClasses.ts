// Character classes of the SIP grammar (RFC 3261 §25.1), as 128-entry lookup tables over char codes.
// Table lookups keep the scanners linear and free of regular expressions.

function table(chars: string, ranges: Array<[number, number]> = []): Uint8Array {
  const t = new Uint8Array(128);
  for (let i = 0; i < chars.length; i++) t[chars.charCodeAt(i)] = 1;
  for (const [lo, hi] of ranges) for (let c = lo; c <= hi; c++) t[c] = 1;
  return t;
}

const ALNUM: Array<[number, number]> = [[0x30, 0x39], [0x41, 0x5a], [0x61, 0x7a]];

/** token = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~") */
const TOKEN = table("-.!%*_+`'~", ALNUM);
/** user = 1*( unreserved / escaped / user-unreserved ); unreserved = alphanum / "-" / "_" / "." / "!" / "~" / "*" / "'" / "(" / ")";
 *  user-unreserved = "&" / "=" / "+" / "$" / "," / ";" / "?" / "/" */
const USER = table("-_.!~*'()&=+$,;?/", ALNUM);
/** password = *( unreserved / escaped / "&" / "=" / "+" / "$" / "," ) */
const PASSWORD = table("-_.!~*'()&=+$,", ALNUM);
/** paramchar = param-unreserved / unreserved / escaped; param-unreserved = "[" / "]" / "/" / ":" / "&" / "+" / "$" */
const PARAMCHAR = table("-_.!~*'()[]/:&+$", ALNUM);
/** hname/hvalue chars: hnv-unreserved / unreserved; hnv-unreserved = "[" / "]" / "/" / "?" / ":" / "+" / "$" */
const HNV = table("-_.!~*'()[]/?:+$", ALNUM);
/** uric = reserved / unreserved (RFC 2396), plus the "[" "]" of RFC 2732 and "#": absoluteURI of schemes other than sip/sips/tel */
const URIC = table(";/?:@&=+$,-_.!~*'()#[]", ALNUM);

const inTable = (t: Uint8Array, c: number): boolean => c < 128 && t[c] === 1;

export const isTokenChar = (c: number): boolean => inTable(TOKEN, c);
export const isUserChar = (c: number): boolean => inTable(USER, c);
export const isPasswordChar = (c: number): boolean => inTable(PASSWORD, c);
export const isParamChar = (c: number): boolean => inTable(PARAMCHAR, c);
export const isHeaderNvChar = (c: number): boolean => inTable(HNV, c);
export const isUricChar = (c: number): boolean => inTable(URIC, c);
export const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
export const isAlpha = (c: number): boolean => (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
export const isHexDigit = (c: number): boolean => isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
/** SP or HTAB: the whitespace of LWS once folding has been undone. */
export const isWsp = (c: number): boolean => c === 0x20 || c === 0x09;

/** True when every char of s[start, end) is a token char (and the range is not empty). */
export function isToken(s: string, start = 0, end = s.length): boolean {
  if (end <= start) return false;
  for (let i = start; i < end; i++) if (!isTokenChar(s.charCodeAt(i))) return false;
  return true;
}

/** True when s[start, end) is 1*DIGIT. */
export function isDigits(s: string, start = 0, end = s.length): boolean {
  if (end <= start) return false;
  for (let i = start; i < end; i++) if (!isDigit(s.charCodeAt(i))) return false;
  return true;
}

/** Index of the first non-SP/HTAB char at or after i. */
export function skipWsp(s: string, i: number, end = s.length): number {
  while (i < end && isWsp(s.charCodeAt(i))) i++;
  return i;
}

/** Index just past the last non-SP/HTAB char before end (never below start). */
export function trimWspEnd(s: string, start: number, end: number): number {
  while (end > start && isWsp(s.charCodeAt(end - 1))) end--;
  return end;
}

/**
 * Checks that every char in s[start, end) is allowed by `allowed` or is a %HEXHEX escape (RFC 3261 `escaped`).
 * Returns the index of the first offending char, or -1.
 */
export function findInvalidEscapedChar(s: string, start: number, end: number, allowed: (c: number) => boolean): number {
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x25) {
      if (i + 2 < end && isHexDigit(s.charCodeAt(i + 1)) && isHexDigit(s.charCodeAt(i + 2))) { i += 2; continue; }
      return i;
    }
    if (!allowed(c)) return i;
  }
  return -1;
}
