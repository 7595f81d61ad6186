// Rows shared by the Markdown and HTML exports: findings and messages as plain text cells. Runs anywhere core runs.
import { formatEndpoint } from '../model/packet';
import type { SipMessage } from '../model/sipMessage';
import { formatOffset, messageTitle } from '../render/arrowLabel';
import { resolveParticipants, type ParticipantNaming } from '../render/participants';
import type { ExportView } from './exportSelection';

export interface MessageRow {
  index: number;
  /** Step number or trace position, as on the arrow. */
  step: string;
  time: string;
  from: string;
  to: string;
  message: string;
  callId: string;
  cseq: string;
  /** `frame 12` or `line 40`. */
  at: string;
}

export function messageRows(view: ExportView, naming: ParticipantNaming = {}): MessageRow[] {
  const table = resolveParticipants(view.messages, naming);
  const t0 = view.messages.find((m) => m.time !== null)?.time ?? null;
  return view.messages.map((m, i) => ({
    index: m.index,
    step: view.annotations.get(m.index)?.step ?? String(m.index + 1),
    time: t0 !== null && m.time !== null ? formatOffset(m.time - t0) : '',
    from: lifeline(table.participants[table.from[i]].name, m, 'src'),
    to: lifeline(table.participants[table.to[i]].name, m, 'dst'),
    message: messageTitle(m),
    callId: m.callId ?? '',
    cseq: m.cseq ? `${m.cseq.seq} ${m.cseq.method}` : '',
    at: sourceOf(m),
  }));
}

function lifeline(name: string, m: SipMessage, side: 'src' | 'dst'): string {
  const e = side === 'src' ? m.src : m.dst;
  const addr = e ? formatEndpoint(e) : null;
  return addr && addr !== name ? `${name} (${addr})` : name;
}

export function sourceOf(m: SipMessage): string {
  return 'frame' in m.source ? `frame ${m.source.frame}` : `line ${m.source.line}`;
}

/** `3. REFER, 4. 202 Accepted`: the messages a finding is about, by their arrow numbers. */
export function findingMessages(view: ExportView, indexes: readonly number[]): string {
  return indexes.map((i) => view.annotations.get(i)?.step ?? String(i + 1)).join(', ');
}
