// Reads a text trace from byte chunks in windows of lines, so a 1 GB log never sits whole in JS strings
// (issue 8). Each window goes through the unchanged dialect reader; only messages that end well before the
// window's end are kept, and the next window starts right after the last kept one, so the result (messages,
// line positions, indexes, findings) is the one readTextTrace gives on the whole text.
import type { Finding } from '../model/finding';
import type { SipMessage } from '../model/sipMessage';
import { DIALECT_READERS } from './dialects/index';
import type { ExtractedMessage } from './extractedMessage';
import { leadingDate } from './logTime';
import { DETECT_SCAN_LINES, detectDialectIn, noSipMessageError, toSipMessage, type TextDialect, type TextTraceResult } from './readTextTrace';
import { TextLines } from './textLines';

export interface TextTraceSessionOptions {
  dialect?: TextDialect;
  fileName?: string;
  /** A window is read once this many complete lines are buffered (default 32 768). */
  windowLines?: number;
  /** … or this many characters (default 4 Mi). */
  windowChars?: number;
  /** A window grows (for one huge message) up to this many characters, then is cut with a finding (default 64 Mi). */
  maxWindowChars?: number;
}

export interface TextTraceSession {
  /** Feeds the next bytes of the file; returns the messages completed so far (in order, indexes final). */
  push(chunk: Uint8Array): SipMessage[];
  /** End of file: reads what is left and returns the last messages. */
  end(): SipMessage[];
  /** The dialect, once the first window was detected (or the forced one). */
  readonly dialect: TextDialect | null;
  /** Findings in readTextTrace's order (reader findings, then per-message ones); complete after end(). */
  readonly findings: Finding[];
  /** After end(): the whole-file error readTextTrace would give (no SIP message, reader failure), else null. */
  readonly error: Finding | null;
  /** Characters of text held right now, and the most ever held: bounded by the window, not by the file. */
  readonly retainedChars: number;
  readonly peakRetainedChars: number;
  /** Windows read so far (a window grown for a long message counts each time it is read). */
  readonly windowsRead: number;
}

const DEFAULT_WINDOW_LINES = 32_768;
const DEFAULT_WINDOW_CHARS = 4 << 20;
const DEFAULT_MAX_WINDOW_CHARS = 64 << 20;
/** Detection looks at the first DETECT_SCAN_LINES lines as readTextTrace does, unless they are this long. */
const DETECT_MAX_CHARS = 32 << 20;
/** A window with no message in it is skipped (all but its tail) only once it has at least this many lines. */
const NOISE_SKIP_LINES = 4096;
/** Lines that must follow a window's last message before it is kept (it may end only where the reader saw more). */
const LAST_MESSAGE_SLACK_LINES = 256;
/** The tail only has to cover how far past a message's end a reader looks (blank lines, a closing marker). */
const MAX_MARGIN_LINES = 1024;

/** Number of line ends (LF, CR LF, lone CR) in complete text: the same count TextLines makes. */
function countLineEnds(s: string): number {
  let n = 0;
  for (let i = s.indexOf('\n'); i >= 0; i = s.indexOf('\n', i + 1)) n++;
  for (let i = s.indexOf('\r'); i >= 0; i = s.indexOf('\r', i + 1)) if (s.charCodeAt(i + 1) !== 10) n++;
  return n;
}

/** Characters of `text` in its first `maxLines` lines, stopping at the first line end past `maxChars` (≥ 1 line). */
function windowSpan(text: string, maxLines: number, maxChars: number): number {
  let pos = 0;
  let lines = 0;
  let lf = -2;
  let cr = -2;
  while (pos < text.length && lines < maxLines && pos < maxChars) {
    if (lf !== -1 && lf < pos) lf = text.indexOf('\n', pos);
    if (cr !== -1 && cr < pos) cr = text.indexOf('\r', pos);
    // A lone CR ends a line, CR LF is one line end (as TextLines splits).
    if (cr >= 0 && (lf < 0 || cr < lf - 1)) pos = cr + 1;
    else if (lf >= 0) pos = lf + 1;
    else pos = text.length;
    lines++;
  }
  return pos;
}

/** All 1-based source lines a message touches: its range, its dialect header line and each rebuilt line. */
function lineSpan(x: ExtractedMessage): { min: number; max: number } {
  let min = Math.min(x.line, x.endLine);
  let max = Math.max(x.line, x.endLine);
  if (x.headerLine !== undefined) { min = Math.min(min, x.headerLine); max = Math.max(max, x.headerLine); }
  for (const l of x.lineMap) { if (l < min) min = l; if (l > max) max = l; }
  return { min, max };
}

function findingLine(f: Finding): number | null {
  return f.source && 'line' in f.source ? f.source.line : null;
}

function shiftFinding(f: Finding, by: number): Finding {
  if (!f.source || !('line' in f.source) || by === 0) return f;
  return { ...f, source: { ...f.source, line: f.source.line + by, endLine: f.source.endLine + by } };
}

function shiftExtracted(x: ExtractedMessage, by: number): void {
  if (by === 0) return;
  x.line += by;
  x.endLine += by;
  if (x.headerLine !== undefined) x.headerLine += by;
  for (let i = 0; i < x.lineMap.length; i++) x.lineMap[i] += by;
}

const FOLLOW = /^Follow: [a-z0-9]+,ascii[ \t]*$/;
const FOLLOW_NODE = /^Node [01]: /;
const FOLLOW_CHUNK = /^\t?\d+$/;
const FOLLOW_RULE = /^={20,}[ \t]*$/;

/**
 * Lines a dialect reader carried from earlier in the file and the next window must see again first: the log's
 * current date (pjsip, FreeSWITCH give only the time of day on message lines) and a Wireshark follow-stream header
 * (its "Node" lines name both ends). Synthetic lines that no reader takes for a message.
 */
function carriedContext(dialect: TextDialect, lines: TextLines, before: number, previous: string[]): string[] {
  if (dialect === 'pjsip' || dialect === 'freeswitch') {
    for (let i = before - 1; i >= 0; i--) {
      const t = lines.text(i);
      // FreeSWITCH takes the date from log lines only, never from its "recv/send" lines (which start with no date).
      if (leadingDate(t) !== null) return [t.slice(0, 11)];
    }
    return previous.slice(previous.length - 1);
  }
  if (dialect === 'follow-stream') {
    let context = previous.slice();
    let inChunks = false;
    for (let i = 0; i < before; i++) {
      const t = lines.text(i);
      if (FOLLOW.test(t)) { context = [t]; inChunks = false; continue; }
      if (context.length === 0) continue;
      if (FOLLOW_RULE.test(t)) { context = []; continue; }
      if (FOLLOW_CHUNK.test(t)) inChunks = true;
      else if (!inChunks && FOLLOW_NODE.test(t)) context.push(t);
    }
    return context;
  }
  return [];
}

function unknownDialect(dialect: string): Finding {
  return { code: 'trace.unknown-dialect', severity: 'error', message: `The dialect "${dialect}" is not one siptrail reads; use one of ${DIALECT_READERS.map((r) => r.dialect).join(', ')}.`, source: { line: 1, endLine: 1 } };
}

export function createTextTraceSession(options: TextTraceSessionOptions = {}): TextTraceSession {
  const windowLines = Math.max(8, options.windowLines ?? DEFAULT_WINDOW_LINES);
  const windowChars = Math.max(64, options.windowChars ?? DEFAULT_WINDOW_CHARS);
  const maxWindowChars = Math.max(windowChars, options.maxWindowChars ?? DEFAULT_MAX_WINDOW_CHARS);
  const name = options.fileName ? `"${options.fileName}"` : 'The text';
  // ignoreBOM keeps a leading BOM in the text, as Buffer#toString does, so positions match readTextTrace's input.
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true });

  /** Decoded text not read yet: complete lines only (a trailing CR waits for a possible LF), plus `partial`. */
  let pieces: string[] = [];
  let piecesChars = 0;
  let piecesLines = 0;
  let partial = '';
  /** 1-based file line of the first buffered line. */
  let firstLine = 1;
  let context: string[] = [];
  let dialect: TextDialect | null = options.dialect ?? null;
  let detected = options.dialect !== undefined;
  let linesThreshold = windowLines;
  let charsThreshold = windowChars;
  let nextIndex = 0;
  let failed: Finding | null = null;
  if (options.dialect !== undefined && !DIALECT_READERS.some((r) => r.dialect === options.dialect)) {
    failed = unknownDialect(options.dialect);
  }
  let error: Finding | null = null;
  let ended = false;
  /** Inside a line longer than maxWindowChars: its rest is dropped (with a finding) up to its line end. */
  let skippingLine = false;
  const readerFindings: Finding[] = [];
  const messageFindings: Finding[] = [];
  let peak = 0;
  let windowsRead = 0;

  const retained = (): number => piecesChars + partial.length;
  const notePeak = (): void => { const r = retained(); if (r > peak) peak = r; };

  function append(text: string, final: boolean): void {
    if (skippingLine) {
      // The rest of an over-long line is not kept; reading resumes at its line end (a CR may begin CR LF).
      const lf = text.indexOf('\n');
      const cr = text.indexOf('\r');
      const at = cr >= 0 && (lf < 0 || cr < lf) ? cr : lf;
      if (at < 0) return;
      text = text.slice(at);
      skippingLine = false;
    }
    // Only the new text can hold a line end: `partial` has none, apart from a CR held back at its very end.
    const base = partial.length;
    const lfAt = text.lastIndexOf('\n');
    const crAt = text.lastIndexOf('\r');
    const lf = lfAt >= 0 ? base + lfAt : -1;
    const cr = crAt >= 0 ? base + crAt : base > 0 && partial.charCodeAt(base - 1) === 13 ? base - 1 : -1;
    let s = partial + text;
    partial = '';
    if (!final) {
      // Hold back an unfinished line, and a CR that may be the first half of CR LF.
      let cut = lf + 1;
      if (cr > lf && cr < s.length - 1) cut = cr + 1;
      partial = cut === 0 ? s : s.slice(cut);
      s = cut === 0 ? '' : s.slice(0, cut);
      if (partial.length > maxWindowChars) {
        const line = firstLine + piecesLines + (s.length > 0 ? countLineEnds(s) : 0);
        readerFindings.push({
          code: 'trace.line-too-long', severity: 'warning',
          message: `Line ${line} should be a log or SIP line of sane length, but it runs past ${maxWindowChars} characters; only its first ${maxWindowChars} characters are read.`,
          source: { line, endLine: line },
        });
        partial = partial.slice(0, maxWindowChars);
        skippingLine = true;
      }
    }
    if (s.length > 0) {
      pieces.push(s);
      piecesChars += s.length;
      const ends = countLineEnds(s);
      // The last line of the file may have no terminator: TextLines still counts it.
      piecesLines += final && !/[\r\n]$/.test(s) ? ends + 1 : ends;
    }
    notePeak();
  }

  /** Drops the buffered text, counting its lines (no dialect fits, or reading failed: only the line count matters). */
  function skipAll(): void {
    firstLine += piecesLines;
    pieces = []; piecesChars = 0; piecesLines = 0;
  }

  /** Detects the dialect on the buffered start of the file (readTextTrace's first DETECT_SCAN_LINES lines). */
  function detect(): void {
    detected = true;
    const text = pieces.length === 1 ? pieces[0] : pieces.join('');
    pieces = text.length > 0 ? [text] : [];
    dialect = detectDialectIn(new TextLines(text));
  }

  /** Reads one window from the buffered text; returns false when it needs a larger window (no safe cut yet). */
  function readWindow(ended: boolean, out: SipMessage[]): boolean {
    const text = pieces.length === 1 ? pieces[0] : pieces.join('');
    pieces = text.length > 0 ? [text] : [];
    const span = windowSpan(text, linesThreshold, charsThreshold);
    const windowText = span === text.length ? text : text.slice(0, span);
    const final = ended && span === text.length;
    const lines = new TextLines(context.length > 0 ? context.join('\n') + '\n' + windowText : windowText);
    const ctx = context.length;
    const count = lines.count - ctx; // real lines in the window
    const reader = DIALECT_READERS.find((r) => r.dialect === dialect);
    if (!reader) {
      failed = unknownDialect(String(dialect));
      skipAll();
      return true;
    }
    windowsRead++;
    const found: Finding[] = [];
    let extracted: ExtractedMessage[];
    try {
      extracted = reader.extract(lines, found);
    } catch (err) {
      failed = { code: 'trace.reader-failure', severity: 'error', message: `Reading ${name} as a text trace failed inside siptrail (${String(err)}); this is a siptrail defect worth reporting.`, source: { line: 1, endLine: 1 } };
      skipAll();
      return true;
    }
    // Window-local 1-based lines: real line r (0-based) is ctx + r + 1.
    let keep = extracted.length;
    let next = count + 1; // first real (1-based, window-local) line of the next window
    let forcedCut = false;
    if (!final) {
      // The tail: a message reaching into it may be cut by the window's end (or decided by lines past it).
      const margin = Math.max(1, Math.min(Math.floor(count / 4), MAX_MARGIN_LINES));
      const tailStart = ctx + count - margin + 1; // window-local line where the tail begins
      const spans = extracted.map(lineSpan);
      const suffixMin: number[] = new Array(spans.length + 1);
      suffixMin[spans.length] = Infinity;
      for (let i = spans.length - 1; i >= 0; i--) suffixMin[i] = Math.min(spans[i].min, suffixMin[i + 1]);
      // The longest prefix of messages, all ending before the tail, that no later message reaches back into.
      let maxEnd = ctx;
      let best = 0;
      for (let k = 1; k <= spans.length; k++) {
        maxEnd = Math.max(maxEnd, spans[k - 1].max);
        if (maxEnd >= tailStart) break;
        // The window's last message may be cut short without reaching the tail (a reader that ends a message at a
        // line further on, e.g. tshark -V's next unindented line): keep it only with plenty of lines after it.
        if (k === spans.length && ctx + count - maxEnd < Math.max(margin, LAST_MESSAGE_SLACK_LINES)) break;
        if (suffixMin[k] > maxEnd) best = k;
      }
      keep = best;
      if (best > 0) {
        let end = ctx;
        for (let k = 0; k < best; k++) end = Math.max(end, spans[k].max);
        next = end + 1 - ctx;
      } else if (count >= Math.max(windowLines, NOISE_SKIP_LINES) || windowText.length * 2 >= maxWindowChars) {
        // No message to keep in a large window: skip the text no message starts in (a mixed log's other lines),
        // leaving a margin before the next message for its caption or log header line.
        const hi = Math.min(suffixMin[0], tailStart) - ctx;
        next = Math.max(1, hi - margin);
      } else {
        next = 1; // a small window may just hold part of one long record: grow it first
      }
      if (next <= 1) {
        if (windowText.length < maxWindowChars) {
          linesThreshold = Math.max(linesThreshold, count) * 2;
          charsThreshold = Math.min(maxWindowChars, Math.max(charsThreshold, windowText.length) * 2);
          return false;
        }
        // One message (or stream) longer than the largest window: read it as it is and say where it was cut.
        forcedCut = true;
        keep = extracted.length;
        next = count + 1;
      }
    }
    const shift = firstLine - 1 - ctx;
    const cutLine = ctx + next; // window-local: findings at or after it are about lines the next window reads again
    for (const f of found) {
      const l = findingLine(f);
      if (final || forcedCut || (l !== null && l < cutLine)) readerFindings.push(shiftFinding(f, shift));
    }
    for (let k = 0; k < keep; k++) {
      const x = extracted[k];
      shiftExtracted(x, shift);
      const m = toSipMessage(x, nextIndex, messageFindings, options.fileName);
      if (m) { out.push(m); nextIndex++; }
    }
    if (forcedCut) {
      const last = firstLine - 1 + count;
      readerFindings.push({
        code: 'trace.window-limit', severity: 'warning',
        message: `Lines ${firstLine} to ${last} should hold a message boundary within ${maxWindowChars} characters (the largest window read at once), but none was found; they were read as one piece, so a message across line ${last} may be cut in two.`,
        source: { line: last, endLine: last },
      });
    }
    // Keep the text from the next window's first line on, and what the reader needs to remember from before it.
    const rest = Math.min(next - 1, count);
    context = carriedContext(dialect!, lines, ctx + rest, context);
    if (rest > 0) {
      let offset = 0;
      for (let i = ctx; i < ctx + rest; i++) offset += lines.text(i).length + lines.term(i).length;
      const leftover = text.slice(offset);
      pieces = leftover.length > 0 ? [leftover] : [];
      piecesChars = leftover.length;
      piecesLines -= rest;
      firstLine += rest;
    }
    linesThreshold = windowLines;
    charsThreshold = windowChars;
    return true;
  }

  function drain(ended: boolean): SipMessage[] {
    const out: SipMessage[] = [];
    if (!detected && (ended || piecesLines >= DETECT_SCAN_LINES || piecesChars >= DETECT_MAX_CHARS)) detect();
    if (!detected) return out;
    if (failed || dialect === null) { skipAll(); return out; }
    for (;;) {
      if (failed) break;
      if (piecesChars === 0) break;
      if (!ended && piecesLines < linesThreshold && piecesChars < charsThreshold) break;
      const before = firstLine;
      const read = readWindow(ended, out);
      if (read && (piecesChars === 0 || firstLine === before)) break;
    }
    return out;
  }

  return {
    push(chunk: Uint8Array): SipMessage[] {
      if (ended) return [];
      append(decoder.decode(chunk, { stream: true }), false);
      return drain(false);
    },
    end(): SipMessage[] {
      if (ended) return [];
      ended = true;
      append(decoder.decode(), true);
      const out = drain(true);
      const totalLines = firstLine - 1 + piecesLines;
      pieces = []; piecesChars = 0; piecesLines = 0; partial = '';
      const whole = { line: 1, endLine: Math.max(1, totalLines) };
      if (failed) error = failed;
      else if (dialect === null) error = noSipMessageError(name, options.dialect, null, whole);
      else if (nextIndex === 0) error = noSipMessageError(name, options.dialect, dialect, whole);
      return out;
    },
    get dialect() { return dialect; },
    get findings() { return [...readerFindings, ...messageFindings]; },
    get error() { return error; },
    get retainedChars() { return retained(); },
    get peakRetainedChars() { return peak; },
    get windowsRead() { return windowsRead; },
  };
}

/** Reads a whole text trace given as byte chunks (e.g. a file read piecewise): readTextTrace's result, streamed. */
export function readTextTraceChunks(chunks: Iterable<Uint8Array>, options: TextTraceSessionOptions = {}): TextTraceResult | { error: Finding } {
  const session = createTextTraceSession(options);
  const messages: SipMessage[] = [];
  for (const chunk of chunks) for (const m of session.push(chunk)) messages.push(m);
  for (const m of session.end()) messages.push(m);
  if (session.error || session.dialect === null) return { error: session.error ?? noSipMessageError('The text', options.dialect, null, { line: 1, endLine: 1 }) };
  return { dialect: session.dialect, messages, findings: session.findings };
}
