// The `dialogs` report computed on the compact index (plainCaptureIndex): the same rules as src/core/dialog —
// transactions by top Via branch + sent-by + method (RFC 3261 §17), hops by Call-ID + CSeq + bottom Via, dialogs by
// Call-ID + tags (§12) with their states and forks, B2BUA legs (callLegs.ts) — over typed arrays and interned
// string ids, with no object per message. A test holds the result equal to the full correlation's report on every
// capture the index accepts. What the index refuses (subscriptions, REFER, RFC 2543 branches, captured duplicates)
// never reaches this file.
import type { DialogsReport } from '../report/dialogsReport';
import type { TraceInfo, TraceFinding } from '../report/checkReport';
import { LegLinker } from '../dialog/callLegs';
import type { MessageColumns } from './messageColumns';
import { jsonFragment, type JsonOut } from '../report/prettyJsonBytes';
import { IdKeyedMap } from './idKeyedMap';
import { ColumnRows } from './growableColumns';
import type { ColumnMemory } from './columnMemory';

const ROLE_REQUEST = 0, ROLE_RESPONSE = 1, ROLE_ACK = 2;

type IndexedDialog = DialogsReport['dialogs'][number];
const TRYING = 0, EARLY = 1, CONFIRMED = 2, TERMINATED = 3;
const STATE_NAMES: IndexedDialog['state'][] = ['trying', 'early', 'confirmed', 'terminated'];
const STATE_JSON = STATE_NAMES.map((name) => JSON.stringify(name));
const NO_FORKS: readonly number[] = [];

/** Ids of the causes of state changes (`provisional:180`, `2xx:200`, `bye` …): one string per cause, not one per change. */
class CauseNames {
  private readonly texts: string[] = [];
  private readonly ids = new Map<string, number>();
  named(cause: string): number {
    let id = this.ids.get(cause);
    if (id === undefined) {
      id = this.texts.length;
      this.texts.push(cause);
      this.ids.set(cause, id);
    }
    return id;
  }
  private readonly byStatus = new Map<string, number[]>();
  of(prefix: string, status: number): number {
    let list = this.byStatus.get(prefix);
    if (!list) this.byStatus.set(prefix, (list = []));
    return (list[status] ??= this.named(`${prefix}:${status}`));
  }
  text(id: number): string {
    return this.texts[id];
  }
}

/**
 * Arena bytes correlateIndex takes per message, at the least: its arrays are sized by the message count, its maps by
 * the string table's size (158–159 bytes a message on the SIPp load captures; a test holds this below what it takes).
 * The CLI has that much faulted in ahead while the index is written, so the correlation does not wait for fresh pages.
 */
export const CORRELATION_BYTES_PER_MESSAGE = 140;

export interface IndexedCorrelationOptions {
  /** Seconds between two INVITEs of one caller for a URI-plus-timing link (callLegs' default: 2). */
  uriTimingWindow?: number;
}

/**
 * The dialogs report of an index, with the dialogs made one at a time by dialogAt (ids 0 … dialogCount-1), so
 * that writing a report of 30,000 dialogs never holds 30,000 report objects.
 */
export interface IndexedDialogs extends Omit<DialogsReport, 'dialogs'> {
  dialogCount: number;
  dialogAt(id: number): DialogsReport['dialogs'][number];
  /** Writes dialog `id` as JSON.stringify(dialogAt(id), null, 2) would at that depth, without making the object. */
  writeDialog(id: number, out: JsonOut, depth: number): void;
}

/** Message indexes in time order, ties in capture order (messageOrder.ts); a capture is nearly always in order already. */
function timeOrder(time: Float64Array, n: number, memory: ColumnMemory): Int32Array {
  const order = memory.int32(n);
  let sorted = true;
  for (let i = 0; i < n; i++) {
    order[i] = i;
    if (i > 0 && time[i] < time[i - 1]) sorted = false;
  }
  return sorted ? order : Int32Array.from(Array.from(order).sort((a, b) => time[a] - time[b] || a - b));
}

/** How many messages come in the capture before earlier-timestamped ones. */
function movedCount(order: Int32Array): number {
  let moved = 0;
  for (let r = 1; r < order.length; r++) if (order[r] < order[r - 1]) moved++;
  return moved;
}

export function correlateIndex(trace: TraceInfo, cols: MessageColumns, options: IndexedCorrelationOptions = {}): IndexedDialogs {
  const n = cols.count;
  const str = cols.strings;
  const memory = cols.memory;
  const text = (id: number): string => str.text(id);
  const ACK = str.internString('ACK');
  const INVITE = str.internString('INVITE');
  const CANCEL = str.internString('CANCEL');
  const BYE = str.internString('BYE');
  // Every key below is a string id (or -1 for none, or -2 - id for an origin by From tag): maps by id need no hashing.
  const ids = str.size;
  const { kind, method, status, callId, cseq, fromTag, toTag, time } = cols;

  const order = timeOrder(time, n, memory);

  // Transactions and copy groups (transactions.ts). Copies of a group are a linked list through nextCopy.
  const groupOf = memory.int32(n).fill(-1);
  const nextCopy = memory.int32(n).fill(-1);
  const groups = new ColumnRows(n, memory);
  const gTx = groups.int(), gRole = groups.int(), gFirst = groups.int(), gLast = groups.int(), gCount = groups.int(), gNextResponse = groups.int();
  // About one transaction per two messages (a request and its answer; a capture cut mid-call has a few more).
  const ntx = (n >> 1) + (n >> 4);
  const txs = new ColumnRows(ntx, memory);
  const txMethod = txs.int(), txRequest = txs.int(), txAck = txs.int(), txFinal = txs.int(), txCancel = txs.int();
  const txBranch = txs.int(), txSentBy = txs.int(), txKeyMethod = txs.int(), txNextSameBranch = txs.int(), txFirstResponse = txs.int();
  // Transaction key = top branch + sent-by + method (ACK counted as INVITE, §17.1.1.3): found by branch, then checked.
  const txByBranch = new IdKeyedMap(-1, ids, memory);
  const findTx = (branch: number, sentBy: number, keyMethod: number): number => {
    for (let tx = txByBranch.get(branch); tx >= 0; tx = txNextSameBranch.data[tx]) {
      if (txSentBy.data[tx] === sentBy && txKeyMethod.data[tx] === keyMethod) return tx;
    }
    return -1;
  };
  const newGroup = (tx: number, role: number, index: number): number => {
    const g = groups.add();
    gTx.data[g] = tx; gRole.data[g] = role; gFirst.data[g] = index; gLast.data[g] = index; gCount.data[g] = 1; gNextResponse.data[g] = -1;
    groupOf[index] = g;
    return g;
  };
  const addCopy = (g: number, index: number): void => {
    nextCopy[gLast.data[g]] = index;
    gLast.data[g] = index;
    gCount.data[g]++;
    groupOf[index] = g;
  };
  // Each phase loop in a function of its own: V8 optimises it on its own (on-stack), and leaving it does
  // not deoptimise code made for the whole correlation (one function had been deoptimised at every phase).
  ((): void => {
    for (let r = 0; r < n; r++) {
      const i = order[r];
      const m = method[i];
      const branch = cols.topBranch[i];
      const sentBy = cols.topSentBy[i];
      const keyMethod = m === ACK ? INVITE : m;
      let tx = findTx(branch, sentBy, keyMethod);
      if (tx < 0) {
        tx = txs.add();
        txMethod.data[tx] = m; txRequest.data[tx] = -1; txAck.data[tx] = -1; txFinal.data[tx] = 0; txCancel.data[tx] = -1; txFirstResponse.data[tx] = -1;
        txBranch.data[tx] = branch; txSentBy.data[tx] = sentBy; txKeyMethod.data[tx] = keyMethod;
        txNextSameBranch.data[tx] = txByBranch.get(branch);
        txByBranch.set(branch, tx);
      }
      if (kind[i] === 0) {
        // The ACK of an INVITE joins the transaction's ACK group, any other request its request group: one load and
        // one store for both (a store only one kind reached had no type feedback when the first came after V8
        // optimised this loop, and deoptimised it).
        const groupOfTx = m === ACK && txMethod.data[tx] === INVITE ? txAck : txRequest;
        const g = groupOfTx.data[tx];
        if (g < 0) groupOfTx.data[tx] = newGroup(tx, groupOfTx === txAck ? ROLE_ACK : ROLE_REQUEST, i);
        else addCopy(g, i);
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
  })();
  // CANCEL ↔ INVITE: same branch and sent-by (RFC 3261 §9.1).
  ((): void => {
    for (let tx = 0; tx < txs.length; tx++) {
      if (txMethod.data[tx] !== CANCEL) continue;
      const invite = findTx(txBranch.data[tx], txSentBy.data[tx], INVITE);
      if (invite >= 0) txCancel.data[invite] = tx;
    }
  })();

  // Logical messages: one per hop key (hops.ts); hop groups of a logical message are a linked list through gNextHop.
  const gNextHop = memory.int32(groups.length).fill(-1);
  const logical = new ColumnRows(n, memory);
  const lFirst = logical.int(), lHopHead = logical.int(), lHopTail = logical.int(), lCount = logical.int(), lNextSameOrigin = logical.int();
  // Hop key (hops.ts): Call-ID + CSeq + method + the originating UA's bottom Via; CANCEL and the ACK to a non-2xx
  // response are hop-by-hop (RFC 3261 §16.10, §17.1.1.3) and go by tags instead. Found by branch or From tag, then checked.
  const logicalByOrigin = new IdKeyedMap(-1 - ids, ids, memory);
  const seenGroup = memory.uint8(groups.length);
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
  ((): void => {
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
        const id = logical.add();
        lFirst.data[id] = i; lHopHead.data[id] = g; lHopTail.data[id] = g; lCount.data[id] = gCount.data[g];
        lNextSameOrigin.data[id] = logicalByOrigin.get(origin);
        logicalByOrigin.set(origin, id);
      } else {
        gNextHop[lHopTail.data[lid]] = g;
        lHopTail.data[lid] = g;
        lCount.data[lid] += gCount.data[g];
      }
    }
  })();
  const copiesOf = (g: number): number[] => {
    const out: number[] = [];
    for (let c = gFirst.data[g]; c >= 0; c = nextCopy[c]) out.push(c);
    return out;
  };
  const indexesOf = (lid: number, out: number[]): void => {
    for (let g = lHopHead.data[lid]; g >= 0; g = gNextHop[g]) for (let c = gFirst.data[g]; c >= 0; c = nextCopy[c]) out.push(c);
  };
  const txOfMessage = (i: number): number => gTx.data[groupOf[i]];

  // Dialogs (dialogs.ts), over logical messages in time order (logical ids are already in time order). Dialogs,
  // their states and message lists live in typed columns and pools; report objects are made one at a time, when
  // the report is written.
  const nd = Math.max(16, n >> 2);
  const dialogs = new ColumnRows(nd, memory);
  const dCall = dialogs.int(), dLocal = dialogs.int(), dRemote = dialogs.int(), dCreating = dialogs.int(), dCaller = dialogs.int(), dCallee = dialogs.int();
  const dState = dialogs.int(), dNextSameCall = dialogs.int(), dStateHead = dialogs.int(), dStateTail = dialogs.int(), dMsgHead = dialogs.int(), dMsgTail = dialogs.int();
  // Pools of linked entries: state changes (state, cause id, message), dialog messages (logical id).
  // Room for three changes a dialog (early, confirmed, terminated): growing, on a path V8 had not seen run before
  // it optimised this, deoptimised the correlation.
  const changes = new ColumnRows(3 * nd, memory);
  const sState = changes.int(), sCause = changes.int(), sMessage = changes.int(), sNext = changes.int();
  const entries = new ColumnRows(n, memory);
  const mLid = entries.int(), mNext = entries.int();
  const forks = new Map<number, number[]>();
  const causes = new CauseNames();
  const dialogByCall = new IdKeyedMap(-1, ids, memory);
  const findDialog = (call: number, a: number, b: number): number => {
    for (let id = dialogByCall.get(call); id >= 0; id = dNextSameCall.data[id]) {
      const local = dLocal.data[id], remote = dRemote.data[id];
      if ((local === a && remote === b) || (local === b && remote === a)) return id;
    }
    return -1;
  };
  // Out-of-dialog INVITEs waiting for an answer, by Call-ID then From tag + CSeq, in the order they came; each with
  // the dialogs its answers made (pool adDialog/adNext) and the 100 Trying / CANCEL exchanges around it (pool of lids).
  const attempts = new ColumnRows(nd, memory);
  const aRequest = attempts.int(), aFromTag = attempts.int(), aCseq = attempts.int(), aNext = attempts.int();
  const aDialogHead = attempts.int(), aDialogTail = attempts.int(), aExtraHead = attempts.int(), aExtraTail = attempts.int();
  const attemptDialogs = new ColumnRows(nd, memory), extras = new ColumnRows(nd, memory);
  const adDialog = attemptDialogs.int(), adNext = attemptDialogs.int(), exLid = extras.int(), exNext = extras.int();
  const attemptByCall = new IdKeyedMap(-1, ids, memory);
  const findAttempt = (call: number, tag: number, seq: number): number => {
    for (let a = attemptByCall.get(call); a >= 0; a = aNext.data[a]) if (aFromTag.data[a] === tag && aCseq.data[a] === seq) return a;
    return -1;
  };
  const setState = (d: number, state: number, lid: number, cause: number): void => {
    if (dState.data[d] === state || dState.data[d] === TERMINATED) return;
    const e = changes.add();
    sState.data[e] = state; sCause.data[e] = cause; sMessage.data[e] = lFirst.data[lid]; sNext.data[e] = -1;
    if (dStateTail.data[d] < 0) dStateHead.data[d] = e;
    else sNext.data[dStateTail.data[d]] = e;
    dStateTail.data[d] = e;
    dState.data[d] = state;
  };
  const attach = (d: number, lid: number): void => {
    const tail = dMsgTail.data[d];
    if (tail >= 0 && mLid.data[tail] === lid) return;
    const e = entries.add();
    mLid.data[e] = lid; mNext.data[e] = -1;
    if (tail < 0) dMsgHead.data[d] = e;
    else mNext.data[tail] = e;
    dMsgTail.data[d] = e;
  };
  const addExtra = (a: number, lid: number): void => {
    const e = extras.add();
    exLid.data[e] = lid; exNext.data[e] = -1;
    if (aExtraTail.data[a] < 0) aExtraHead.data[a] = e;
    else exNext.data[aExtraTail.data[a]] = e;
    aExtraTail.data[a] = e;
    for (let k = aDialogHead.data[a]; k >= 0; k = adNext.data[k]) attach(adDialog.data[k], lid);
  };
  const newDialog = (call: number, local: number, remote: number, creating: number): number => {
    const req = creating >= 0 ? lFirst.data[creating] : -1;
    const d = dialogs.add();
    dCall.data[d] = call; dLocal.data[d] = local; dRemote.data[d] = remote; dCreating.data[d] = creating;
    dCaller.data[d] = req >= 0 ? cols.fromUri[req] : -1; dCallee.data[d] = req >= 0 ? cols.toUri[req] : -1;
    dState.data[d] = TRYING; dStateHead.data[d] = -1; dStateTail.data[d] = -1; dMsgHead.data[d] = -1; dMsgTail.data[d] = -1;
    // Only answered dialogs are found by tags; one that never got a To tag stays out of the index (dialogs.ts).
    dNextSameCall.data[d] = remote >= 0 ? dialogByCall.get(call) : -1;
    if (remote >= 0) dialogByCall.set(call, d);
    return d;
  };
  const dialogForAnswer = (a: number, call: number, remote: number): number => {
    const lidReq = aRequest.data[a];
    const req = lFirst.data[lidReq];
    const existing = findDialog(call, fromTag[req], remote);
    if (existing >= 0) return existing;
    const d = newDialog(call, fromTag[req], remote, lidReq);
    attach(d, lidReq);
    for (let k = aExtraHead.data[a]; k >= 0; k = exNext.data[k]) attach(d, exLid.data[k]);
    // A fork (RFC 3261 §13.2.2.4): every dialog of the request lists the others.
    for (let k = aDialogHead.data[a]; k >= 0; k = adNext.data[k]) {
      const other = adDialog.data[k];
      let list = forks.get(other);
      if (!list) forks.set(other, (list = []));
      list.push(d);
      let own = forks.get(d);
      if (!own) forks.set(d, (own = []));
      own.push(other);
    }
    const e = attemptDialogs.add();
    adDialog.data[e] = d; adNext.data[e] = -1;
    if (aDialogTail.data[a] < 0) aDialogHead.data[a] = e;
    else adNext.data[aDialogTail.data[a]] = e;
    aDialogTail.data[a] = e;
    return d;
  };
  ((): void => {
    for (let lid = 0; lid < logical.length; lid++) {
      const i = lFirst.data[lid];
      const m = method[i];
      const call = callId[i];
      if (kind[i] === 0 && toTag[i] < 0) {
        if (m === INVITE) {
          if (findAttempt(call, fromTag[i], cseq[i]) < 0) {
            const a = attempts.add();
            aRequest.data[a] = lid; aFromTag.data[a] = fromTag[i]; aCseq.data[a] = cseq[i]; aNext.data[a] = attemptByCall.get(call);
            aDialogHead.data[a] = -1; aDialogTail.data[a] = -1; aExtraHead.data[a] = -1; aExtraTail.data[a] = -1;
            attemptByCall.set(call, a);
          }
        } else if (m === CANCEL) {
          const a = findAttempt(call, fromTag[i], cseq[i]);
          if (a >= 0) addExtra(a, lid);
        }
        continue;
      }
      if (kind[i] === 1 && (toTag[i] < 0 || m === CANCEL)) {
        const a = findAttempt(call, fromTag[i], cseq[i]);
        if (a >= 0) addExtra(a, lid);
        continue;
      }
      const a = kind[i] === 1 ? findAttempt(call, fromTag[i], cseq[i]) : -1;
      if (a >= 0 && method[lFirst.data[aRequest.data[a]]] === m) {
        const d = dialogForAnswer(a, call, toTag[i]);
        attach(d, lid);
        const s = status[i];
        if (s < 200) {
          if (s > 100 && dState.data[d] === TRYING) setState(d, EARLY, lid, causes.of('provisional', s));
        } else if (s < 300) {
          setState(d, CONFIRMED, lid, causes.of('2xx', s));
        } else if (dState.data[d] !== CONFIRMED) {
          // A non-2xx final response ends the early dialogs of the request; after a CANCEL the 487 does (RFC 3261 §9.1).
          setState(d, TERMINATED, lid, txCancel.data[txOfMessage(i)] >= 0 ? causes.named('cancel') : causes.of('non-2xx', s));
        }
        continue;
      }
      let d = findDialog(call, fromTag[i], toTag[i]);
      if (d < 0) {
        // The trace starts inside this dialog.
        d = newDialog(call, fromTag[i], toTag[i], -1);
        dCaller.data[d] = kind[i] === 0 ? cols.fromUri[i] : cols.toUri[i];
        dCallee.data[d] = kind[i] === 0 ? cols.toUri[i] : cols.fromUri[i];
        setState(d, CONFIRMED, lid, causes.named('seen-mid-dialog'));
      }
      attach(d, lid);
      if (kind[i] === 0) {
        if (m === BYE) setState(d, TERMINATED, lid, causes.named('bye'));
      } else if (dState.data[d] === TRYING && status[i] >= 200 && status[i] < 300) setState(d, CONFIRMED, lid, causes.of('2xx', status[i]));
    }
  })();
  ((): void => {
    for (let a = 0; a < attempts.length; a++) {
      if (aDialogHead.data[a] >= 0) continue;
      const lidReq = aRequest.data[a];
      const req = lFirst.data[lidReq];
      const d = newDialog(callId[req], fromTag[req], -1, lidReq);
      attach(d, lidReq);
      for (let k = aExtraHead.data[a]; k >= 0; k = exNext.data[k]) attach(d, exLid.data[k]);
      const tx = txOfMessage(req);
      const final = txFinal.data[tx];
      if (final >= 300) {
        const last = aExtraTail.data[a] >= 0 ? exLid.data[aExtraTail.data[a]] : lidReq;
        setState(d, TERMINATED, last, txCancel.data[tx] >= 0 ? causes.named('cancel') : causes.of('non-2xx', final));
      }
    }
  })();

  const first = (lid: number): number => lFirst.data[lid];
  const { dialogAt, writeDialog } = dialogMaker({
    strings: str, method, lFirst: lFirst.data, lHopHead: lHopHead.data, gNextHop, gFirst: gFirst.data, nextCopy,
    dCall: dCall.data, dLocal: dLocal.data, dRemote: dRemote.data, dCreating: dCreating.data, dCaller: dCaller.data, dCallee: dCallee.data,
    dState: dState.data, dStateHead: dStateHead.data, dMsgHead: dMsgHead.data, mLid: mLid.data, mNext: mNext.data,
    sState: sState.data, sCause: sCause.data, sMessage: sMessage.data, sNext: sNext.data, forks, causes,
  });

  const folded: DialogsReport['folded'] = [];
  let retransmissions = 0;
  ((): void => {
    for (let lid = 0; lid < logical.length; lid++) {
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
  })();

  const findings: TraceFinding[] = [];
  const moved = movedCount(order);
  if (moved) {
    findings.push({ code: 'trace.reordered', severity: 'info', message: `${moved} message(s) appear in the trace before earlier-timestamped ones; correlation uses timestamp order, as a merged capture's clocks require.`, messages: [] });
  }
  if (retransmissions) {
    findings.push({ code: 'trace.retransmissions-folded', severity: 'info', message: `${retransmissions} retransmission(s) were folded into their original message (RFC 3261 §17 transaction matching).`, messages: [] });
  }
  return {
    trace, dialogCount: dialogs.length, dialogAt, writeDialog,
    calls: linkCallLegsOnIndex(cols, order, options.uriTimingWindow ?? 2), refers: [], folded, findings,
  };
}

interface DialogTables {
  strings: MessageColumns['strings']; method: Int32Array;
  lFirst: Int32Array; lHopHead: Int32Array; gNextHop: Int32Array; gFirst: Int32Array; nextCopy: Int32Array;
  dCall: Int32Array; dLocal: Int32Array; dRemote: Int32Array; dCreating: Int32Array; dCaller: Int32Array; dCallee: Int32Array;
  dState: Int32Array; dStateHead: Int32Array; dMsgHead: Int32Array; mLid: Int32Array; mNext: Int32Array;
  sState: Int32Array; sCause: Int32Array; sMessage: Int32Array; sNext: Int32Array;
  forks: Map<number, number[]>; causes: CauseNames;
}

const NULL_JSON = jsonFragment('null');

/** What writeDialog writes between the values of a dialog at one depth of the report (JSON.stringify's layout, indent 2). */
interface DialogFragments {
  id: Uint8Array; callId: Uint8Array; localTag: Uint8Array; remoteTag: Uint8Array; method: Uint8Array; caller: Uint8Array;
  callee: Uint8Array; state: Uint8Array[]; statesOpen: Uint8Array; stateEntry: Uint8Array[]; stateMessage: Uint8Array;
  stateNext: Uint8Array; stateLast: Uint8Array; terminatedBy: Uint8Array; notTerminated: Uint8Array; terminatedMessage: Uint8Array;
  forks: Uint8Array; forksAfterTerminated: Uint8Array; messages: Uint8Array; emptyList: Uint8Array; listOpen: Uint8Array;
  listNext: Uint8Array; listClose: Uint8Array; close: Uint8Array;
}

function dialogFragments(depth: number): DialogFragments {
  const line = (d: number): string => `\n${'  '.repeat(d)}`;
  const field = line(depth + 1), inState = line(depth + 3);
  const key = (name: string): string => `,${field}"${name}": `;
  return {
    id: jsonFragment(`{${field}"id": `),
    callId: jsonFragment(key('callId')), localTag: jsonFragment(key('localTag')), remoteTag: jsonFragment(key('remoteTag')),
    method: jsonFragment(key('method')), caller: jsonFragment(`${key('usage')}"invite"${key('caller')}`), callee: jsonFragment(key('callee')),
    state: STATE_JSON.map((state) => jsonFragment(`${key('state')}${state}${key('states')}`)),
    statesOpen: jsonFragment('['),
    stateEntry: STATE_JSON.map((state) => jsonFragment(`${line(depth + 2)}{${inState}"state": ${state},${inState}"cause": `)),
    stateMessage: jsonFragment(`,${inState}"message": `),
    stateNext: jsonFragment(`${line(depth + 2)}},`),
    stateLast: jsonFragment(`${line(depth + 2)}}${line(depth + 1)}]`),
    terminatedBy: jsonFragment(`${key('terminatedBy')}{${line(depth + 2)}"cause": `),
    notTerminated: jsonFragment(`${key('terminatedBy')}null`),
    terminatedMessage: jsonFragment(`,${line(depth + 2)}"message": `),
    forks: jsonFragment(`${key('subscriptions')}[]${key('forks')}`),
    forksAfterTerminated: jsonFragment(`${line(depth + 1)}}${key('subscriptions')}[]${key('forks')}`),
    messages: jsonFragment(key('messages')),
    emptyList: jsonFragment('[]'),
    listOpen: jsonFragment(`[${line(depth + 2)}`),
    listNext: jsonFragment(`,${line(depth + 2)}`),
    listClose: jsonFragment(`${line(depth + 1)}]`),
    close: jsonFragment(`${line(depth)}}`),
  };
}

/** Fragment, JSON text, fragment: as one fragment. */
function joined(before: Uint8Array, json: string, after: Uint8Array): Uint8Array {
  const middle = jsonFragment(json);
  const out = new Uint8Array(before.length + middle.length + after.length);
  out.set(before, 0);
  out.set(middle, before.length);
  out.set(after, before.length + middle.length);
  return out;
}

/**
 * Dialog d as the report prints it (dialogsReport.ts), made when asked for. A function of its own, so that what it
 * keeps alive while the report is written is these tables, not the index and the correlation's other indexes.
 */
function dialogMaker(t: DialogTables): { dialogAt(d: number): IndexedDialog; writeDialog(d: number, out: JsonOut, depth: number): void } {
  const scratch: number[] = [];
  const text = (id: number): string => t.strings.text(id);
  /** The dialog's message indexes, ascending, into scratch. */
  const messagesOf = (d: number): number[] => {
    scratch.length = 0;
    for (let e = t.dMsgHead[d]; e >= 0; e = t.mNext[e]) {
      for (let g = t.lHopHead[t.mLid[e]]; g >= 0; g = t.gNextHop[g]) for (let c = t.gFirst[g]; c >= 0; c = t.nextCopy[c]) scratch.push(c);
    }
    // Logical messages come in time order, so the list is nearly always ascending already: sorting it with a
    // comparator call per pair was a third of writing the report.
    let sorted = true;
    for (let i = 1; i < scratch.length; i++) if (scratch[i] < scratch[i - 1]) { sorted = false; break; }
    if (!sorted) scratch.sort((a, b) => a - b);
    let k = 0;
    for (const x of scratch) if (k === 0 || scratch[k - 1] !== x) scratch[k++] = x;
    scratch.length = k;
    return scratch;
  };
  const lastState = (d: number): number => {
    let last = -1;
    for (let e = t.dStateHead[d]; e >= 0; e = t.sNext[e]) last = e;
    return last;
  };
  const dialogAt = (d: number): IndexedDialog => {
    const states: IndexedDialog['states'] = [];
    for (let e = t.dStateHead[d]; e >= 0; e = t.sNext[e]) {
      states.push({ state: STATE_NAMES[t.sState[e]], cause: t.causes.text(t.sCause[e]), message: t.sMessage[e] });
    }
    const last = lastState(d);
    const creating = t.dCreating[d];
    const remote = t.dRemote[d];
    return {
      id: d, callId: text(t.dCall[d]), localTag: text(t.dLocal[d]), remoteTag: remote < 0 ? null : text(remote),
      method: creating >= 0 ? text(t.method[t.lFirst[creating]]) : null, usage: 'invite',
      caller: t.dCaller[d] < 0 ? null : text(t.dCaller[d]), callee: t.dCallee[d] < 0 ? null : text(t.dCallee[d]),
      state: STATE_NAMES[t.dState[d]],
      states,
      terminatedBy: t.dState[d] === TERMINATED ? { cause: t.causes.text(t.sCause[last]), message: t.sMessage[last] } : null,
      subscriptions: [],
      forks: t.forks.get(d)?.slice() ?? [],
      messages: messagesOf(d).slice(),
    };
  };
  // The same fields, in the same order, written straight out (dialogAt's object is what a test compares): strings
  // copied from the string table's bytes, and everything between the values — punctuation, line breaks, indentation
  // and keys — as one precomputed fragment each, so a dialog is ~40 calls to the writer instead of ~110 and writing
  // 30,000 dialogs makes almost no garbage.
  const tableText = (id: number, out: JsonOut): void => {
    if (id < 0) out.fragment(NULL_JSON);
    else out.asciiBytes(t.strings.arenaBytes(), t.strings.startOf(id), t.strings.startOf(id) + t.strings.lengthOf(id));
  };
  // A state entry up to its message number, and a terminatedBy up to its message number, as one fragment each per
  // state, cause and depth (a handful of causes): one copy instead of three.
  const entryJson: Uint8Array[][] = [];
  const terminatedJson: Uint8Array[][] = [];
  const causeText = (id: number): string => JSON.stringify(t.causes.text(id));
  const fragmentsAt: DialogFragments[] = [];
  const ints = (list: readonly number[], out: JsonOut, f: DialogFragments): void => {
    if (list.length === 0) {
      out.fragment(f.emptyList);
      return;
    }
    out.fragment(f.listOpen);
    out.integer(list[0]);
    for (let k = 1; k < list.length; k++) {
      out.fragment(f.listNext);
      out.integer(list[k]);
    }
    out.fragment(f.listClose);
  };
  const writeDialog = (d: number, out: JsonOut, depth: number): void => {
    const f = (fragmentsAt[depth] ??= dialogFragments(depth));
    const creating = t.dCreating[d];
    out.fragment(f.id); out.integer(d);
    out.fragment(f.callId); tableText(t.dCall[d], out);
    out.fragment(f.localTag); tableText(t.dLocal[d], out);
    out.fragment(f.remoteTag); tableText(t.dRemote[d], out);
    out.fragment(f.method); tableText(creating >= 0 ? t.method[t.lFirst[creating]] : -1, out);
    out.fragment(f.caller); tableText(t.dCaller[d], out);
    out.fragment(f.callee); tableText(t.dCallee[d], out);
    out.fragment(f.state[t.dState[d]]);
    // One call for both cases: a call only a dialog without states reaches has no type feedback when the first such
    // dialog comes after V8 optimised this, and deoptimised it; the same below for one not terminated.
    const stateHead = t.dStateHead[d];
    out.fragment(stateHead < 0 ? f.emptyList : f.statesOpen);
    const entries = (entryJson[depth] ??= []);
    for (let e = stateHead; e >= 0; e = t.sNext[e]) {
      const key = t.sCause[e] * 4 + t.sState[e];
      out.fragment((entries[key] ??= joined(f.stateEntry[t.sState[e]], causeText(t.sCause[e]), f.stateMessage)));
      out.integer(t.sMessage[e]);
      out.fragment(t.sNext[e] >= 0 ? f.stateNext : f.stateLast);
    }
    const terminated = t.dState[d] === TERMINATED;
    // One call for both cases (see above): slot 0 holds `null` for a dialog not terminated, cause c is at c + 1.
    const last = terminated ? lastState(d) : -1;
    const ends = (terminatedJson[depth] ??= []);
    const endKey = terminated ? t.sCause[last] + 1 : 0;
    out.fragment((ends[endKey] ??= terminated ? joined(f.terminatedBy, causeText(t.sCause[last]), f.terminatedMessage) : f.notTerminated));
    if (terminated) out.integer(t.sMessage[last]);
    out.fragment(terminated ? f.forksAfterTerminated : f.forks);
    ints(t.forks.get(d) ?? NO_FORKS, out, f);
    out.fragment(f.messages);
    ints(messagesOf(d), out, f);
    out.fragment(f.close);
  };
  return { dialogAt, writeDialog };
}

/** The whole report as one object (text output, the check path, tests). */
export function dialogsReportFromIndex(trace: TraceInfo, cols: MessageColumns, options: IndexedCorrelationOptions = {}): DialogsReport {
  const x = correlateIndex(trace, cols, options);
  const dialogs: DialogsReport['dialogs'] = [];
  for (let d = 0; d < x.dialogCount; d++) dialogs.push(x.dialogAt(d));
  return { trace: x.trace, dialogs, calls: x.calls, refers: x.refers, folded: x.folded, findings: x.findings };
}

/** B2BUA call legs (callLegs.ts), the index feeding the same LegLinker with its columns; Call-IDs stay string ids. */
function linkCallLegsOnIndex(cols: MessageColumns, order: Int32Array, window: number): DialogsReport['calls'] {
  const INVITE = cols.strings.internString('INVITE');
  const text = (id: number): string => cols.strings.text(id);
  const evidence = (i: number, k: number): string | null => {
    const id = cols.evidenceOf(i, k);
    return id < 0 ? null : text(id);
  };
  // Calls are Call-ID string ids: slots by id (-1 for a message without one). Ids interned later (groups()'s lookups
  // of correlation-header values) are past the range and never a call of this trace.
  const ids = cols.strings.size;
  const slots = new IdKeyedMap(-1, ids, cols.memory);
  const linker = new LegLinker<number>(cols.evidenceHeaders.slice(2), window, text, {
    get: (call) => (call < ids ? slots.get(call) : -1),
    set: (call, slot) => slots.set(call, slot),
  }, cols.memory, order.length);
  // The loop in a function of its own, as the correlation's phases: code after an on-stack-optimised loop has no
  // type feedback yet, and reaching it deoptimised the whole function.
  ((): void => {
    for (let r = 0; r < order.length; r++) {
      const i = order[r];
      const s = linker.message(cols.callId[i], i);
      if (cols.hasEvidence(i)) linker.evidence(s, i, evidence(i, 0), evidence(i, 1), (h) => evidence(i, cols.evidenceHeaders.indexOf(h)));
      if (cols.kind[i] === 0 && cols.method[i] === INVITE && cols.toTag[i] < 0) {
        linker.invite(s, i, text(cols.fromUri[i]), cols.time[i], cols.endpoints[cols.src[i]].ip, cols.endpoints[cols.dst[i]].ip);
      }
    }
  })();
  return linker.groups(true, (callId) => cols.strings.internString(callId)).map((g) => ({ callIds: g.callIds, links: g.links }));
}
