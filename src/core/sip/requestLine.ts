// Request-Line = Method SP Request-URI SP SIP-Version CRLF (RFC 3261 §7.1).
import { isAlpha, isToken } from './charClasses';
import { checkSipVersion } from './sipVersion';
import { checkUri } from './sipUri';
import { hasSingleSpaces, splitOnWhitespace, type StartLineResult } from './startLineResult';
import { shown } from './shown';

/**
 * Parses a request line. Returns null when the line is not recognisably a SIP request line (no token method,
 * or neither a SIP-Version at the end nor a URI after the method); otherwise a result whose problems say
 * what is malformed, with the elements recovered as well as they can be.
 */
export function parseRequestLine(line: string): StartLineResult | null {
  const parts = splitOnWhitespace(line);
  if (parts.length < 2 || !isToken(line, parts[0][0], parts[0][1])) return null;
  const last = parts[parts.length - 1];
  const lastText = line.slice(last[0], last[1]);
  const hasVersion = parts.length >= 2 && lastText.slice(0, 4).toUpperCase() === 'SIP/';
  if (!hasVersion && !looksLikeUri(line, parts[1][0], parts[1][1])) return null;
  const r: StartLineResult = {
    kind: 'request',
    method: line.slice(parts[0][0], parts[0][1]),
    requestUri: null,
    status: null,
    reason: null,
    version: hasVersion ? lastText : '',
    problems: [],
    warnings: [],
  };
  const uriParts = hasVersion ? parts.slice(1, -1) : parts.slice(1);
  if (uriParts.length > 0) r.requestUri = line.slice(uriParts[0][0], uriParts[uriParts.length - 1][1]);
  const uriColumn = uriParts.length > 0 ? uriParts[0][0] : last[0];

  if (!hasVersion) {
    r.problems.push({ code: 'sip.malformed-start-line', message: 'the Request-Line has no SIP-Version after the Request-URI (RFC 3261 §7.1)', at: line.length });
  } else if (uriParts.length === 0) {
    r.problems.push({ code: 'sip.malformed-start-line', message: 'the Request-Line has no Request-URI between the method and SIP-Version (RFC 3261 §7.1)', at: last[0] });
  } else if (uriParts.length > 1) {
    r.problems.push({ code: 'sip.malformed-start-line', message: `the Request-URI ${shown(r.requestUri ?? '')} contains whitespace, which no URI may (RFC 3261 §7.1, §25.1)`, at: uriParts[0][1] });
  }
  if (!hasSingleSpaces(line, parts)) {
    const where = parts[0][0] > 0 ? 'before the method'
      : last[1] < line.length ? 'after the last element'
        : 'between the elements';
    r.problems.push({ code: 'sip.malformed-start-line', message: `the Request-Line has extra whitespace ${where}; its elements must be separated by exactly one SP (RFC 3261 §7.1)`, at: firstIrregularSpace(line, parts) });
  }
  if (hasVersion) {
    const v = checkSipVersion(lastText);
    if (v === 'unknown') r.problems.push({ code: 'sip.unknown-version', message: `the Request-Line has SIP-Version ${shown(lastText)} but only SIP/2.0 is defined (RFC 3261 §7.1)`, at: last[0] });
    else if (v === 'malformed') r.problems.push({ code: 'sip.malformed-start-line', message: `${shown(lastText)} is not a SIP-Version such as SIP/2.0 (RFC 3261 §7.1)`, at: last[0] });
  }
  if (r.requestUri !== null && uriParts.length === 1) {
    const uc = checkUri(r.requestUri);
    if (!uc.ok) {
      r.problems.push({ code: 'sip.malformed-uri', message: `the Request-URI is malformed: ${uc.error}`, at: uriColumn + uc.at });
    } else {
      if (uc.warning !== null) r.warnings.push({ code: 'sip.ipv6-three-colon', message: `the Request-URI ${uc.warning}`, at: uriColumn });
      // RFC 3261 §19.1.1 Table 1: the method parameter and headers are not allowed in a Request-URI.
      if (uc.uri !== null && uc.uri.scheme !== 'tel') {
        if (Object.keys(uc.uri.headers).length > 0) {
          r.problems.push({ code: 'sip.malformed-uri', message: `the Request-URI ${shown(r.requestUri)} carries "?" headers, which RFC 3261 §19.1.1 (Table 1) does not allow in a Request-URI`, at: uriColumn + r.requestUri.indexOf('?') });
        }
        if (Object.prototype.hasOwnProperty.call(uc.uri.params, 'method')) {
          r.problems.push({ code: 'sip.malformed-uri', message: `the Request-URI ${shown(r.requestUri)} carries a method parameter, which RFC 3261 §19.1.1 (Table 1) does not allow in a Request-URI`, at: uriColumn });
        }
      }
    }
  }
  return r;
}

/** scheme ":" where scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) */
function looksLikeUri(line: string, start: number, end: number): boolean {
  if (!isAlpha(line.charCodeAt(start))) return false;
  const colon = line.indexOf(':', start);
  return colon > start && colon < end;
}

function firstIrregularSpace(line: string, parts: Array<[number, number]>): number {
  if (parts[0][0] > 0) return 0;
  for (let k = 1; k < parts.length; k++) {
    if (parts[k][0] !== parts[k - 1][1] + 1 || line.charCodeAt(parts[k - 1][1]) !== 0x20) return parts[k - 1][1];
  }
  return parts[parts.length - 1][1];
}
