// Where each finding of a trace analysis sits in a document: the offending message, narrowed to the header, start
// line or sipfrag line the finding is about, plus its related messages. Pure (no vscode), so it is unit-tested;
// traceDiagnostics.ts turns the result into vscode.Diagnostic objects.
import type { Severity, SourceRef } from '../core/model/finding';
import { canonicalHeaderKey } from '../core/sip/compactForms';
import { firstSpecReference } from './specReference';
import type { AnalysedFinding, MessageSummary, TraceAnalysis } from './traceWorkerProtocol';

export interface DocRange { line: number; character: number; endLine: number; endCharacter: number }

/** How a document shows the messages of a trace (a text trace's own lines, or the decoded-messages view). */
export interface TraceLayout {
  /** 0-based first and last document line of a message (inclusive), or null when the document does not show it. */
  messageLines(index: number): { first: number; last: number } | null;
  /** A finding's own source as 0-based document lines, or null when it is not a place in this document. */
  sourceLines(source: SourceRef): { line: number; column: number | null } | null;
  lineCount: number;
  lineAt(line: number): string;
}

export interface DiagnosticSpec {
  range: DocRange;
  severity: Severity;
  message: string;
  code: string;
  /** The cited RFC/3GPP clause as a link, when the finding cites one. */
  target: string | null;
  related: { range: DocRange; message: string }[];
  /** The message the diagnostic sits on. */
  messageIndex: number | null;
}

const SEVERITY_RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

export function severityAtLeast(severity: Severity, minimum: Severity): boolean {
  return SEVERITY_RANK[severity] <= SEVERITY_RANK[minimum];
}

/** A text trace's layout from the analysis' message sources (1-based text lines). */
export function textTraceLayout(messages: readonly MessageSummary[], lines: { lineCount: number; lineAt(line: number): string }): TraceLayout {
  const byIndex = new Map<number, { first: number; last: number }>();
  for (const m of messages) {
    if (m.source && 'line' in m.source) {
      const first = clamp(m.source.line - 1, lines.lineCount);
      byIndex.set(m.index, { first, last: Math.max(first, clamp(m.source.endLine - 1, lines.lineCount)) });
    }
  }
  return {
    messageLines: (index) => byIndex.get(index) ?? null,
    sourceLines: (source) => ('line' in source ? { line: clamp(source.line - 1, lines.lineCount), column: source.column ?? null } : null),
    lineCount: lines.lineCount,
    lineAt: (line) => lines.lineAt(line),
  };
}

function clamp(line: number, lineCount: number): number {
  return Math.max(0, Math.min(Math.max(0, lineCount - 1), Number.isFinite(line) ? Math.trunc(line) : 0));
}

/** What part of its message a finding is about. */
type Focus = { kind: 'header'; key: string } | { kind: 'start-line' } | { kind: 'sipfrag' };

/** Checker codes whose subject is one place in the message (the flow files' `expect` items, issue 4). */
const FOCUS_BY_CODE: Record<string, Focus> = {
  'flow.refer-to-missing': { kind: 'start-line' },
  'flow.invite-target-mismatch': { kind: 'start-line' },
  'flow.referred-by-mismatch': { kind: 'header', key: 'referred-by' },
  'flow.notify-outside-dialog': { kind: 'header', key: 'call-id' },
  'flow.sipfrag-status-mismatch': { kind: 'sipfrag' },
  'flow.subscription-not-terminated': { kind: 'header', key: 'subscription-state' },
};

// `header('Referred-By')` as the checker's messages quote flow expressions; bounded, no backtracking.
const HEADER_EXPRESSION = /header\('([A-Za-z0-9!%*_+`~.-]{1,64})'\)/;

export function findingFocus(finding: Pick<AnalysedFinding, 'code' | 'message'>): Focus | null {
  const quoted = HEADER_EXPRESSION.exec(finding.message);
  if (quoted) return { kind: 'header', key: canonicalHeaderKey(quoted[1]) };
  return FOCUS_BY_CODE[finding.code] ?? null;
}

/** The message a finding is about: the one of its step (checker findings), else its own message, else the last related. */
export function primaryMessage(finding: AnalysedFinding, analysis: Pick<TraceAnalysis, 'report'>): number | null {
  const related = finding.related.map((r) => r.index);
  if (finding.flow !== undefined && finding.step !== undefined) {
    const instance = analysis.report.flows.find((i) => i.flow === finding.flow && i.instance === finding.instance);
    const step = instance?.steps.find((s) => s.id === finding.step);
    const inStep = step ? related.find((index) => step.messages.includes(index)) : undefined;
    if (inStep !== undefined) return inStep;
  }
  if (finding.messageIndex !== undefined) return finding.messageIndex;
  return related.length ? related[related.length - 1] : null;
}

// A header line: optional indentation (tshark -V indents), a token, optional space, a colon.
const HEADER_LINE = /^(\s*)([A-Za-z0-9!%*_+`'~.-]{1,64})[ \t]*:/;
// A start line, bare or as tshark -V labels it (`Request-Line: INVITE sip:… SIP/2.0`, `Status-Line: SIP/2.0 200 OK`).
const REQUEST_LINE_END = /SIP\/2\.0[ \t]*$/;
const STATUS_LINE = /SIP\/2\.0 \d{3}\b/;

function isStartLine(text: string): boolean {
  return REQUEST_LINE_END.test(text) || STATUS_LINE.test(text);
}

/** The whole text of a line without its indentation and trailing blanks. */
function lineRange(layout: TraceLayout, line: number): DocRange {
  const text = layout.lineAt(line);
  const start = text.length - text.trimStart().length;
  const end = text.trimEnd().length;
  return { line, character: start, endLine: line, endCharacter: Math.max(start, end) };
}

/** The start line of a message (its first line when none is recognised). */
export function startLineRange(layout: TraceLayout, lines: { first: number; last: number }): DocRange {
  for (let l = lines.first; l <= lines.last; l++) if (isStartLine(layout.lineAt(l))) return lineRange(layout, l);
  return lineRange(layout, lines.first);
}

/** Where in a message the focus is: the header's line (first occurrence), the sipfrag status line, or the start line. */
export function focusRange(layout: TraceLayout, lines: { first: number; last: number }, focus: Focus | null): DocRange {
  if (focus?.kind === 'header') {
    for (let l = lines.first; l <= lines.last; l++) {
      const m = HEADER_LINE.exec(layout.lineAt(l));
      if (m && canonicalHeaderKey(m[2]) === focus.key) return lineRange(layout, l);
    }
  } else if (focus?.kind === 'sipfrag') {
    // The body's status line: the second `SIP/2.0 nnn` line of the message (the first is a response's own).
    let seenStart = false;
    for (let l = lines.first; l <= lines.last; l++) {
      const text = layout.lineAt(l);
      if (!isStartLine(text)) continue;
      if (seenStart && STATUS_LINE.test(text)) return lineRange(layout, l);
      seenStart = true;
    }
  }
  return startLineRange(layout, lines);
}

function describeMessage(summary: MessageSummary | undefined, index: number): string {
  const where = summary?.source ? ('frame' in summary.source ? `frame ${summary.source.frame}` : `line ${summary.source.line}`) : `message ${index}`;
  return summary ? `${where}: ${summary.label}` : where;
}

/**
 * Every finding of `analysis` at least as severe as `minimum`, placed in the document `layout` describes. Findings
 * about messages this document does not show are left out (another document shows them); findings about no message
 * sit on the document's first line.
 */
export function placeFindings(analysis: TraceAnalysis, layout: TraceLayout, minimum: Severity): DiagnosticSpec[] {
  const summaries = new Map(analysis.messages.map((m) => [m.index, m]));
  const out: DiagnosticSpec[] = [];
  for (const finding of analysis.findings) {
    if (!severityAtLeast(finding.severity, minimum)) continue;
    const primary = primaryMessage(finding, analysis);
    const messageLines = primary !== null ? layout.messageLines(primary) : null;
    const own = finding.source ? layout.sourceLines(finding.source) : null;
    let range: DocRange;
    if (own && own.column !== null && (!messageLines || (own.line >= messageLines.first && own.line <= messageLines.last))) {
      // Parser findings carry their exact column: from there to the end of the line.
      const text = layout.lineAt(own.line);
      const character = Math.min(own.column, text.length);
      range = { line: own.line, character, endLine: own.line, endCharacter: Math.max(character + 1, text.trimEnd().length) };
    } else if (messageLines) {
      range = focusRange(layout, messageLines, findingFocus(finding));
    } else if (own) {
      range = lineRange(layout, own.line);
    } else if (primary !== null || finding.related.length) {
      continue; // about messages shown elsewhere
    } else {
      range = layout.lineCount ? lineRange(layout, 0) : { line: 0, character: 0, endLine: 0, endCharacter: 0 };
    }
    const related: DiagnosticSpec['related'] = [];
    for (const r of finding.related) {
      if (r.index === primary) continue;
      const lines = layout.messageLines(r.index);
      if (lines) related.push({ range: startLineRange(layout, lines), message: describeMessage(summaries.get(r.index), r.index) });
    }
    const where = finding.flow !== undefined ? ` [${finding.flow}${finding.instance !== undefined ? ` #${finding.instance}` : ''}${finding.step ? `, step ${finding.step}` : ''}]` : '';
    out.push({
      range,
      severity: finding.severity,
      message: finding.message + where,
      code: finding.code,
      target: firstSpecReference(finding.message)?.url ?? null,
      related,
      messageIndex: primary,
    });
  }
  return out;
}
