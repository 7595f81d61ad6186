// SIP transactions as an observer sees them (RFC 3261 §17.1.3 client side, §17.2.3 server side): requests and
// responses grouped by top Via branch + sent-by + method, retransmissions and captured duplicates folded into copies.
import type { SipMessage } from '../model/sipMessage';

const MAGIC_COOKIE = 'z9hG4bK';

/** One message and its repeats: retransmissions by the sender, and duplicates (the same packet captured again). */
export interface CopyGroup {
  id: number;
  transaction: number;
  role: 'request' | 'response' | 'ack';
  /** Every copy, the original first, then in time order. */
  copies: number[];
  /** Copies that the sender retransmitted (RFC 3261 §17.1.1.2 / §17.2.1); captured duplicates are not counted. */
  retransmissions: number[];
  /** Copies that are the same packet captured again (SipMessage.duplicateOf). */
  duplicates: number[];
}

export interface Transaction {
  id: number;
  /** Matching key: `branch|sent-by|method`, or the RFC 2543 fallback key when the branch lacks the magic cookie. */
  key: string;
  /** Method the transaction was created by (ACK to a non-2xx response belongs to its INVITE, §17.1.1.3). */
  method: string;
  callId: string | null;
  cseq: number | null;
  branch: string | null;
  sentBy: string;
  /** True when matched by the RFC 2543 rules (no `z9hG4bK` branch, RFC 3261 §17.2.3). */
  rfc2543: boolean;
  request: number | null;
  /** Response copy groups, one per distinct status + To tag, in time order. */
  responses: number[];
  /** ACK for a non-2xx final response (same branch as the INVITE). */
  ack: number | null;
  /** For INVITE: the CANCEL transaction that targets it; for CANCEL: the INVITE transaction it cancels. */
  cancel: number | null;
  cancels: number | null;
  finalStatus: number | null;
}

export interface TransactionTable {
  transactions: Transaction[];
  groups: CopyGroup[];
  /** groupOf[messageIndex] = copy group id, -1 when the message has no usable Via/CSeq. */
  groupOf: Int32Array;
}

function transactionKey(msg: SipMessage): { key: string; method: string; branch: string | null; sentBy: string; rfc2543: boolean } | null {
  const via = msg.vias[0];
  const method = msg.kind === 'request' ? msg.method : msg.cseq?.method ?? msg.method;
  if (!via || !method) return null;
  const m = method.toUpperCase();
  const sentBy = via.sentBy.toLowerCase();
  // ACK to a non-2xx final response shares the INVITE's transaction (§17.1.1.3); CANCEL has its own (§9.2).
  const keyMethod = m === 'ACK' ? 'INVITE' : m;
  if (via.branch && via.branch.startsWith(MAGIC_COOKIE)) {
    return { key: `${via.branch}|${sentBy}|${keyMethod}`, method: m, branch: via.branch, sentBy, rfc2543: false };
  }
  // RFC 3261 §17.2.3 fallback for RFC 2543 peers: Call-ID, CSeq number, From tag and top Via identify the transaction.
  const key = `2543|${msg.callId ?? ''}|${msg.cseq?.seq ?? ''}|${keyMethod}|${msg.from?.tag ?? ''}|${sentBy}|${via.branch ?? ''}`;
  return { key, method: m, branch: via.branch, sentBy, rfc2543: true };
}

/** Builds transactions over messages visited in time order (`order`), so the first copy seen is the original. */
export function buildTransactions(messages: readonly SipMessage[], order: readonly number[]): TransactionTable {
  const transactions: Transaction[] = [];
  const groups: CopyGroup[] = [];
  const groupOf = new Int32Array(messages.length).fill(-1);
  const byKey = new Map<string, number>();
  // Response copy groups inside a transaction: status + To tag.
  const responseKey = new Map<string, number>();
  const byBranch = new Map<string, number>();

  const newGroup = (tx: number, role: CopyGroup['role'], index: number): number => {
    const g: CopyGroup = { id: groups.length, transaction: tx, role, copies: [index], retransmissions: [], duplicates: [] };
    groups.push(g);
    groupOf[index] = g.id;
    return g.id;
  };
  const addCopy = (gid: number, index: number): void => {
    const g = groups[gid];
    g.copies.push(index);
    if (messages[index].duplicateOf !== undefined) g.duplicates.push(index);
    else g.retransmissions.push(index);
    groupOf[index] = gid;
  };

  for (const index of order) {
    const msg = messages[index];
    // A captured duplicate joins the group of its first copy, whatever its headers say.
    const dup = msg.duplicateOf;
    if (dup !== undefined && dup >= 0 && dup < messages.length && groupOf[dup] >= 0) {
      addCopy(groupOf[dup], index);
      continue;
    }
    let k = transactionKey(msg);
    if (!k && msg.kind === 'response') {
      // A response whose CSeq is unusable still names its transaction by the top Via branch and sent-by
      // (RFC 3261 §17.1.3): take the method from the request of that branch.
      const via = msg.vias[0];
      const tx = via?.branch ? byBranch.get(`${via.branch}|${via.sentBy.toLowerCase()}`) : undefined;
      if (tx !== undefined) {
        const t = transactions[tx];
        k = { key: t.key, method: t.method, branch: t.branch, sentBy: t.sentBy, rfc2543: t.rfc2543 };
      }
    }
    if (!k) continue;
    let txId = byKey.get(k.key);
    if (txId === undefined) {
      txId = transactions.length;
      transactions.push({
        id: txId, key: k.key, method: k.method === 'ACK' && msg.kind === 'request' ? 'ACK' : k.method,
        callId: msg.callId, cseq: msg.cseq?.seq ?? null, branch: k.branch, sentBy: k.sentBy, rfc2543: k.rfc2543,
        request: null, responses: [], ack: null, cancel: null, cancels: null, finalStatus: null,
      });
      byKey.set(k.key, txId);
      if (!k.rfc2543 && k.branch) byBranch.set(`${k.branch}|${k.sentBy}`, txId);
    }
    const tx = transactions[txId];
    if (msg.kind === 'request') {
      if (k.method === 'ACK' && tx.method === 'INVITE') {
        if (tx.ack === null) tx.ack = newGroup(txId, 'ack', index);
        else addCopy(tx.ack, index);
      } else if (tx.request === null) {
        tx.request = newGroup(txId, 'request', index);
      } else {
        addCopy(tx.request, index);
      }
    } else {
      const rk = `${txId}|${msg.status}|${msg.to?.tag ?? ''}`;
      const gid = responseKey.get(rk);
      if (gid === undefined) {
        const id = newGroup(txId, 'response', index);
        responseKey.set(rk, id);
        tx.responses.push(id);
      } else addCopy(gid, index);
      if (msg.status !== null && msg.status >= 200 && tx.finalStatus === null) tx.finalStatus = msg.status;
    }
  }
  // CANCEL ↔ INVITE: same branch and sent-by (RFC 3261 §9.1 copies the INVITE's top Via into the CANCEL).
  for (const tx of transactions) {
    if (tx.method !== 'CANCEL' || tx.rfc2543) continue;
    const invite = byKey.get(`${tx.branch}|${tx.sentBy}|INVITE`);
    if (invite !== undefined) {
      tx.cancels = invite;
      transactions[invite].cancel = tx.id;
    }
  }
  return { transactions, groups, groupOf };
}
