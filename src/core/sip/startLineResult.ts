// What the request-line and status-line parsers hand back to parseSipMessage.
import type { ValueProblem } from './issueCodes';
import type { ParsedSip } from '../model/sipMessage';

/** The start-line fields of ParsedSip (version as written, '' when missing), plus what was wrong with them. */
export interface StartLineResult extends Pick<ParsedSip, 'kind' | 'method' | 'requestUri' | 'status' | 'reason' | 'version'> {
  /** Problems with `at` = column in the start line. */
  problems: ValueProblem[];
  /** Tolerated irregularities (e.g. RFC 5118 §4.10 three-colon IPv6), same shape. */
  warnings: ValueProblem[];
}

/** Splits a line into runs of non-SP/HTAB chars: [start, end) pairs. */
export function splitOnWhitespace(line: string): Array<[number, number]> {
  const parts: Array<[number, number]> = [];
  let i = 0;
  const n = line.length;
  while (i < n) {
    while (i < n && (line.charCodeAt(i) === 0x20 || line.charCodeAt(i) === 0x09)) i++;
    if (i >= n) break;
    const s = i;
    while (i < n && line.charCodeAt(i) !== 0x20 && line.charCodeAt(i) !== 0x09) i++;
    parts.push([s, i]);
  }
  return parts;
}

/**
 * True when the parts are separated by exactly one SP each, with nothing before the first or after the last
 * (RFC 3261 §7.1 Request-Line / §7.2 Status-Line use single SPs).
 */
export function hasSingleSpaces(line: string, parts: Array<[number, number]>): boolean {
  if (parts.length === 0 || parts[0][0] !== 0 || parts[parts.length - 1][1] !== line.length) return false;
  for (let k = 1; k < parts.length; k++) {
    if (parts[k][0] !== parts[k - 1][1] + 1 || line.charCodeAt(parts[k - 1][1]) !== 0x20) return false;
  }
  return true;
}
