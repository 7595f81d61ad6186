// Arrow labels as the 3GPP flows write them (`3. REFER`, `10. 202 Accepted`), plus the time offset.
// Runs anywhere core runs. Returns plain text: escaping for mermaid happens where the diagram is built.
import type { SipMessage } from '../model/sipMessage';
import { clipText } from './mermaidText';

/** Longest method or reason phrase drawn on an arrow; the details pane shows the full message. */
const MAX_TITLE = 60;

/** `REFER`, or `202 Accepted` for a response. */
export function messageTitle(m: SipMessage): string {
  if (m.kind === 'request') return m.method ?? 'request';
  const status = m.status === null ? 'response' : String(m.status);
  return m.reason ? `${status} ${m.reason}` : status;
}

/** Seconds relative to the trace's first timestamp, to the millisecond: `+0.512s`, `-0.003s`. */
export function formatOffset(seconds: number): string {
  const ms = Math.round(seconds * 1000);
  const sign = ms < 0 ? '-' : '+';
  const abs = Math.abs(ms);
  return `${sign}${Math.floor(abs / 1000)}.${String(abs % 1000).padStart(3, '0')}s`;
}

/** `3. REFER (+0.512s)`: step (or trace position), title, offset when known, and a mark for a captured copy. */
export function arrowLabel(m: SipMessage, step: string, origin: number | null): string {
  let label = `${step}. ${clipText(messageTitle(m), MAX_TITLE)}`;
  if (m.duplicateOf !== undefined) label += ' (copy)';
  if (origin !== null && m.time !== null) label += ` (${formatOffset(m.time - origin)})`;
  return label;
}
