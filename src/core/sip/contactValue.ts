// Contact = ( STAR / (contact-param *(COMMA contact-param)) ) (RFC 3261 §20.10).
import { MAX_PROBLEMS_PER_VALUE, type ValueProblem } from './issueCodes';
import { checkNameAddr } from './nameAddr';
import { splitHeaderValues } from './splitHeaderValues';

/** Checks every contact in a Contact value; returns the problems found (empty when well-formed). */
export function checkContact(value: string): ValueProblem[] {
  if (value === '*') return [];
  const problems: ValueProblem[] = [];
  let offset = 0;
  // Empty elements are reported once, with their count, where the first one is.
  let empties = 0;
  let firstEmpty = 0;
  let emptyRank = 0;
  for (const element of splitHeaderValues(value, true)) {
    const found = value.indexOf(element, offset);
    const base = found < 0 ? offset : found;
    offset = base + element.length;
    if (element.length === 0) {
      if (empties++ === 0) { firstEmpty = base; emptyRank = problems.length; }
      continue;
    }
    if (problems.length > MAX_PROBLEMS_PER_VALUE) continue; // past the listed ones only the count matters, kept by the caller
    const r = checkNameAddr(element);
    if (!r.ok) {
      problems.push({ code: r.kind === 'uri' ? 'sip.malformed-uri' : 'sip.malformed-header', message: `Contact ${r.error}`, at: base + r.at });
    } else if (r.warning !== null) {
      problems.push({ code: 'sip.ipv6-three-colon', message: `Contact ${r.warning}`, at: base });
    }
  }
  if (empties > 0) {
    const what = empties === 1 ? 'an empty element' : `${empties} empty elements`;
    problems.splice(emptyRank, 0, { code: 'sip.malformed-header', message: `the Contact value has ${what} between commas (RFC 3261 §20.10)`, at: firstEmpty });
  }
  return problems;
}
