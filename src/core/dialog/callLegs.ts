// Back-to-back user agents (SCC AS, SBCs, IMS AS) split one call into legs with different Call-IDs. Legs are linked
// only where the trace gives evidence, and each link says which: RFC 7989 Session-ID, the IMS charging identifier
// (icid-value of P-Charging-Vector, RFC 7315 §4.6), configured correlation headers, or URIs plus timing.
import type { SipMessage } from '../model/sipMessage';
import { headerValue, parseParams, parseUriParts, valueAndParams } from './sipFields';

export type LegEvidence = 'session-id' | 'icid-value' | 'correlation-header' | 'uri-timing';

export interface LegLink {
  callIds: [string, string];
  evidence: LegEvidence;
  /** The shared value (UUID, icid, header value) or, for uri-timing, `from-user → to-user`. */
  value: string;
  /** Header name for correlation-header links. */
  header?: string;
  /** Message indexes that carry the evidence, one per leg. */
  messages: [number, number];
}

export interface CallGroup {
  id: number;
  /** Call-IDs of every leg, in order of first appearance. */
  callIds: string[];
  links: LegLink[];
}

export interface LegOptions {
  /** Extra headers whose value is another leg's Call-ID or a value shared by the legs (lower-case names). */
  correlationHeaders?: string[];
  /** How far apart (seconds) two INVITEs may be for a URI-plus-timing link. */
  uriTimingWindow?: number;
}

export const DEFAULT_CORRELATION_HEADERS = ['x-call-id', 'x-cid', 'x-orig-call-id'];
/** RFC 7989 §5: the null UUID says "unknown"; it links nothing. */
export const NULL_UUID = '00000000000000000000000000000000';

/**
 * The calling party as legs show it: a telephone number by its last 9 digits (national/international forms differ), else
 * the user part. An anonymous From (RFC 3323 §4.1.1.3, RFC 3261 §8.1.1.3 `anonymous.invalid`) names nobody, so it links nothing.
 */
export function callerKey(uri: string | null): string | null {
  if (!uri) return null;
  const { user, host } = parseUriParts(uri);
  if (!user || host.endsWith('anonymous.invalid') || user.toLowerCase() === 'anonymous') return null;
  const semi = user.indexOf(';');
  const u = semi < 0 ? user : user.slice(0, semi);
  let digits = '';
  for (const c of u) if (c >= '0' && c <= '9') digits += c;
  return digits.length >= 6 && digits.length >= u.length - 2 ? `tel:${digits.slice(-9)}` : `user:${u}`;
}

export function linkCallLegs(messages: readonly SipMessage[], order: readonly number[], options: LegOptions = {}): { calls: CallGroup[]; callOf: Map<string, number> } {
  const headers = (options.correlationHeaders ?? DEFAULT_CORRELATION_HEADERS).map((h) => h.toLowerCase());
  const window = options.uriTimingWindow ?? 2;
  const callIds: string[] = [];
  const slot = new Map<string, number>();
  const parent: number[] = [];
  const firstMessage: number[] = [];
  const links: LegLink[] = [];
  const find = (x: number): number => {
    while (parent[x] !== x) {
      parent[x] = parent[parent[x]];
      x = parent[x];
    }
    return x;
  };
  const union = (a: number, b: number, evidence: LegEvidence, value: string, ma: number, mb: number, header?: string): void => {
    const ra = find(a);
    const rb = find(b);
    if (ra === rb) return;
    parent[Math.max(ra, rb)] = Math.min(ra, rb);
    const link: LegLink = { callIds: [callIds[a], callIds[b]], evidence, value, messages: [ma, mb] };
    if (header) link.header = header;
    links.push(link);
  };
  const slotOf = (callId: string, index: number): number => {
    let s = slot.get(callId);
    if (s === undefined) {
      s = callIds.length;
      slot.set(callId, s);
      callIds.push(callId);
      parent.push(s);
      firstMessage.push(index);
    }
    return s;
  };

  const seen = new Map<string, { slot: number; index: number }>();
  const share = (key: string, s: number, index: number, evidence: LegEvidence, value: string, header?: string): void => {
    const prev = seen.get(key);
    if (!prev) seen.set(key, { slot: s, index });
    else if (prev.slot !== s) union(prev.slot, s, evidence, value, prev.index, index, header);
  };
  const headerRefs: { slot: number; value: string; header: string; index: number }[] = [];
  const invitesByUsers = new Map<string, { slot: number; index: number; time: number }[]>();

  for (const index of order) {
    const msg = messages[index];
    if (!msg.callId) continue;
    const s = slotOf(msg.callId, index);
    const sid = headerValue(msg, 'session-id');
    if (sid) {
      // RFC 7989 §6: both legs of a B2BUA carry the same pair of UUIDs (possibly swapped); the null UUID means "unknown".
      const { value, params } = valueAndParams(sid);
      for (const u of [value, params['remote'] ?? '']) {
        const uuid = u.toLowerCase();
        if (uuid && uuid !== NULL_UUID) share(`sid|${uuid}`, s, index, 'session-id', uuid);
      }
    }
    const pcv = headerValue(msg, 'p-charging-vector');
    if (pcv) {
      const icid = parseParams(pcv)['icid-value'];
      if (icid) share(`icid|${icid}`, s, index, 'icid-value', icid);
    }
    for (const h of headers) {
      const v = headerValue(msg, h);
      if (!v) continue;
      const value = v.trim();
      share(`hdr|${value}`, s, index, 'correlation-header', value, h);
      headerRefs.push({ slot: s, value, header: h, index });
    }
    if (msg.kind === 'request' && msg.method === 'INVITE' && !msg.to?.tag && msg.time !== null) {
      const caller = callerKey(msg.from?.uri ?? null);
      if (caller) {
        // A B2BUA's outgoing INVITE carries the same calling party, follows an incoming hop of the other leg within
        // the window, and leaves from the address that incoming hop was sent to. INVITEs are indexed by caller and
        // the address they were sent to, so only candidates that can match are visited (no scan of every caller's INVITE).
        const list = msg.src ? invitesByUsers.get(`${caller}|${msg.src.ip}`) : undefined;
        for (let i = (list?.length ?? 0) - 1; i >= 0 && msg.time - list![i].time <= window; i--) {
          const prev = list![i];
          if (prev.slot === s) continue;
          union(prev.slot, s, 'uri-timing', `caller ${caller} via ${msg.src!.ip}`, prev.index, index);
          break;
        }
        if (msg.dst) {
          const key = `${caller}|${msg.dst.ip}`;
          const sent = invitesByUsers.get(key);
          if (sent) sent.push({ slot: s, index, time: msg.time });
          else invitesByUsers.set(key, [{ slot: s, index, time: msg.time }]);
        }
      }
    }
  }
  // A correlation header whose value is another leg's Call-ID (the usual X-Call-ID use).
  for (const ref of headerRefs) {
    const other = slot.get(ref.value);
    if (other !== undefined && other !== ref.slot) union(other, ref.slot, 'correlation-header', ref.value, firstMessage[other], ref.index, ref.header);
  }
  const byRoot = new Map<number, CallGroup>();
  const calls: CallGroup[] = [];
  const callOf = new Map<string, number>();
  for (let s = 0; s < callIds.length; s++) {
    const r = find(s);
    let g = byRoot.get(r);
    if (!g) {
      g = { id: calls.length, callIds: [], links: [] };
      byRoot.set(r, g);
      calls.push(g);
    }
    g.callIds.push(callIds[s]);
    callOf.set(callIds[s], g.id);
  }
  for (const l of links) calls[callOf.get(l.callIds[0])!].links.push(l);
  return { calls, callOf };
}
