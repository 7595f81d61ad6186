// Contact = ( STAR / (contact-param *(COMMA contact-param)) ) (RFC 3261 §20.10).
import type { ValueProblem } from './issueCodes';
import { checkNameAddr } from './nameAddr';
import { splitHeaderValues } from './splitHeaderValues';

/** Checks every contact in a Contact value; returns the problems found (empty when well-formed). */
export function checkContact(value: string): ValueProblem[] {
  if (value === '*') return [];
  const problems: ValueProblem[] = [];
  let offset = 0;
  for (const element of splitHeaderValues(value, true)) {
    const found = value.indexOf(element, offset);
    const base = found < 0 ? offset : found;
    offset = base + element.length;
    if (element.length === 0) {
      problems.push({ code: 'sip.malformed-header', message: 'the Contact value has an empty element between commas (RFC 3261 §20.10)', at: base });
      continue;
    }
    const r = checkNameAddr(element);
    if (!r.ok) {
      problems.push({ code: r.kind === 'uri' ? 'sip.malformed-uri' : 'sip.malformed-header', message: `Contact ${r.error}`, at: base + r.at });
    } else if (r.warning !== null) {
      problems.push({ code: 'sip.ipv6-three-colon', message: `Contact ${r.warning}`, at: base });
    }
  }
  return problems;
}
