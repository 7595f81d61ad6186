// Hover text for a Call-ID, tag or branch value in a trace: the dialog or transaction it identifies, as markdown.
// Pure (no vscode).
import type { DialogSummary, MessageSummary, TraceAnalysis } from './traceWorkerProtocol';

/** Messages listed in one hover at most; the rest are counted. */
const LISTED = 12;

/** Characters of a Call-ID, tag or branch value (RFC 3261 §25.1 `word` and `token`, minus the separators around them). */
export const HOVER_TOKEN = /[A-Za-z0-9.!%*_+`'~@()\-]+/;

function where(m: MessageSummary): string {
  if (!m.source) return `message ${m.index + 1}`;
  return 'frame' in m.source ? `frame ${m.source.frame}` : `line ${m.source.line}`;
}

/** Backslash-escapes markdown punctuation: trace text is shown as text, never as markup. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>&~]/g, (c) => `\\${c}`);
}

function messageList(indexes: readonly number[], byIndex: ReadonlyMap<number, MessageSummary>): string[] {
  const lines: string[] = [];
  for (const i of indexes.slice(0, LISTED)) {
    const m = byIndex.get(i);
    if (m) lines.push(`- ${escapeMarkdown(where(m))}: ${escapeMarkdown(m.label)} (${escapeMarkdown(m.from)} → ${escapeMarkdown(m.to)})`);
  }
  if (indexes.length > LISTED) lines.push(`- … and ${indexes.length - LISTED} more`);
  return lines;
}

function describeDialog(d: DialogSummary, matched: string, byIndex: ReadonlyMap<number, MessageSummary>): string {
  const lines = [
    `**SIP dialog** ${escapeMarkdown(d.label)} (${matched})`,
    '',
    `Call-ID \`${d.callId.replace(/`/g, "'")}\` · state **${d.state}**${d.terminatedBy ? ` (${escapeMarkdown(d.terminatedBy)})` : ''}`,
    '',
    `Tags: ${escapeMarkdown(d.localTag)} / ${d.remoteTag === null ? '(none yet)' : escapeMarkdown(d.remoteTag)} · ${d.messages.length} message${d.messages.length === 1 ? '' : 's'}`,
    '',
    ...messageList(d.messages, byIndex),
  ];
  return lines.join('\n');
}

/**
 * What `token` identifies in the analysed trace: dialogs with that Call-ID or tag, else the transaction with that
 * Via branch (RFC 3261 §17.1.3), else messages with that Call-ID but no dialog. Null when it identifies nothing.
 */
export function describeToken(token: string, analysis: Pick<TraceAnalysis, 'messages' | 'dialogs'>): string | null {
  if (token.length < 3) return null;
  const byIndex = new Map(analysis.messages.map((m) => [m.index, m]));
  const parts: string[] = [];
  for (const d of analysis.dialogs) {
    const matched = d.callId === token ? 'Call-ID' : d.localTag === token ? 'local tag' : d.remoteTag === token ? 'remote tag' : null;
    if (matched) parts.push(describeDialog(d, matched, byIndex));
    if (parts.length >= 3) break;
  }
  if (parts.length) return parts.join('\n\n---\n\n');
  const transaction: number[] = [];
  let key = '';
  for (const m of analysis.messages) {
    if (m.transaction !== null && m.transaction.slice(0, m.transaction.indexOf('|')) === token) {
      transaction.push(m.index);
      key = m.transaction;
    }
  }
  if (transaction.length) {
    const [, sentBy, method] = key.split('|');
    return [
      `**SIP transaction** ${escapeMarkdown(method ?? '')} (Via branch, RFC 3261 §17)`,
      '',
      `Sent by ${escapeMarkdown(sentBy ?? '?')} · ${transaction.length} message${transaction.length === 1 ? '' : 's'}`,
      '',
      ...messageList(transaction, byIndex),
    ].join('\n');
  }
  const sameCall = analysis.messages.filter((m) => m.callId === token).map((m) => m.index);
  if (sameCall.length) {
    return [`**Call-ID** (no dialog formed) · ${sameCall.length} message${sameCall.length === 1 ? '' : 's'}`, '', ...messageList(sameCall, byIndex)].join('\n');
  }
  return null;
}
