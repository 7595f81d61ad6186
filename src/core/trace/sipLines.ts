// Recognising SIP start lines and header lines in text, and reading one message's extent from a LineView:
// start line, header lines up to the empty line, then Content-Length bytes of body (RFC 3261 §7, §20.14).
import type { LineView } from './textLines';
import { utf8Length } from './textLines';

// RFC 3261 §25.1: Request-Line = Method SP Request-URI SP SIP-Version; Status-Line = SIP-Version SP Status-Code SP Reason.
// Both patterns are anchored and have no nested quantifiers, so they run in linear time.
const REQUEST_LINE = /^[A-Za-z][A-Za-z0-9._!%*+`'~-]* [^ \t]+ SIP\/2\.0[ \t]*$/;
const STATUS_LINE = /^SIP\/2\.0 [1-6]\d\d(?:[ \t].*)?$/;
// header-name is an RFC 3261 token followed by optional whitespace and a colon.
const HEADER_LINE = /^[A-Za-z0-9!%*_+`'~.-]+[ \t]*:/;

export function isStartLine(line: string): boolean {
  return line.length >= 10 && (STATUS_LINE.test(line) || REQUEST_LINE.test(line));
}

export function isHeaderLine(line: string): boolean {
  return HEADER_LINE.test(line);
}

/** A header field's continuation line (folding, RFC 3261 §7.3.1). */
export function isFoldedLine(line: string): boolean {
  const c = line.charCodeAt(0);
  return (c === 32 || c === 9) && line.trim().length > 0;
}

/** The Content-Length value of a header line (long or compact `l` form), or null when the line is not one. */
export function contentLengthOf(line: string): number | null {
  const colon = line.indexOf(':');
  if (colon < 1) return null;
  const name = line.slice(0, colon).trim().toLowerCase();
  if (name !== 'content-length' && name !== 'l') return null;
  const value = line.slice(colon + 1).trim();
  return /^\d{1,9}$/.test(value) ? Number(value) : null;
}

export interface MessageExtent {
  /** Exclusive end line index. */
  end: number;
  /** Characters to drop from the end of the last line's terminator (a log's own newline after a body). */
  dropTail: number;
  /** Declared Content-Length, null when the message has none. */
  contentLength: number | null;
  /** True when the view ended before the declared body was complete. */
  bodyShort: boolean;
  /** True when the empty line that ends the header section was found. */
  headersEnded: boolean;
}

/**
 * Reads one message starting at the start line `from`, not past `limit`. The body is Content-Length bytes, counted
 * with the terminators the text has; a log that turned CRLF into LF is caught by also stopping at a new start line
 * once the body would be complete with CRLF terminators.
 */
export function takeMessage(view: LineView, from: number, limit: number): MessageExtent {
  let i = from + 1;
  let contentLength: number | null = null;
  while (i < limit) {
    const t = view.text(i);
    if (t.length === 0) break;
    if (!isFoldedLine(t) && isStartLine(t)) return { end: i, dropTail: 0, contentLength, bodyShort: false, headersEnded: false };
    const cl = contentLengthOf(t);
    if (cl !== null) contentLength = cl;
    i++;
  }
  if (i >= limit) return { end: limit, dropTail: 0, contentLength, bodyShort: contentLength !== null && contentLength > 0, headersEnded: false };
  i++; // the empty line that ends the header section
  if (contentLength === null) {
    // No length: the body runs to the next start line or the limit; trailing empty lines are not body.
    let end = i;
    let j = i;
    while (j < limit) {
      const t = view.text(j);
      if (isStartLine(t) && (j === i || view.text(j - 1).length === 0)) break;
      j++;
      if (t.trim().length > 0) end = j;
    }
    return { end, dropTail: 0, contentLength, bodyShort: false, headersEnded: true };
  }
  let got = 0;
  let gotIfCrlf = 0;
  while (i < limit && got < contentLength) {
    const t = view.text(i);
    // With CRLF counting the body is already complete: a new start line or a blank separator is not body.
    if (gotIfCrlf >= contentLength && (t.length === 0 || isStartLine(t))) break;
    const len = utf8Length(t);
    const term = view.term(i);
    got += len + term.length;
    gotIfCrlf += len + (term.length > 0 ? 2 : 0);
    i++;
  }
  let dropTail = 0;
  if (got > contentLength && i > from) {
    const over = got - contentLength;
    if (over <= view.term(i - 1).length) dropTail = over;
  }
  return { end: i, dropTail, contentLength, bodyShort: got < contentLength, headersEnded: true };
}

/**
 * Reads exactly `byteCount` bytes of lines from `from` (a log header that states the message size).
 * Returns null when the size does not fall on the end of a line (up to the log's own newline), so the caller
 * can fall back to takeMessage.
 */
export function takeBytes(view: LineView, from: number, byteCount: number, limit: number): MessageExtent | null {
  let got = 0;
  let i = from;
  while (i < limit && got < byteCount) {
    got += utf8Length(view.text(i)) + view.term(i).length;
    i++;
  }
  if (got < byteCount) return null;
  const over = got - byteCount;
  if (over > 0 && over > view.term(i - 1).length) return null;
  return { end: i, dropTail: over, contentLength: null, bodyShort: false, headersEnded: true };
}

/** The first start line at or after `from` and before `limit`, or -1. */
export function findStartLine(view: LineView, from: number, limit: number): number {
  for (let i = from; i < limit; i++) if (isStartLine(view.text(i))) return i;
  return -1;
}

/** Drops trailing lines of [from, end) that are empty with a bare-LF terminator (a log's separators, not message bytes). */
export function trimLogNewlines(view: LineView, from: number, end: number): number {
  while (end > from + 1 && view.text(end - 1).length === 0 && view.term(end - 1) !== '\r\n') {
    // keep the empty line that ends a header section when the message is LF-only throughout
    if (view.term(end - 2) === '\n' && view.text(end - 2).length > 0 && !hasEmptyLine(view, from, end - 1)) break;
    end--;
  }
  return end;
}

function hasEmptyLine(view: LineView, from: number, end: number): boolean {
  for (let i = from; i < end; i++) if (view.text(i).length === 0) return true;
  return false;
}
