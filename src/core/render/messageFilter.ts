// Which messages a ladder diagram leaves out. Runs anywhere core runs.
// 3GPP flows (TS 24.237 and the like) say "the SIP 100 (Trying) responses and SIP NOTIFY requests with
// SIP 100 (Trying) are not shown"; the filter reproduces exactly that view of a real trace.
import type { SipMessage } from '../model/sipMessage';
import { decodeLatin1 } from '../util/bytes';
import { sipfragStatus } from '../dialog/sipFields';

export interface MessageFilter {
  /** Hide 100 (Trying) responses. */
  hideTrying?: boolean;
  /** Hide NOTIFYs whose message/sipfrag body reports a provisional status (RFC 3515 §2.4.5), and their responses. */
  hideProvisionalNotify?: boolean;
  /** Hide second copies of one packet (mirror port, second interface). */
  hideDuplicates?: boolean;
}

/** The messages the diagram draws, in their original order. */
export function visibleMessages(messages: readonly SipMessage[], filter: MessageFilter): SipMessage[] {
  if (!filter.hideTrying && !filter.hideProvisionalNotify && !filter.hideDuplicates) return messages.slice();
  const hiddenNotifies = new Set<string>();
  const out: SipMessage[] = [];
  for (const m of messages) {
    if (filter.hideDuplicates && m.duplicateOf !== undefined) continue;
    if (m.kind === 'response') {
      if (filter.hideTrying && m.status === 100) continue;
      if (filter.hideProvisionalNotify && m.cseq?.method === 'NOTIFY' && hiddenNotifies.has(transactionKey(m))) continue;
    } else if (filter.hideProvisionalNotify && m.method === 'NOTIFY' && isProvisionalSipfrag(m)) {
      hiddenNotifies.add(transactionKey(m));
      continue;
    }
    out.push(m);
  }
  return out;
}

function transactionKey(m: SipMessage): string {
  return `${m.callId ?? ''}\u0000${m.cseq?.seq ?? ''}`;
}

function isProvisionalSipfrag(m: SipMessage): boolean {
  const type = (m.contentType ?? '').toLowerCase();
  if (!type.startsWith('message/sipfrag')) return false;
  // The status line is all that matters; no need to decode a large body.
  const status = sipfragStatus(decodeLatin1(m.body, 0, Math.min(m.body.length, 256)));
  return status !== null && status < 200;
}
