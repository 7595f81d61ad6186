// Status-Line = SIP-Version SP Status-Code SP Reason-Phrase CRLF (RFC 3261 §7.2).
import { isDigit } from './charClasses';
import { checkSipVersion } from './sipVersion';
import type { StartLineResult } from './startLineResult';
import { shown } from './shown';

/** Parses a status line; null when the line does not start with "SIP/". */
export function parseStatusLine(line: string): StartLineResult | null {
  if (line.length < 4 || line.slice(0, 4).toUpperCase() !== 'SIP/') return null;
  let v = 4;
  while (v < line.length && line.charCodeAt(v) !== 0x20 && line.charCodeAt(v) !== 0x09) v++;
  const version = line.slice(0, v);
  const r: StartLineResult = { kind: 'response', method: null, requestUri: null, status: null, reason: null, version, problems: [], warnings: [] };
  const vc = checkSipVersion(version);
  if (vc === 'unknown') r.problems.push({ code: 'sip.unknown-version', message: `the Status-Line has SIP-Version ${shown(version)} but only SIP/2.0 is defined (RFC 3261 §7.2)`, at: 0 });
  else if (vc === 'malformed') r.problems.push({ code: 'sip.malformed-start-line', message: `${shown(version)} is not a SIP-Version such as SIP/2.0 (RFC 3261 §7.2)`, at: 0 });

  let c = v;
  while (c < line.length && (line.charCodeAt(c) === 0x20 || line.charCodeAt(c) === 0x09)) c++;
  if (c !== v + 1 || line.charCodeAt(v) !== 0x20) {
    r.problems.push({ code: 'sip.malformed-start-line', message: 'SIP-Version and Status-Code must be separated by exactly one SP (RFC 3261 §7.2)', at: v });
  }
  let d = c;
  while (d < line.length && isDigit(line.charCodeAt(d))) d++;
  const digits = line.slice(c, d);
  if (d < line.length && line.charCodeAt(d) !== 0x20 && line.charCodeAt(d) !== 0x09) {
    r.problems.push({ code: 'sip.bad-status-code', message: `the Status-Code must be three digits but the Status-Line shows ${shown(line.slice(c, Math.min(line.length, c + 16)))} (RFC 3261 §7.2)`, at: c });
  } else if (digits.length !== 3) {
    const what = digits.length === 0 ? 'none' : shown(digits);
    r.problems.push({ code: 'sip.bad-status-code', message: `the Status-Code must be three digits (100-699) but the Status-Line has ${what} (RFC 3261 §7.2, §21)`, at: c });
  } else {
    const code = Number(digits);
    if (code < 100 || code > 699) {
      r.problems.push({ code: 'sip.bad-status-code', message: `Status-Code ${digits} is outside the 100-699 range RFC 3261 §7.2 and §21 define`, at: c });
    } else r.status = code;
  }
  // Reason-Phrase may be empty (RFC 4475 §3.1.1.13); the SP before it is tolerated when missing.
  r.reason = d >= line.length ? '' : line.slice(line.charCodeAt(d) === 0x20 ? d + 1 : d);
  return r;
}
