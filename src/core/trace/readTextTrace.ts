// Reads a text trace (a tool's log, a capture printed as text, a specification's example tables) into the same
// SipMessage list the capture readers produce, each message with its 1-based line range in the text.
// Pure core code: the CLI and the extension pass the text in and get data back; nothing here throws.
import type { Finding } from '../model/finding';
import type { SipMessage } from '../model/sipMessage';
import { encodeUtf8 } from '../util/bytes';
import { parseSipMessage } from '../sip/parseSipMessage';
import { DIALECT_READERS } from './dialects/index';
import type { ExtractedMessage } from './extractedMessage';
import { TextLines } from './textLines';

export type TextDialect = 'raw' | '3gpp-table' | 'sipp-trace' | 'tshark-verbose' | 'tshark-hex' | 'follow-stream' | 'ngrep' | 'sngrep' | 'asterisk' | 'freeswitch' | 'kamailio-sipdump' | 'homer' | 'pjsip' | 'belle-sip' | 'baresip';

export interface TextTraceResult { dialect: TextDialect; messages: SipMessage[]; findings: Finding[] }

/** Lines looked at to detect the dialect: enough for any log's first messages, bounded for huge files. */
export const DETECT_SCAN_LINES = 50_000;

/** The best-scoring dialect over the first DETECT_SCAN_LINES lines (shared with the streaming session). */
export function detectDialectIn(lines: TextLines): TextDialect | null {
  let best: TextDialect | null = null;
  let bestScore = 0;
  for (const reader of DIALECT_READERS) {
    const score = reader.detect(lines, DETECT_SCAN_LINES);
    if (score > bestScore) { best = reader.dialect; bestScore = score; }
  }
  return best;
}

/** The dialect the text is written in, judged by its content (never by a file name), or null when none fits. */
export function detectTextDialect(text: string): TextDialect | null {
  try {
    return detectDialectIn(new TextLines(text));
  } catch {
    return null;
  }
}

/** Reads a text trace. Returns { error } (a positioned Finding) when no SIP message is found or the forced dialect does not fit. */
export function readTextTrace(text: string, options?: { dialect?: TextDialect; fileName?: string }): TextTraceResult | { error: Finding } {
  const name = options?.fileName ? `"${options.fileName}"` : 'The text';
  try {
    const lines = new TextLines(text);
    const whole = { line: 1, endLine: Math.max(1, lines.count) };
    const forced = options?.dialect;
    const dialect = forced ?? detectDialectIn(lines);
    if (dialect === null) return { error: noSipMessageError(name, forced, null, whole) };
    const reader = DIALECT_READERS.find((r) => r.dialect === dialect);
    if (!reader) {
      return { error: { code: 'trace.unknown-dialect', severity: 'error', message: `The dialect "${dialect}" is not one siptrail reads; use one of ${DIALECT_READERS.map((r) => r.dialect).join(', ')}.`, source: whole } };
    }
    const findings: Finding[] = [];
    const extracted = reader.extract(lines, findings);
    const messages: SipMessage[] = [];
    for (const x of extracted) {
      const m = toSipMessage(x, messages.length, findings, options?.fileName);
      if (m) messages.push(m);
    }
    if (messages.length === 0) return { error: noSipMessageError(name, forced, dialect, whole) };
    return { dialect, messages, findings };
  } catch (err) {
    // A reader defect must not escape to the caller; report it as data instead.
    return { error: { code: 'trace.reader-failure', severity: 'error', message: `Reading ${name} as a text trace failed inside siptrail (${String(err)}); this is a siptrail defect worth reporting.`, source: { line: 1, endLine: 1 } } };
  }
}

/** The whole-text error when no SIP message was read: no dialect fits (`dialect` null), or the chosen one found nothing. */
export function noSipMessageError(name: string, forced: TextDialect | undefined, dialect: TextDialect | null, whole: { line: number; endLine: number }): Finding {
  if (dialect === null) {
    return { code: 'trace.no-sip-message', severity: 'error', message: `${name} should hold SIP messages (a start line such as "INVITE sip:… SIP/2.0" or "SIP/2.0 200 OK" followed by header fields, or a known SIP tool's log), but none was found in it.`, source: whole };
  }
  const message = forced
    ? `${name} was read as "${forced}" as asked, but no SIP message was found in that layout; let siptrail detect the dialect or pick another one.`
    : `${name} looks like "${dialect}" but no SIP message could be read from it.`;
  return { code: forced ? 'trace.dialect-mismatch' : 'trace.no-sip-message', severity: 'error', message, source: whole };
}

/** One extracted message as a SipMessage numbered `index`; parse problems go to `findings` (null when unparseable). */
export function toSipMessage(x: ExtractedMessage, index: number, findings: Finding[], fileName: string | undefined): SipMessage | null {
  const raw = encodeUtf8(x.raw);
  const outcome = parseSipMessage(raw);
  const at = (line: number): number => x.lineMap[Math.min(Math.max(line, 0), x.lineMap.length - 1)] ?? x.line;
  if (!outcome.ok) {
    const line = at(outcome.issue.line);
    findings.push({ code: outcome.issue.code, severity: outcome.issue.severity, message: outcome.issue.message, source: { line, endLine: line, column: outcome.issue.column } });
    return null;
  }
  const parsed = outcome.message;
  for (const issue of parsed.issues) {
    const line = at(issue.line);
    findings.push({ code: issue.code, severity: issue.severity, message: issue.message, source: { line, endLine: line, column: issue.column }, messageIndex: index });
  }
  if (x.declaredLength !== undefined && x.declaredLength !== raw.length) {
    findings.push({
      code: 'trace.length-mismatch',
      severity: 'warning',
      message: `The log line says the message has ${x.declaredLength} bytes, but ${raw.length} bytes were read for it (the log may have changed line endings or cut the message).`,
      source: { line: x.headerLine ?? x.line, endLine: x.headerLine ?? x.line },
      messageIndex: index,
    });
  }
  const message: SipMessage = {
    ...parsed,
    index,
    time: x.time,
    src: x.src,
    dst: x.dst,
    transport: x.transport,
    raw,
    source: fileName ? { line: x.line, endLine: x.endLine, file: fileName } : { line: x.line, endLine: x.endLine },
    lineMap: x.lineMap,
  };
  if (x.caption) message.caption = x.caption;
  return message;
}
