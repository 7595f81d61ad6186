// The `dialogs` report computed on the compact index (plainCaptureIndex): the same rules as src/core/dialog —
// transactions by top Via branch + sent-by + method (RFC 3261 §17), hops by Call-ID + CSeq + bottom Via, dialogs by
// Call-ID + tags (§12) with their states, forks and B2BUA legs linked by caller and timing — over typed arrays and
// interned string ids, with no object per message. A test holds the result equal to the full correlation's report on
// every capture the index accepts. What the index refuses (subscriptions, REFER, correlation headers, RFC 2543
// branches, captured duplicates) never reaches this file.
import type { DialogsReport } from '../report/dialogsReport';
import type { TraceInfo, TraceFinding } from '../report/checkReport';
import { callerKey, type LegLink } from '../dialog/callLegs';
import type { MessageColumns } from './messageColumns';
import { IntMap } from './intMap';

const ROLE_REQUEST = 0, ROLE_RESPONSE = 1, ROLE_ACK = 2;

/** Int32 column sized for the worst case up front (there are never more groups, transactions or logical messages than messages), doubling if ever outgrown. */
class IntColumn {
  data: Int32Array;
  length = 0;
  constructor(capacity: number) {
    this.data = new Int32Array(Math.max(16, capacity));
  }
  push(v: number): number {
    if (this.length === this.data.length) {
      const d = new Int32Array(this.data.length * 2);
      d.set(this.data);
      this.data = d;
    }
    this.data[this.length] = v;
    return this.length++;
  }
}

/** A dialog as the report prints it, built once: `messages` holds logical ids until the end, then message indexes. */
type IndexedDialog = DialogsReport['dialogs'][number];
type DialogState = IndexedDialog['state'];
const NO_SUBSCRIPTIONS: IndexedDialog['subscriptions'] = [];

/** `provisional:180`, `2xx:200`, `non-2xx:486` …: one string per cause and status, not one per dialog. */
class CauseNames {
  private readonly names = new Map<string, string[]>();
  of(prefix: string, status: number): string {
    let list = this.names.get(prefix);
    if (!list) this.names.set(prefix, (list = []));
    return (list[status] ??= `${prefix}:${status}`);
  }
}

export interface IndexedCorrelationOptions {
  /** Seconds between two INVITEs of one caller for a URI-plus-timing link (callLegs' default: 2). */
  uriTimingWindow?: number;
}

export function dialogsReportFromIndex(trace: TraceInfo, cols: MessageColumns, options: IndexedCorrelationOptions = {}): DialogsReport {
  const n = cols.count;
  const str = cols.strings;
  const text = (id: number): string => str.text(id);
  const ACK = str.internString('ACK');
  const INVITE = str.internString('INVITE');
  const CANCEL = str.internString('CANCEL');
  const BYE = str.internString('BYE');
  const { kind, method, status, callId, cseq, fromTag, toTag, time } = cols;

  // Time order (messageOrder.ts): a capture is nearly always in order already.
  let order: Int32Array = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  let sorted = true;
  for (let i = 1; i < n; i++) if (time[i] < time[i - 1]) { sorted = false; break; }
  if (!sorted) order = Int32Array.from(Array.from(order).sort((a, b) => time[a] - time[b] || a - b));
  const rank = new Int32Array(n);
  for (let r = 0; r < n; r++) rank[order[r]] = r;

  // Transactions and copy groups (transactions.ts). Copies of a group are a linked list through nextCopy.
  const groupOf = new Int32Array(n).fill(-1);
  const nextCopy = new Int32Array(n).fill(-1);
  const gTx = new IntColumn(n), gRole = new IntColumn(n), gFirst = new IntColumn(n), gLast = new IntColumn(n), gCount = new IntColumn(n);
  const txMethod = new IntColumn(n), txRequest = new IntColumn(n), txAck = new IntColumn(n), txFinal = new IntColumn(n), txCancel = new IntColumn(n);
  const txBranch = new IntColumn(n), txSentBy = new IntColumn(n), txKeyMethod = new IntColumn(n), txNextSameBranch = new IntColumn(n);
  const txFirstResponse = new IntColumn(n);
  // Transaction key = top branch + sent-by + method (ACK counted as INVITE, §17.1.1.3): found by branch, then checked.
  const txByBranch = new IntMap(n / 2);
  const findTx = (branch: number, sentBy: number, keyMethod: number): number => {
    for (let tx = txByBranch.get(branch); tx >= 0; tx = txNextSameBranch.data[tx]) {
      if (txSentBy.data[tx] === sentBy && txKeyMethod.data[tx] === keyMethod) return tx;
    }
    return -1;
  };
  const gNextResponse = new IntColumn(n);
  const newGroup = (tx: number, role: number, index: number): number => {
    const g = gTx.push(tx);
    gRole.push(role); gFirst.push(index); gLast.push(index); gCount.push(1); gNextResponse.push(-1);
    groupOf[index] = g;
    return g;
  };
  const addCopy = (g: number, index: number): void => {
    nextCopy[gLast.data[g]] = index;
    gLast.data[g] = index;
    gCount.data[g]++;
    groupOf[index] = g;
  };
  for (let r = 0; r < n; r++) {
    const i = order[r];
    const m = method[i];
    const branch = cols.topBranch[i];
    const sentBy = cols.topSentBy[i];
    const keyMethod = m === ACK ? INVITE : m;
    let tx = findTx(branch, sentBy, keyMethod);
    if (tx < 0) {
      tx = txMethod.push(m);
      txRequest.push(-1); txAck.push(-1); txFinal.push(0); txCancel.push(-1); txFirstResponse.push(-1);
      txBranch.push(branch); txSentBy.push(sentBy); txKeyMethod.push(keyMethod);
      txNextSameBranch.push(txByBranch.get(branch));
      txByBranch.set(branch, tx);
    }
    if (kind[i] === 0) {
      if (m === ACK && txMethod.data[tx] === INVITE) {
        if (txAck.data[tx] < 0) txAck.data[tx] = newGroup(tx, ROLE_ACK, i);
        else addCopy(txAck.data[tx], i);
      } else if (txRequest.data[tx] < 0) {
        txRequest.data[tx] = newGroup(tx, ROLE_REQUEST, i);
      } else addCopy(txRequest.data[tx], i);
    } else {
      // Response copy groups of a transaction: one per status + To tag.
      let g = txFirstResponse.data[tx];
      let last = -1;
      while (g >= 0 && !(status[gFirst.data[g]] === status[i] && toTag[gFirst.data[g]] === toTag[i])) {
        last = g;
        g = gNextResponse.data[g];
      }
      if (g < 0) {
        g = newGroup(tx, ROLE_RESPONSE, i);
        if (last < 0) txFirstResponse.data[tx] = g;
        else gNextResponse.data[last] = g;
      } else addCopy(g, i);
      if (status[i] >= 200 && txFinal.data[tx] === 0) txFinal.data[tx] = status[i];
    }
  }
  // CANCEL ↔ INVITE: same branch and sent-by (RFC 3261 §9.1).
  for (let tx = 0; tx < txMethod.length; tx++) {
    if (txMethod.data[tx] !== CANCEL) continue;
    const invite = findTx(txBranch.data[tx], txSentBy.data[tx], INVITE);
    if (invite >= 0) txCancel.data[invite] = tx;
  }

  // Logical messages: one per hop key (hops.ts); hop groups of a logical message are a linked list through gNextHop.
  const gNextHop = new Int32Array(gTx.length).fill(-1);
  const lFirst = new IntColumn(n), lHopHead = new IntColumn(n), lHopTail = new IntColumn(n), lCount = new IntColumn(n);
  // Hop key (hops.ts): Call-ID + CSeq + method + the originating UA's bottom Via; CANCEL and the ACK to a non-2xx
  // response are hop-by-hop (RFC 3261 §16.10, §17.1.1.3) and go by tags instead. Found by branch or From tag, then checked.
  const lNextSameOrigin = new IntColumn(n);
  const logicalByOrigin = new IntMap(n);
  const seenGroup = new Uint8Array(gTx.length);
  const sameHop = (i: number, roleI: number, j: number, roleJ: number): boolean => {
    if (kind[i] !== kind[j] || callId[i] !== callId[j] || cseq[i] !== cseq[j] || method[i] !== method[j]) return false;
    const hopByHop = method[i] === CANCEL || roleI === ROLE_ACK;
    if (hopByHop !== (method[j] === CANCEL || roleJ === ROLE_ACK)) return false;
    if (hopByHop) {
      if (fromTag[i] !== fromTag[j] || (roleI === ROLE_ACK) !== (roleJ === ROLE_ACK)) return false;
      if (roleI === ROLE_ACK && toTag[i] !== toTag[j]) return false;
    } else if (cols.bottomBranch[i] !== cols.bottomBranch[j] || cols.bottomSentBy[i] !== cols.bottomSentBy[j]) return false;
    if (kind[i] === 0) return roleI === roleJ;
    return status[i] === status[j] && toTag[i] === toTag[j];
  };
  for (let r = 0; r < n; r++) {
    const g = groupOf[order[r]];
    if (seenGroup[g]) continue;
    seenGroup[g] = 1;
    const i = gFirst.data[g];
    const role = gRole.data[g];
    const origin = method[i] === CANCEL || role === ROLE_ACK ? -2 - fromTag[i] : cols.bottomBranch[i];
    let lid = logicalByOrigin.get(origin);
    while (lid >= 0 && !sameHop(lFirst.data[lid], gRole.data[lHopHead.data[lid]], i, role)) lid = lNextSameOrigin.data[lid];
    if (lid < 0) {
      const id = lFirst.push(i);
      lHopHead.push(g); lHopTail.push(g); lCount.push(gCount.data[g]);
      lNextSameOrigin.push(logicalByOrigin.get(origin));
      logicalByOrigin.set(origin, id);
    } else {
      gNextHop[lHopTail.data[lid]] = g;
      lHopTail.data[lid] = g;
      lCount.data[lid] += gCount.data[g];
    }
  }
  const copiesOf = (g: number): number[] => {
    const out: number[] = [];
    for (let c = gFirst.data[g]; c >= 0; c = nextCopy[c]) out.push(c);
    return out;
  };
  const indexesOf = (lid: number, out: number[]): void => {
    for (let g = lHopHead.data[lid]; g >= 0; g = gNextHop[g]) for (let c = gFirst.data[g]; c >= 0; c = nextCopy[c]) out.push(c);
  };
  const txOfMessage = (i: number): number => gTx.data[groupOf[i]];

  // Dialogs (dialogs.ts), over logical messages in time order: logical ids are already in rank order.
  const dialogs: IndexedDialog[] = [];
  // Dialogs by Call-ID, then the unordered pair of tags (RFC 3261 §12: Call-ID + local tag + remote tag).
  const dialogByCall = new IntMap(n / 4);
  const dNextSameCall = new IntColumn(n);
  const findDialog = (call: number, a: number, b: number): number => {
    for (let id = dialogByCall.get(call); id >= 0; id = dNextSameCall.data[id]) {
      const local = dLocal.data[id], remote = dRemote.data[id];
      if ((local === a && remote === b) || (local === b && remote === a)) return id;
    }
    return -1;
  };
  interface Attempt { request: number; dialogs: number[]; extra: number[]; fromTag: number; cseq: number; next: number }
  // Out-of-dialog INVITEs waiting for an answer, by Call-ID, then From tag + CSeq; and in the order they came.
  const attemptByCall = new IntMap(n / 4);
  const attemptList: Attempt[] = [];
  const findAttempt = (call: number, tag: number, seq: number): Attempt | undefined => {
    for (let k = attemptByCall.get(call); k >= 0; k = attemptList[k].next) {
      const a = attemptList[k];
      if (a.fromTag === tag && a.cseq === seq) return a;
    }
    return undefined;
  };
  const causes = new CauseNames();
  const dLocal = new IntColumn(n), dRemote = new IntColumn(n);
  const setState = (d: IndexedDialog, state: DialogState, lid: number, cause: string): void => {
    if (d.state === state || d.state === 'terminated') return;
    const message = lFirst.data[lid];
    d.states.push({ state, cause, message });
    d.state = state;
    if (state === 'terminated') d.terminatedBy = { cause, message };
  };
  const attach = (d: IndexedDialog, lid: number): void => {
    if (d.messages[d.messages.length - 1] !== lid) d.messages.push(lid);
  };
  const newDialog = (call: number, local: number, remote: number, creating: number): IndexedDialog => {
    const req = creating >= 0 ? lFirst.data[creating] : -1;
    const d: IndexedDialog = {
      id: dialogs.length, callId: text(call), localTag: text(local), remoteTag: remote < 0 ? null : text(remote),
      method: req >= 0 ? text(method[req]) : null, usage: 'invite',
      caller: req >= 0 ? text(cols.fromUri[req]) : null, callee: req >= 0 ? text(cols.toUri[req]) : null,
      state: 'trying', states: [], terminatedBy: null, subscriptions: NO_SUBSCRIPTIONS, forks: [], messages: [],
    };
    dLocal.push(local);
    dRemote.push(remote);
    dialogs.push(d);
    // Only answered dialogs are found by tags; one that never got a To tag stays out of the index (dialogs.ts).
    dNextSameCall.push(remote >= 0 ? dialogByCall.get(call) : -1);
    if (remote >= 0) dialogByCall.set(call, d.id);
    return d;
  };
  const dialogForAnswer = (att: Attempt, call: number, remote: number): IndexedDialog => {
    const req = lFirst.data[att.request];
    const existing = findDialog(call, fromTag[req], remote);
    if (existing >= 0) return dialogs[existing];
    const d = newDialog(call, fromTag[req], remote, att.request);
    attach(d, att.request);
    for (const x of att.extra) attach(d, x);
    for (const other of att.dialogs) {
      dialogs[other].forks.push(d.id);
      d.forks.push(other);
    }
    att.dialogs.push(d.id);
    return d;
  };
  for (let lid = 0; lid < lFirst.length; lid++) {
    const i = lFirst.data[lid];
    const m = method[i];
    const call = callId[i];
    if (kind[i] === 0 && toTag[i] < 0) {
      if (m === INVITE) {
        if (!findAttempt(call, fromTag[i], cseq[i])) {
          attemptList.push({ request: lid, dialogs: [], extra: [], fromTag: fromTag[i], cseq: cseq[i], next: attemptByCall.get(call) });
          attemptByCall.set(call, attemptList.length - 1);
        }
      } else if (m === CANCEL) {
        const att = findAttempt(call, fromTag[i], cseq[i]);
        if (att) {
          att.extra.push(lid);
          for (const d of att.dialogs) attach(dialogs[d], lid);
        }
      }
      continue;
    }
    if (kind[i] === 1 && (toTag[i] < 0 || m === CANCEL)) {
      const att = findAttempt(call, fromTag[i], cseq[i]);
      if (att) {
        att.extra.push(lid);
        for (const d of att.dialogs) attach(dialogs[d], lid);
      }
      continue;
    }
    const att = kind[i] === 1 ? findAttempt(call, fromTag[i], cseq[i]) : undefined;
    if (att && method[lFirst.data[att.request]] === m) {
      const d = dialogForAnswer(att, call, toTag[i]);
      attach(d, lid);
      const s = status[i];
      if (s < 200) {
        if (s > 100 && d.state === 'trying') setState(d, 'early', lid, causes.of('provisional', s));
      } else if (s < 300) {
        setState(d, 'confirmed', lid, causes.of('2xx', s));
      } else if (d.state !== 'confirmed') {
        // A non-2xx final response ends the early dialogs of the request; after a CANCEL the 487 does (RFC 3261 §9.1).
        setState(d, 'terminated', lid, txCancel.data[txOfMessage(i)] >= 0 ? 'cancel' : causes.of('non-2xx', s));
      }
      continue;
    }
    const did = findDialog(call, fromTag[i], toTag[i]);
    let d: IndexedDialog;
    if (did < 0) {
      // The trace starts inside this dialog.
      d = newDialog(call, fromTag[i], toTag[i], -1);
      d.caller = kind[i] === 0 ? text(cols.fromUri[i]) : text(cols.toUri[i]);
      d.callee = kind[i] === 0 ? text(cols.toUri[i]) : text(cols.fromUri[i]);
      setState(d, 'confirmed', lid, 'seen-mid-dialog');
    } else d = dialogs[did];
    attach(d, lid);
    if (kind[i] === 0) {
      if (m === BYE) setState(d, 'terminated', lid, 'bye');
    } else if (d.state === 'trying' && status[i] >= 200 && status[i] < 300) setState(d, 'confirmed', lid, causes.of('2xx', status[i]));
  }
  for (const att of attemptList) {
    if (att.dialogs.length) continue;
    const req = lFirst.data[att.request];
    const d = newDialog(callId[req], fromTag[req], -1, att.request);
    attach(d, att.request);
    for (const x of att.extra) attach(d, x);
    const tx = txOfMessage(req);
    const final = txFinal.data[tx];
    if (final >= 300) {
      const last = att.extra.length ? att.extra[att.extra.length - 1] : att.request;
      setState(d, 'terminated', last, txCancel.data[tx] >= 0 ? 'cancel' : causes.of('non-2xx', final));
    }
  }

  const first = (lid: number): number => lFirst.data[lid];
  const scratch: number[] = [];
  for (const d of dialogs) {
    scratch.length = 0;
    for (const lid of d.messages) indexesOf(lid, scratch);
    scratch.sort((a, b) => a - b);
    const messages: number[] = [];
    for (const x of scratch) if (messages[messages.length - 1] !== x) messages.push(x);
    d.messages = messages;
  }

  const folded: DialogsReport['folded'] = [];
  let retransmissions = 0;
  for (let lid = 0; lid < lFirst.length; lid++) {
    if (lCount.data[lid] < 2) continue;
    const hops: number[][] = [];
    const retrans: number[] = [];
    for (let g = lHopHead.data[lid]; g >= 0; g = gNextHop[g]) {
      const copies = copiesOf(g);
      hops.push(copies);
      for (let k = 1; k < copies.length; k++) retrans.push(copies[k]);
    }
    retransmissions += retrans.length;
    folded.push({ message: first(lid), hops, retransmissions: retrans.sort((a, b) => a - b), duplicates: [] });
  }

  const findings: TraceFinding[] = [];
  let moved = 0;
  for (let r = 1; r < n; r++) if (order[r] < order[r - 1]) moved++;
  if (moved) {
    findings.push({ code: 'trace.reordered', severity: 'info', message: `${moved} message(s) appear in the trace before earlier-timestamped ones; correlation uses timestamp order, as a merged capture's clocks require.`, messages: [] });
  }
  if (retransmissions) {
    findings.push({ code: 'trace.retransmissions-folded', severity: 'info', message: `${retransmissions} retransmission(s) were folded into their original message (RFC 3261 §17 transaction matching).`, messages: [] });
  }
  return { trace, dialogs, calls: linkByCaller(cols, order, options.uriTimingWindow ?? 2), refers: [], folded, findings };
}

/** B2BUA legs by caller and timing (callLegs.ts, the only evidence a trace the index accepts can carry). */
function linkByCaller(cols: MessageColumns, order: Int32Array, window: number): DialogsReport['calls'] {
  const INVITE = cols.strings.internString('INVITE');
  const callIds: string[] = [];
  const slot = new Map<number, number>();
  const parent: number[] = [];
  const links: LegLink[] = [];
  const callers = new Map<number, string | null>();
  const find = (x: number): number => {
    while (parent[x] !== x) {
      parent[x] = parent[parent[x]];
      x = parent[x];
    }
    return x;
  };
  const invitesByUsers = new Map<string, { slot: number; index: number; time: number }[]>();
  for (let r = 0; r < order.length; r++) {
    const i = order[r];
    const call = cols.callId[i];
    let s = slot.get(call);
    if (s === undefined) {
      s = callIds.length;
      slot.set(call, s);
      callIds.push(cols.strings.text(call));
      parent.push(s);
    }
    if (cols.kind[i] !== 0 || cols.method[i] !== INVITE || cols.toTag[i] >= 0) continue;
    let caller = callers.get(cols.fromUri[i]);
    if (caller === undefined) callers.set(cols.fromUri[i], (caller = callerKey(cols.strings.text(cols.fromUri[i]))));
    if (!caller) continue;
    const t = cols.time[i];
    const srcIp = cols.endpoints[cols.src[i]].ip;
    const list = invitesByUsers.get(`${caller}|${srcIp}`);
    for (let k = (list?.length ?? 0) - 1; k >= 0 && t - list![k].time <= window; k--) {
      const prev = list![k];
      if (prev.slot === s) continue;
      const ra = find(prev.slot);
      const rb = find(s);
      if (ra !== rb) {
        parent[Math.max(ra, rb)] = Math.min(ra, rb);
        links.push({ callIds: [callIds[prev.slot], callIds[s]], evidence: 'uri-timing', value: `caller ${caller} via ${srcIp}`, messages: [prev.index, i] });
      }
      break;
    }
    const key = `${caller}|${cols.endpoints[cols.dst[i]].ip}`;
    const sent = invitesByUsers.get(key);
    if (sent) sent.push({ slot: s, index: i, time: t });
    else invitesByUsers.set(key, [{ slot: s, index: i, time: t }]);
  }
  if (links.length === 0) return [];
  const byRoot = new Map<number, { callIds: string[]; links: LegLink[] }>();
  const groups: { callIds: string[]; links: LegLink[] }[] = [];
  const groupOfCall = new Map<string, { callIds: string[]; links: LegLink[] }>();
  for (let s = 0; s < callIds.length; s++) {
    const r = find(s);
    let g = byRoot.get(r);
    if (!g) {
      g = { callIds: [], links: [] };
      byRoot.set(r, g);
      groups.push(g);
    }
    g.callIds.push(callIds[s]);
    groupOfCall.set(callIds[s], g);
  }
  for (const l of links) groupOfCall.get(l.callIds[0])!.links.push(l);
  return groups.filter((g) => g.callIds.length > 1);
}
