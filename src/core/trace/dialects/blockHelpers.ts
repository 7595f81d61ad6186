// Small helpers shared by the dialect readers: finding header lines and reading the message that follows one.
import type { Finding } from '../../model/finding';
import type { ExtractedMessage, MessageMeta } from '../extractedMessage';
import { fromView } from '../extractedMessage';
import { findStartLine, takeBytes, takeMessage } from '../sipLines';
import type { LineView, TextLines } from '../textLines';

/** Anything that tells whether a line matches: a RegExp or a MarkedPattern. */
export interface LineTest { test(line: string): boolean }

/** Counts lines among the first `scanLimit` that match `re`. */
export function countMatches(lines: TextLines, scanLimit: number, re: LineTest): number {
  let n = 0;
  const last = Math.min(lines.count, scanLimit);
  for (let i = 0; i < last; i++) if (re.test(lines.text(i))) n++;
  return n;
}

/** Index of the next line at or after `from` matching `re`, or `lines.count`. */
export function nextMatch(lines: LineView, from: number, re: LineTest): number {
  for (let i = from; i < lines.count; i++) if (re.test(lines.text(i))) return i;
  return lines.count;
}

/**
 * Reads the message in lines [from, limit) of a block: the stated byte count when the log gives one and it falls on a
 * line end, else start line + headers + Content-Length body. Reports a block without any SIP start line.
 */
export function messageInBlock(view: LineView, from: number, limit: number, meta: MessageMeta, findings: Finding[], dialectName: string): ExtractedMessage | null {
  const start = findStartLine(view, from, limit);
  if (start < 0) {
    if (limit > from) {
      findings.push({
        code: 'trace.no-start-line',
        severity: 'warning',
        message: `A ${dialectName} block should hold a SIP message, but no SIP start line ("METHOD uri SIP/2.0" or "SIP/2.0 code reason") was found in it.`,
        source: { line: meta.headerLine ?? view.sourceLine(from), endLine: view.sourceLine(limit - 1) },
      });
    }
    return null;
  }
  if (meta.declaredLength !== undefined && start === from) {
    const exact = takeBytes(view, start, meta.declaredLength, limit);
    if (exact) return fromView(view, start, exact.end, exact.dropTail, meta);
  }
  const extent = takeMessage(view, start, limit);
  return fromView(view, start, Math.max(extent.end, start + 1), extent.dropTail, meta);
}
