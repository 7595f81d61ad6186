// The same request or response seen at several capture points (UE side, proxy, CSCFs, SCC AS) is one logical
// message with a list of hops. Proxies add their own Via on top and may add Record-Route or rewrite the
// Request-URI (RFC 3261 §16.6), but the originating UA's Via — the bottom-most one — travels unchanged, so
// Call-ID + CSeq + method + bottom Via branch identify the message end to end.
import type { SipMessage } from '../model/sipMessage';
import type { CopyGroup, Transaction } from './transactions';

export interface LogicalMessage {
  id: number;
  kind: 'request' | 'response';
  method: string;
  status: number | null;
  callId: string | null;
  cseq: number | null;
  fromTag: string | null;
  toTag: string | null;
  /** Copy groups, one per hop, in the order the hops were seen. */
  hops: number[];
  /** Message index of the first copy at the first hop: the representative message. */
  first: number;
  /** Every message index of every hop and copy, ascending. */
  indexes: number[];
  /** Time rank of `first` (see MessageOrder). */
  rank: number;
  time: number | null;
}

export interface HopTable {
  logical: LogicalMessage[];
  /** logicalOf[messageIndex] = logical message id, -1 for messages outside any transaction. */
  logicalOf: Int32Array;
}

function hopKey(msg: SipMessage, group: CopyGroup, tx: Transaction): string {
  const method = messageMethod(msg, tx);
  const base = `${msg.callId ?? ''}|${msg.cseq?.seq ?? tx.cseq ?? ''}|${method}`;
  // CANCEL and ACK to a non-2xx response are hop-by-hop (RFC 3261 §16.10, §17.1.1.3): each proxy makes its own,
  // carrying only its own Via, so they are merged by dialog identifiers instead of the bottom Via.
  const hopByHop = method === 'CANCEL' || group.role === 'ack';
  const bottom = msg.vias.length ? msg.vias[msg.vias.length - 1] : null;
  const origin = hopByHop
    ? `hbh|${msg.from?.tag ?? ''}|${group.role === 'ack' ? msg.to?.tag ?? '' : ''}`
    : `${bottom?.branch ?? ''}|${bottom ? bottom.sentBy.toLowerCase() : ''}|${bottom?.branch ? '' : msg.from?.tag ?? ''}`;
  if (msg.kind === 'request') return `q|${group.role}|${base}|${origin}`;
  return `r|${base}|${origin}|${msg.status}|${msg.to?.tag ?? ''}`;
}

export function buildHops(
  messages: readonly SipMessage[], order: readonly number[], rank: Int32Array,
  groups: readonly CopyGroup[], groupOf: Int32Array, transactions: readonly Transaction[],
): HopTable {
  const logical: LogicalMessage[] = [];
  const logicalOf = new Int32Array(messages.length).fill(-1);
  const byKey = new Map<string, number>();
  const seenGroup = new Uint8Array(groups.length);
  for (const index of order) {
    const gid = groupOf[index];
    if (gid < 0) {
      // No usable Via/CSeq: still a message of the trace, shown on its own.
      logicalOf[index] = pushLogical(logical, messages[index], index, rank, -1);
      continue;
    }
    if (seenGroup[gid]) continue;
    seenGroup[gid] = 1;
    const group = groups[gid];
    const first = group.copies[0];
    const msg = messages[first];
    const tx = transactions[group.transaction];
    const key = hopKey(msg, group, tx);
    let lid = byKey.get(key);
    if (lid === undefined) {
      lid = pushLogical(logical, msg, first, rank, gid, tx);
      byKey.set(key, lid);
    } else {
      logical[lid].hops.push(gid);
    }
    for (const c of group.copies) logicalOf[c] = lid;
  }
  for (const lm of logical) {
    const all: number[] = [];
    if (lm.hops.length === 0) all.push(lm.first);
    for (const g of lm.hops) for (const c of groups[g].copies) all.push(c);
    all.sort((a, b) => a - b);
    lm.indexes = all;
  }
  return { logical, logicalOf };
}

/** Method of a message; a response with an unusable CSeq takes its transaction's. */
function messageMethod(msg: SipMessage, tx: Transaction | null): string {
  const m = msg.kind === 'request' ? msg.method : msg.cseq?.method ?? (tx?.method === 'ACK' ? null : tx?.method) ?? msg.method;
  return (m ?? '').toUpperCase();
}

function pushLogical(logical: LogicalMessage[], msg: SipMessage, index: number, rank: Int32Array, gid: number, tx: Transaction | null = null): number {
  const id = logical.length;
  logical.push({
    id, kind: msg.kind,
    method: messageMethod(msg, tx),
    status: msg.status, callId: msg.callId, cseq: msg.cseq?.seq ?? tx?.cseq ?? null,
    fromTag: msg.from?.tag ?? null, toTag: msg.to?.tag ?? null,
    hops: gid >= 0 ? [gid] : [], first: index, indexes: [index], rank: rank[index], time: msg.time,
  });
  return id;
}
