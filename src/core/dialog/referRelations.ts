// What a REFER is connected to: its implicit subscription and the NOTIFYs in it (RFC 3515 §2.4.4), the INVITE its
// recipient sent because of it (RFC 3515 §2.4.2, Referred-By per RFC 3892 §3), and the session it refers to
// (Target-Dialog, RFC 4538; Replaces in the Refer-To, RFC 3891; else the REFER sender's dialog with the target).
import type { SipMessage } from '../model/sipMessage';
import type { Dialog, DialogState } from './dialogs';
import type { LogicalMessage } from './hops';
import { aorKey, headerValue, parseNameAddrValue, parseUriParts, sameUri, valueAndParams, withoutUriHeaders } from './sipFields';

export interface ReferRelation {
  /** Logical id of the REFER. */
  refer: number;
  referTo: string | null;
  /** Dialog holding the implicit subscription, and the NOTIFYs sent in it (logical ids). */
  subscriptionDialog: number | null;
  notifies: number[];
  /** The INVITE the REFER's recipient sent to the Refer-To target (logical id), with what matched. */
  triggeredInvite: number | null;
  inviteEvidence: string[];
  /** The session the REFER refers to (dialog id), and how it was found. */
  originalSession: number | null;
  originalEvidence: 'target-dialog' | 'replaces' | 'parties' | null;
}

export function dialogStateAt(d: Dialog, rank: number, logical: readonly LogicalMessage[]): DialogState {
  let state: DialogState = 'trying';
  for (const c of d.states) {
    if (logical[c.logical].rank <= rank) state = c.state;
    else break;
  }
  return state;
}

export function buildReferRelations(
  messages: readonly SipMessage[], logical: readonly LogicalMessage[], dialogs: readonly Dialog[], dialogOf: readonly number[][],
): ReferRelation[] {
  const invitesByTarget = new Map<string, LogicalMessage[]>();
  const dialogsByParties = new Map<string, Dialog[]>();
  const dialogByKey = new Map<string, Dialog>();
  for (const lm of logical) {
    if (lm.kind === 'request' && lm.method === 'INVITE' && lm.toTag === null) {
      const key = aorKey(messages[lm.first].requestUri);
      if (key) {
        const list = invitesByTarget.get(key);
        if (list) list.push(lm);
        else invitesByTarget.set(key, [lm]);
      }
    }
  }
  for (const d of dialogs) {
    if (d.usage !== 'invite') continue;
    // A party is known by its address-of-record and by its Contact (a Refer-To often names the Contact).
    const keys = new Set<string>();
    for (const x of [d.caller.aor, aorKey(d.caller.contact)]) {
      for (const y of [d.callee.aor, aorKey(d.callee.contact)]) {
        const k = partiesKey(x, y);
        if (k) keys.add(k);
      }
    }
    for (const k of keys) {
      const list = dialogsByParties.get(k);
      if (list) list.push(d);
      else dialogsByParties.set(k, [d]);
    }
    if (d.remoteTag !== null) {
      dialogByKey.set(`${d.callId}|${d.localTag}|${d.remoteTag}`, d);
      dialogByKey.set(`${d.callId}|${d.remoteTag}|${d.localTag}`, d);
    }
  }

  const out: ReferRelation[] = [];
  for (const lm of logical) {
    if (lm.kind !== 'request' || lm.method !== 'REFER') continue;
    const refer = messages[lm.first];
    const referToValue = headerValue(refer, 'refer-to');
    const referTo = referToValue ? parseNameAddrValue(referToValue)?.uri ?? null : null;
    const rel: ReferRelation = {
      refer: lm.id, referTo, subscriptionDialog: null, notifies: [], triggeredInvite: null, inviteEvidence: [],
      originalSession: null, originalEvidence: null,
    };
    for (const did of dialogOf[lm.id]) {
      const sub = dialogs[did].subscriptions.find((s) => s.event === 'refer' && (s.id === String(lm.cseq) || s.createdBy === lm.id));
      if (sub) {
        rel.subscriptionDialog = did;
        rel.notifies = sub.notifies.slice();
        break;
      }
    }
    if (referTo) {
      const target = withoutUriHeaders(referTo);
      const recipient = aorKey(refer.to?.uri ?? refer.requestUri);
      const referredBy = headerValue(refer, 'referred-by');
      const referredByUri = referredBy ? parseNameAddrValue(referredBy)?.uri ?? null : null;
      let best: { lm: LogicalMessage; evidence: string[] } | null = null;
      for (const inv of invitesByTarget.get(aorKey(target) ?? '') ?? []) {
        if (inv.rank <= lm.rank) continue;
        const m = messages[inv.first];
        const evidence: string[] = [];
        if (sameUri(m.requestUri, target)) evidence.push('request-uri');
        if (recipient && aorKey(m.from?.uri) === recipient) evidence.push('sender');
        const rb = headerValue(m, 'referred-by');
        if (rb && referredByUri && sameUri(parseNameAddrValue(rb)?.uri ?? null, referredByUri)) evidence.push('referred-by');
        if (!evidence.includes('request-uri') || evidence.length < 2) continue;
        if (!best || evidence.length > best.evidence.length) best = { lm: inv, evidence };
        if (evidence.length === 3) break;
      }
      if (best) {
        rel.triggeredInvite = best.lm.id;
        rel.inviteEvidence = best.evidence;
      }
      findOriginal(rel, refer, referTo, lm, logical, dialogByKey, dialogsByParties);
    }
    out.push(rel);
  }
  return out;
}

function findOriginal(
  rel: ReferRelation, refer: SipMessage, referTo: string, lm: LogicalMessage, logical: readonly LogicalMessage[],
  dialogByKey: Map<string, Dialog>, dialogsByParties: Map<string, Dialog[]>,
): void {
  // RFC 4538 §7: Target-Dialog: callid;local-tag=..;remote-tag=..
  const td = headerValue(refer, 'target-dialog');
  if (td) {
    const { value, params } = valueAndParams(td);
    const d = dialogByKey.get(`${value}|${params['local-tag'] ?? ''}|${params['remote-tag'] ?? ''}`);
    if (d) {
      rel.originalSession = d.id;
      rel.originalEvidence = 'target-dialog';
      return;
    }
  }
  // RFC 3891 §3 / RFC 3515 §2.1: Refer-To may embed Replaces=callid;to-tag=..;from-tag=.. as a URI header.
  const headers = parseUriParts(referTo).headers ?? {};
  for (const name of Object.keys(headers)) {
    if (name.toLowerCase() !== 'replaces') continue;
    const { value: callId, params } = valueAndParams(safeDecode(headers[name]));
    const d = dialogByKey.get(`${callId}|${params['from-tag'] ?? ''}|${params['to-tag'] ?? ''}`);
    if (d) {
      rel.originalSession = d.id;
      rel.originalEvidence = 'replaces';
      return;
    }
  }
  const k = partiesKey(aorKey(refer.from?.uri), aorKey(referTo));
  let best: Dialog | null = null;
  for (const d of (k ? dialogsByParties.get(k) : undefined) ?? []) {
    if (dialogStateAt(d, lm.rank, logical) === 'confirmed') best = d;
  }
  if (best) {
    rel.originalSession = best.id;
    rel.originalEvidence = 'parties';
  }
}

function partiesKey(a: string | null, b: string | null): string | null {
  if (!a || !b) return null;
  return a < b ? `${a}|${b}` : `${b}|${a}`;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
