// Back-to-back user agents (SCC AS, SBCs, IMS AS) split one call into legs with different Call-IDs. Legs are linked
// only where the trace gives evidence, and each link says which: RFC 7989 Session-ID, the IMS charging identifier
// (icid-value of P-Charging-Vector, RFC 7315 §4.6), configured correlation headers, or URIs plus timing.
import type { SipMessage } from '../model/sipMessage';
import { headerValue, parseParams, parseUriParts, valueAndParams } from './sipFields';
import { SEPARATE_ARRAYS, type ColumnMemory } from '../index/columnMemory';
import { ColumnRows, type FloatColumn, type IntColumn } from '../index/growableColumns';

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
const NULL_UUID = '00000000000000000000000000000000';

/**
 * The calling party as legs show it: a telephone number by its last 9 digits (national/international forms differ), else
 * the user part. An anonymous From (RFC 3323 §4.1.1.3, RFC 3261 §8.1.1.3 `anonymous.invalid`) names nobody, so it links nothing.
 */
function callerKey(uri: string | null): string | null {
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
  const linker = new LegLinker<string>(headers, options.uriTimingWindow ?? 2, (callId) => callId);
  for (const index of order) {
    const msg = messages[index];
    if (!msg.callId) continue;
    const s = linker.message(msg.callId, index);
    linker.evidence(s, index, headerValue(msg, 'session-id'), headerValue(msg, 'p-charging-vector'), (h) => headerValue(msg, h));
    if (msg.kind === 'request' && msg.method === 'INVITE' && !msg.to?.tag && msg.time !== null) {
      linker.invite(s, index, msg.from?.uri ?? null, msg.time, msg.src?.ip ?? null, msg.dst?.ip ?? null);
    }
  }
  const calls = linker.groups(false);
  const callOf = new Map<string, number>();
  for (const g of calls) for (const callId of g.callIds) callOf.set(callId, g.id);
  return { calls, callOf };
}

/** A call's slot in a LegLinker (-1 for a call not seen yet). */
export interface CallSlots<Call> {
  get(call: Call): number;
  set(call: Call, slot: number): void;
}

class CallSlotMap<Call> implements CallSlots<Call> {
  private readonly map = new Map<Call, number>();
  get(call: Call): number {
    return this.map.get(call) ?? -1;
  }
  set(call: Call, slot: number): void {
    this.map.set(call, slot);
  }
}

/**
 * The linking of one trace's legs, fed message by message in time order: by linkCallLegs from message objects,
 * and by the compact index from its columns (calls identified there by string ids, decoded only for the output).
 */
export class LegLinker<Call> {
  private readonly slotCall: Call[] = [];
  // Per slot, and per INVITE (below): typed columns in `memory`. On the index's 30,000 calls, growing JavaScript
  // arrays here had cost ~1,300 fresh pages (~20 ms on the bench machine) in the correlation.
  private readonly slots: ColumnRows;
  private readonly firstMessage: IntColumn;
  private readonly parent: IntColumn;
  private readonly links: { a: number; b: number; evidence: LegEvidence; value: string; messages: [number, number]; header?: string }[] = [];
  private readonly seen = new Map<string, { slot: number; index: number }>();
  private readonly headerRefs: { slot: number; value: string; header: string; index: number }[] = [];
  // Callers (by From URI) and addresses are numbered; the INVITEs a caller sent to an address are a list, newest
  // first, through columns (slot, message, time, next), so an INVITE costs no string and no object.
  private readonly callerOfUri = new Map<string, number>();
  private readonly callerNames: string[] = [];
  private readonly callerNumbers = new Map<string, number>();
  private readonly addressNumbers = new Map<string, number>();
  private readonly sentTo = new Map<number, number>();
  private readonly invites: ColumnRows;
  private readonly inviteSlot: IntColumn;
  private readonly inviteMessage: IntColumn;
  private readonly inviteTime: FloatColumn;
  private readonly inviteNext: IntColumn;

  /**
   * `headers`: the correlation headers, lower case; `callText`: a call's Call-ID as printed; `slotOf` keeps each
   * call's slot: a Map by default, where the index passes a map by string id (one read, no hashing), its arena as
   * `memory`, and its message count as `expected` (calls and INVITEs are sized for a quarter of it).
   */
  constructor(
    private readonly headers: readonly string[], private readonly window: number, private readonly callText: (call: Call) => string,
    private readonly slotOf: CallSlots<Call> = new CallSlotMap<Call>(), memory: ColumnMemory = SEPARATE_ARRAYS, expected = 64,
  ) {
    this.slots = new ColumnRows(expected / 4, memory);
    this.firstMessage = this.slots.int();
    this.parent = this.slots.int();
    this.invites = new ColumnRows(expected / 4, memory);
    this.inviteSlot = this.invites.int();
    this.inviteMessage = this.invites.int();
    this.inviteTime = this.invites.float();
    this.inviteNext = this.invites.int();
  }

  /** The slot of message `index`'s call (a new one on its first message). */
  message(call: Call, index: number): number {
    let s = this.slotOf.get(call);
    if (s < 0) {
      s = this.slotCall.length;
      this.slotOf.set(call, s);
      this.slotCall.push(call);
      this.slots.add();
      this.parent.data[s] = s;
      this.firstMessage.data[s] = index;
    }
    return s;
  }

  /** The message's Session-ID and P-Charging-Vector values and its correlation headers' values (first of each). */
  evidence(s: number, index: number, sid: string | null, pcv: string | null, header: (name: string) => string | null): void {
    if (sid) {
      // RFC 7989 §6: both legs of a B2BUA carry the same pair of UUIDs (possibly swapped); the null UUID means "unknown".
      const { value, params } = valueAndParams(sid);
      for (const u of [value, params['remote'] ?? '']) {
        const uuid = u.toLowerCase();
        if (uuid && uuid !== NULL_UUID) this.share(`sid|${uuid}`, s, index, 'session-id', uuid);
      }
    }
    if (pcv) {
      const icid = parseParams(pcv)['icid-value'];
      if (icid) this.share(`icid|${icid}`, s, index, 'icid-value', icid);
    }
    for (const h of this.headers) {
      const v = header(h);
      if (!v) continue;
      const value = v.trim();
      this.share(`hdr|${value}`, s, index, 'correlation-header', value, h);
      this.headerRefs.push({ slot: s, value, header: h, index });
    }
  }

  /** An out-of-dialog INVITE (no To tag) with a time. */
  invite(s: number, index: number, fromUri: string | null, time: number, srcIp: string | null, dstIp: string | null): void {
    const caller = this.callerOf(fromUri);
    if (caller < 0) return;
    // A B2BUA's outgoing INVITE carries the same calling party, follows an incoming hop of the other leg within
    // the window, and leaves from the address that incoming hop was sent to. INVITEs are indexed by caller and
    // the address they were sent to, so only candidates that can match are visited (no scan of every caller's INVITE).
    const newest = srcIp === null ? undefined : this.sentTo.get(caller * 65536 + this.addressNumber(srcIp));
    const times = this.inviteTime.data, next = this.inviteNext.data;
    for (let k = newest ?? -1; k >= 0 && time - times[k] <= this.window; k = next[k]) {
      const prevSlot = this.inviteSlot.data[k];
      if (prevSlot === s) continue;
      this.union(prevSlot, s, 'uri-timing', `caller ${this.callerNames[caller]} via ${srcIp}`, this.inviteMessage.data[k], index);
      break;
    }
    if (dstIp === null) return;
    const key = caller * 65536 + this.addressNumber(dstIp);
    const k = this.invites.add();
    this.inviteSlot.data[k] = s;
    this.inviteMessage.data[k] = index;
    this.inviteTime.data[k] = time;
    this.inviteNext.data[k] = this.sentTo.get(key) ?? -1;
    this.sentTo.set(key, k);
  }

  /**
   * The call groups, in order of first appearance, with the links found; `linkedOnly` leaves out the calls that
   * nothing linked (and their Call-IDs are then never printed). `callOfText` finds a call by its Call-ID text, for
   * correlation headers whose value is another leg's Call-ID.
   */
  groups(linkedOnly: boolean, callOfText: (text: string) => Call | undefined = (t) => t as unknown as Call): CallGroup[] {
    // A correlation header whose value is another leg's Call-ID (the usual X-Call-ID use).
    for (const ref of this.headerRefs) {
      const call = callOfText(ref.value);
      const other = call === undefined ? -1 : this.slotOf.get(call);
      if (other >= 0 && other !== ref.slot) this.union(other, ref.slot, 'correlation-header', ref.value, this.firstMessage.data[other], ref.index, ref.header);
    }
    this.headerRefs.length = 0;
    const linked = new Set<number>();
    for (const l of this.links) linked.add(this.find(l.a));
    const byRoot = new Map<number, CallGroup>();
    const calls: CallGroup[] = [];
    for (let s = 0; s < this.slotCall.length; s++) {
      const r = this.find(s);
      if (linkedOnly && !linked.has(r)) continue;
      let g = byRoot.get(r);
      if (!g) {
        g = { id: calls.length, callIds: [], links: [] };
        byRoot.set(r, g);
        calls.push(g);
      }
      g.callIds.push(this.callText(this.slotCall[s]));
    }
    for (const l of this.links) {
      const link: LegLink = { callIds: [this.callText(this.slotCall[l.a]), this.callText(this.slotCall[l.b])], evidence: l.evidence, value: l.value, messages: l.messages };
      if (l.header) link.header = l.header;
      byRoot.get(this.find(l.a))!.links.push(link);
    }
    return calls;
  }

  private find(x: number): number {
    const parent = this.parent.data;
    while (parent[x] !== x) {
      parent[x] = parent[parent[x]];
      x = parent[x];
    }
    return x;
  }

  private union(a: number, b: number, evidence: LegEvidence, value: string, ma: number, mb: number, header?: string): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra === rb) return;
    this.parent.data[Math.max(ra, rb)] = Math.min(ra, rb);
    this.links.push(header ? { a, b, evidence, value, messages: [ma, mb], header } : { a, b, evidence, value, messages: [ma, mb] });
  }

  private share(key: string, s: number, index: number, evidence: LegEvidence, value: string, header?: string): void {
    const prev = this.seen.get(key);
    if (!prev) this.seen.set(key, { slot: s, index });
    else if (prev.slot !== s) this.union(prev.slot, s, evidence, value, prev.index, index, header);
  }

  private callerOf(fromUri: string | null): number {
    if (fromUri === null) return -1;
    let caller = this.callerOfUri.get(fromUri);
    if (caller === undefined) {
      const key = callerKey(fromUri);
      caller = key === null ? -1 : this.callerNumbers.get(key) ?? -1;
      if (key !== null && caller < 0) {
        caller = this.callerNames.push(key) - 1;
        this.callerNumbers.set(key, caller);
      }
      this.callerOfUri.set(fromUri, caller);
    }
    return caller;
  }

  private addressNumber(ip: string): number {
    let k = this.addressNumbers.get(ip);
    if (k === undefined) this.addressNumbers.set(ip, (k = this.addressNumbers.size));
    return k;
  }
}
