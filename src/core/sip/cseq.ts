// CSeq = 1*DIGIT LWS Method (RFC 3261 §20.16); the number must be below 2**31 (§8.1.1.5).
import { isDigit, isToken, isWsp, skipWsp, trimWspEnd } from './charClasses';
import type { ValueProblem } from './issueCodes';
import { shown } from './shown';

export interface CSeqCheck {
  /** null when unusable (malformed, or a number that does not fit 32 bits). */
  cseq: { seq: number; method: string } | null;
  /** The method, whenever the value has one, even with an unusable number. */
  method: string | null;
  problem: ValueProblem | null;
}

const CSEQ_LIMIT = 2 ** 31;

/** Parses a CSeq value such as `4711 INVITE`; the problem says what is wrong when it is not well-formed. */
export function checkCSeq(value: string): CSeqCheck {
  const end = trimWspEnd(value, 0, value.length);
  const start = skipWsp(value, 0, end);
  let d = start;
  while (d < end && isDigit(value.charCodeAt(d))) d++;
  const m = skipWsp(value, d, end);
  if (d === start || m === d || !isWsp(value.charCodeAt(d)) || !isToken(value, m, end)) {
    return {
      cseq: null,
      method: null,
      problem: { code: 'sip.malformed-header', message: `CSeq must be a sequence number, whitespace and a method, such as "1 INVITE", but it is ${shown(value)} (RFC 3261 §20.16)`, at: start },
    };
  }
  const digits = value.slice(start, d).replace(/^0+(?=\d)/, '');
  const method = value.slice(m, end);
  const seq = digits.length > 10 ? Infinity : Number(digits);
  if (seq >= CSEQ_LIMIT) {
    return {
      cseq: seq <= 0xffffffff ? { seq, method } : null,
      method,
      problem: { code: 'sip.value-out-of-range', message: `CSeq sequence number ${value.slice(start, d)} is not below 2**31 as RFC 3261 §8.1.1.5 requires`, at: start },
    };
  }
  return { cseq: { seq, method }, method, problem: null };
}
