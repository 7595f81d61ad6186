// Checks of single-valued scalar headers the parser reads eagerly: Content-Length, Max-Forwards, Call-ID, Date.
import { isDigits, isWsp, skipWsp, trimWspEnd } from './charClasses';
import type { ValueProblem } from './issueCodes';
import { shown } from './shown';

export interface NumberCheck {
  value: number | null;
  problem: ValueProblem | null;
}

/** Content-Length = 1*DIGIT (RFC 3261 §20.14). */
export function checkContentLength(value: string): NumberCheck {
  const t = trimmed(value);
  if (!isDigits(t)) {
    return { value: null, problem: { code: 'sip.malformed-header', message: `Content-Length must be a non-negative number of bytes but it is ${shown(t)} (RFC 3261 §20.14)`, at: 0 } };
  }
  return { value: Number(t), problem: null };
}

/** Max-Forwards = 1*DIGIT, an integer in the range 0-255 (RFC 3261 §20.22). */
export function checkMaxForwards(value: string): NumberCheck {
  const t = trimmed(value);
  if (!isDigits(t)) {
    return { value: null, problem: { code: 'sip.malformed-header', message: `Max-Forwards must be a number from 0 to 255 but it is ${shown(t)} (RFC 3261 §20.22)`, at: 0 } };
  }
  const n = Number(t);
  if (n > 255) return { value: n, problem: { code: 'sip.value-out-of-range', message: `Max-Forwards ${t} is above 255, the largest value RFC 3261 §20.22 allows`, at: 0 } };
  return { value: n, problem: null };
}

/** Call-ID = callid (RFC 3261 §20.8): one word, optionally "@" word; never empty, never with whitespace. */
export function checkCallId(value: string): ValueProblem | null {
  if (value.length === 0) return { code: 'sip.malformed-header', message: 'Call-ID is empty (RFC 3261 §20.8)', at: 0 };
  for (let i = 0; i < value.length; i++) {
    if (isWsp(value.charCodeAt(i))) return { code: 'sip.malformed-header', message: `Call-ID ${shown(value)} contains whitespace, which RFC 3261 §25.1 callid does not allow`, at: i };
  }
  return null;
}

const WKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** SIP-date = rfc1123-date: `Sat, 13 Nov 2010 23:29:00 GMT`, always GMT (RFC 3261 §20.17, §25.1). */
export function checkDate(value: string): ValueProblem | null {
  const t = trimmed(value);
  const ok = t.length === 29
    && WKDAYS.includes(t.slice(0, 3)) && t.slice(3, 5) === ', '
    && isDigits(t, 5, 7) && t[7] === ' ' && MONTHS.includes(t.slice(8, 11)) && t[11] === ' '
    && isDigits(t, 12, 16) && t[16] === ' '
    && isDigits(t, 17, 19) && t[19] === ':' && isDigits(t, 20, 22) && t[22] === ':' && isDigits(t, 23, 25)
    && t.slice(25) === ' GMT';
  if (ok) return null;
  const zone = t.slice(t.lastIndexOf(' ') + 1);
  const why = zone !== 'GMT' && /^[A-Za-z]+$/.test(zone) ? `its time zone is ${shown(zone)} but SIP dates are always GMT` : 'it is not of the form "Sat, 13 Nov 2010 23:29:00 GMT"';
  return { code: 'sip.malformed-header', message: `Date ${shown(t)} is malformed: ${why} (RFC 3261 §20.17, §25.1 SIP-date)`, at: 0 };
}

function trimmed(value: string): string {
  const s = skipWsp(value, 0);
  return value.slice(s, trimWspEnd(value, s, value.length));
}
