// Dialogs (RFC 3261 §12): Call-ID + the two tags, built over logical messages so that every hop of a proxied call
// lands in one dialog. Early dialogs come from 1xx responses with a To tag (§12.1.1), forks from several To tags
// answering one request (§13.2.2.4), and each dialog keeps its state over time and what ended it.
// Subscription dialogs follow RFC 6665 (SUBSCRIBE, NOTIFY, Subscription-State) and RFC 3515 §2.4.4 for REFER's
// implicit subscription (Event: refer;id=<CSeq of the REFER>).
import type { SipMessage } from '../model/sipMessage';
import type { LogicalMessage } from './hops';
import type { Transaction } from './transactions';
import { aorKey, contactUri, gruuOf, headerValue, valueAndParams } from './sipFields';

export type DialogState = 'trying' | 'early' | 'confirmed' | 'terminated';

export interface Party {
  uri: string | null;
  aor: string | null;
  /** GRUU (`gr` parameter of the Request-URI, To/From or Contact), when the party is addressed by one (RFC 5627). */
  gruu: string | null;
  contact: string | null;
}

export interface DialogStateChange {
  state: DialogState;
  /** Logical message that caused the change. */
  logical: number;
  cause: string;
}

export interface Subscription {
  event: string;
  id: string | null;
  /** SUBSCRIBE/REFER that created it, or the first NOTIFY when that is all the trace shows. */
  createdBy: number;
  state: 'pending' | 'active' | 'terminated';
  /** CSeq number of the creating SUBSCRIBE/REFER (null when created by a NOTIFY). */
  cseq: number | null;
  notifies: number[];
  terminatedBy: number | null;
}

export interface Dialog {
  id: number;
  callId: string;
  /** From tag of the creating request (the caller's tag). */
  localTag: string;
  /** To tag of the answer; null while no response carried one (the dialog never got past `trying`). */
  remoteTag: string | null;
  /** Method of the creating request, or null when the trace starts inside the dialog. */
  method: string | null;
  usage: 'invite' | 'subscription';
  caller: Party;
  callee: Party;
  /** The out-of-dialog request that created it (logical id), or null. */
  creatingRequest: number | null;
  /** Logical messages of the dialog, in time order (the creating transaction included). */
  messages: number[];
  states: DialogStateChange[];
  state: DialogState;
  /** The change that terminated it, when it did. */
  terminatedBy: DialogStateChange | null;
  subscriptions: Subscription[];
  /** Dialogs created by the same request (a forked INVITE has several, RFC 3261 §13.2.2.4). */
  forks: number[];
}

const CREATING = new Set(['INVITE', 'SUBSCRIBE', 'REFER']);

function dialogKey(callId: string, a: string, b: string): string {
  return a < b ? `${callId}|${a}|${b}` : `${callId}|${b}|${a}`;
}

export interface DialogTable {
  dialogs: Dialog[];
  /** dialogOf[logicalId] = dialog ids the logical message belongs to (forks share the creating request). */
  dialogOf: number[][];
}

export function buildDialogs(
  messages: readonly SipMessage[], logical: readonly LogicalMessage[], transactions: readonly Transaction[],
  groupTransaction: (index: number) => Transaction | null,
): DialogTable {
  const dialogs: Dialog[] = [];
  const dialogOf: number[][] = logical.map(() => []);
  const byKey = new Map<string, number>();
  // Out-of-dialog requests waiting for an answer: Call-ID|From tag|CSeq → creating logical id and its dialogs.
  const attempts = new Map<string, { request: number; dialogs: number[]; extra: number[] }>();
  const attemptsByCaller = new Map<string, string[]>();

  const sorted = [...logical].sort((a, b) => a.rank - b.rank);
  const msgOf = (lm: LogicalMessage): SipMessage => messages[lm.first];

  const setState = (d: Dialog, state: DialogState, lid: number, cause: string): void => {
    if (d.state === state || d.state === 'terminated') return;
    const change = { state, logical: lid, cause };
    d.states.push(change);
    d.state = state;
    if (state === 'terminated') d.terminatedBy = change;
  };
  const attach = (d: Dialog, lid: number): void => {
    if (d.messages[d.messages.length - 1] !== lid) d.messages.push(lid);
    if (!dialogOf[lid].includes(d.id)) dialogOf[lid].push(d.id);
  };
  const newDialog = (callId: string, localTag: string, remoteTag: string | null, creating: number | null, usage: Dialog['usage']): Dialog => {
    const req = creating !== null ? msgOf(logical[creating]) : null;
    const d: Dialog = {
      id: dialogs.length, callId, localTag, remoteTag, method: req ? logical[creating!].method : null, usage,
      caller: req ? partyFromRequest(req) : emptyParty(), callee: req ? calleeFromRequest(req) : emptyParty(),
      creatingRequest: creating, messages: [], states: [], state: 'trying', terminatedBy: null, subscriptions: [], forks: [],
    };
    dialogs.push(d);
    if (remoteTag !== null) byKey.set(dialogKey(callId, localTag, remoteTag), d.id);
    return d;
  };
  const dialogForAnswer = (att: { request: number; dialogs: number[]; extra: number[] }, callId: string, remoteTag: string, lm: LogicalMessage): Dialog => {
    const creating = logical[att.request];
    const key = dialogKey(callId, creating.fromTag ?? '', remoteTag);
    const existing = byKey.get(key);
    if (existing !== undefined) return dialogs[existing];
    const d = newDialog(callId, creating.fromTag ?? '', remoteTag, att.request, creating.method === 'INVITE' ? 'invite' : 'subscription');
    attach(d, att.request);
    for (const x of att.extra) attach(d, x);
    for (const other of att.dialogs) {
      dialogs[other].forks.push(d.id);
      d.forks.push(other);
    }
    att.dialogs.push(d.id);
    if (creating.method === 'REFER' || creating.method === 'SUBSCRIBE') d.subscriptions.push(newSubscription(msgOf(creating), att.request));
    void lm;
    return d;
  };

  for (const lm of sorted) {
    const msg = msgOf(lm);
    const callId = lm.callId;
    if (!callId) continue;
    const fromTag = lm.fromTag ?? '';
    const attemptKey = `${callId}|${fromTag}|${lm.cseq ?? ''}`;
    if (lm.kind === 'request' && lm.toTag === null) {
      if (CREATING.has(lm.method)) {
        if (!attempts.has(attemptKey)) {
          attempts.set(attemptKey, { request: lm.id, dialogs: [], extra: [] });
          const ck = `${callId}|${fromTag}`;
          const list = attemptsByCaller.get(ck);
          if (list) list.push(attemptKey);
          else attemptsByCaller.set(ck, [attemptKey]);
        }
      } else if (lm.method === 'CANCEL') {
        const att = attempts.get(attemptKey);
        if (att) {
          att.extra.push(lm.id);
          for (const d of att.dialogs) attach(dialogs[d], lm.id);
        }
      }
      continue;
    }
    if (lm.kind === 'response' && (lm.toTag === null || lm.method === 'CANCEL')) {
      // 100 Trying (no To tag yet) or the answer to a CANCEL: part of the attempt, not of one dialog.
      const att = attempts.get(attemptKey);
      if (att) {
        att.extra.push(lm.id);
        for (const d of att.dialogs) attach(dialogs[d], lm.id);
      }
      continue;
    }
    const toTag = lm.toTag ?? '';
    // Response to an out-of-dialog creating request: creates (or extends) the dialog for this To tag.
    const att = lm.kind === 'response' ? attempts.get(attemptKey) : undefined;
    if (att && logical[att.request].method === lm.method) {
      const d = dialogForAnswer(att, callId, toTag, lm);
      attach(d, lm.id);
      if (lm.status !== null) applyCreatingResponse(d, lm, msg, transactions, groupTransaction, setState);
      continue;
    }
    let did = byKey.get(dialogKey(callId, fromTag, toTag));
    if (did === undefined && lm.kind === 'request' && lm.method === 'NOTIFY') {
      // A NOTIFY may arrive before the 2xx to SUBSCRIBE/REFER and then establishes the dialog (RFC 6665 §4.1.2.4).
      const keys = attemptsByCaller.get(`${callId}|${toTag}`);
      const a = keys ? attempts.get(keys[keys.length - 1]) : undefined;
      if (a && logical[a.request].method !== 'INVITE') did = dialogForAnswer(a, callId, fromTag, lm).id;
    }
    let d: Dialog;
    if (did === undefined) {
      // The trace starts inside this dialog: keep it, with no creating request.
      const usage = lm.method === 'NOTIFY' || lm.method === 'SUBSCRIBE' ? 'subscription' : 'invite';
      d = newDialog(callId, fromTag, toTag, null, usage);
      d.caller = lm.kind === 'request' ? partyFromRequest(msg) : partyFromTo(msg);
      d.callee = lm.kind === 'request' ? calleeFromRequest(msg) : partyFromFrom(msg);
      setState(d, 'confirmed', lm.id, 'seen-mid-dialog');
    } else d = dialogs[did];
    attach(d, lm.id);
    applyInDialog(d, lm, msg, setState, transactions, groupTransaction);
  }
  // Requests that never got a tagged answer still show up, as dialogs that stayed `trying` (or ended by the final status).
  for (const att of attempts.values()) {
    if (att.dialogs.length) continue;
    const creating = logical[att.request];
    const d = newDialog(creating.callId ?? '', creating.fromTag ?? '', null, att.request, creating.method === 'INVITE' ? 'invite' : 'subscription');
    attach(d, att.request);
    for (const x of att.extra) attach(d, x);
    const tx = groupTransaction(creating.first);
    if (tx && tx.finalStatus !== null && tx.finalStatus >= 300) {
      const last = att.extra.length ? att.extra[att.extra.length - 1] : att.request;
      setState(d, 'terminated', last, tx.cancel !== null ? 'cancel' : `non-2xx:${tx.finalStatus}`);
    }
  }
  for (const d of dialogs) d.messages.sort((a, b) => logical[a].rank - logical[b].rank);
  return { dialogs, dialogOf };
}

type SetState = (d: Dialog, state: DialogState, lid: number, cause: string) => void;

function applyCreatingResponse(
  d: Dialog, lm: LogicalMessage, msg: SipMessage, transactions: readonly Transaction[],
  groupTransaction: (index: number) => Transaction | null, setState: SetState,
): void {
  const status = lm.status ?? 0;
  const contact = contactUri(msg);
  if (contact && !d.callee.contact) {
    d.callee.contact = contact;
    d.callee.gruu = d.callee.gruu ?? gruuOf(contact);
  }
  if (status < 200) {
    if (status > 100 && d.state === 'trying') setState(d, 'early', lm.id, `provisional:${status}`);
  } else if (status < 300) {
    setState(d, 'confirmed', lm.id, `2xx:${status}`);
    for (const s of d.subscriptions) if (s.state === 'pending') s.state = 'active';
  } else if (d.state !== 'confirmed') {
    // A non-2xx final response ends every early dialog of the request (RFC 3261 §12.3 / §13.2.2.4); after a CANCEL
    // it is the 487 that ends it (§9.1).
    const tx = groupTransaction(lm.first);
    const cancelled = tx !== null && tx.cancel !== null && transactions[tx.cancel] !== undefined;
    setState(d, 'terminated', lm.id, cancelled ? 'cancel' : `non-2xx:${status}`);
    for (const s of d.subscriptions) if (s.state !== 'terminated') { s.state = 'terminated'; s.terminatedBy = lm.id; }
  }
}

function applyInDialog(
  d: Dialog, lm: LogicalMessage, msg: SipMessage, setState: SetState,
  transactions: readonly Transaction[], groupTransaction: (index: number) => Transaction | null,
): void {
  void transactions;
  if (lm.kind === 'request') {
    if (lm.method === 'BYE') setState(d, 'terminated', lm.id, 'bye');
    else if (lm.method === 'NOTIFY') applyNotify(d, lm, msg, setState);
    else if (lm.method === 'REFER' || lm.method === 'SUBSCRIBE') {
      // A REFER or SUBSCRIBE inside a dialog adds a subscription usage to it (RFC 5057 §4).
      if (!findSubscription(d, subscriptionEvent(msg), subscriptionId(msg))) d.subscriptions.push(newSubscription(msg, lm.id));
    }
    return;
  }
  const status = lm.status ?? 0;
  if ((lm.method === 'REFER' || lm.method === 'SUBSCRIBE') && status >= 200) {
    void groupTransaction;
    // The final response to an in-dialog REFER/SUBSCRIBE activates or ends the usage that request asked for.
    for (const s of d.subscriptions) {
      if (s.state === 'pending' && s.cseq === lm.cseq) {
        s.state = status < 300 ? 'active' : 'terminated';
        if (status >= 300) s.terminatedBy = lm.id;
      }
    }
  }
  if (d.state === 'trying' && status >= 200 && status < 300) setState(d, 'confirmed', lm.id, `2xx:${status}`);
}

function applyNotify(d: Dialog, lm: LogicalMessage, msg: SipMessage, setState: SetState): void {
  const event = subscriptionEvent(msg);
  const id = subscriptionId(msg);
  let sub = findSubscription(d, event, id);
  if (!sub) {
    sub = { event, id, createdBy: lm.id, state: 'active', cseq: null, notifies: [], terminatedBy: null };
    d.subscriptions.push(sub);
  }
  sub.notifies.push(lm.id);
  if (d.state === 'trying' || d.state === 'early') setState(d, 'confirmed', lm.id, 'notify');
  const ss = headerValue(msg, 'subscription-state');
  const state = ss ? valueAndParams(ss).value.toLowerCase() : null;
  if (state === 'terminated') {
    sub.state = 'terminated';
    sub.terminatedBy = lm.id;
    // The dialog of a subscription-only usage ends with its last subscription (RFC 6665 §4.4.1, RFC 5057 §5.2).
    if (d.usage === 'subscription' && d.subscriptions.every((s) => s.state === 'terminated')) {
      setState(d, 'terminated', lm.id, 'subscription-terminated');
    }
  } else if (state === 'active' || state === 'pending') {
    if (sub.state === 'pending') sub.state = state;
  }
}

export function subscriptionEvent(msg: SipMessage): string {
  if (msg.method === 'REFER' && msg.kind === 'request') return 'refer';
  const ev = headerValue(msg, 'event');
  return ev ? valueAndParams(ev).value.toLowerCase() : '';
}

export function subscriptionId(msg: SipMessage): string | null {
  if (msg.method === 'REFER' && msg.kind === 'request') return msg.cseq ? String(msg.cseq.seq) : null;
  const ev = headerValue(msg, 'event');
  return ev ? valueAndParams(ev).params['id'] ?? null : null;
}

function findSubscription(d: Dialog, event: string, id: string | null): Subscription | undefined {
  // RFC 3515 §2.4.4: the first NOTIFY of a REFER subscription may omit the id.
  return d.subscriptions.find((s) => s.event === event && (s.id === id || id === null || s.id === null));
}

function newSubscription(msg: SipMessage, lid: number): Subscription {
  return { event: subscriptionEvent(msg), id: subscriptionId(msg), createdBy: lid, state: 'pending', cseq: msg.cseq?.seq ?? null, notifies: [], terminatedBy: null };
}

function emptyParty(): Party {
  return { uri: null, aor: null, gruu: null, contact: null };
}

/** The sender of a request: From URI and Contact (its GRUU when it has one). */
export function partyFromRequest(msg: SipMessage): Party {
  const uri = msg.from?.uri ?? null;
  const contact = contactUri(msg);
  return { uri, aor: aorKey(uri), gruu: gruuOf(uri) ?? gruuOf(contact), contact };
}

/** The target of a request: To URI, with the GRUU of the Request-URI or To when present. */
export function calleeFromRequest(msg: SipMessage): Party {
  const uri = msg.to?.uri ?? msg.requestUri;
  return { uri, aor: aorKey(uri), gruu: gruuOf(msg.requestUri) ?? gruuOf(uri), contact: null };
}

function partyFromTo(msg: SipMessage): Party {
  const uri = msg.to?.uri ?? null;
  return { uri, aor: aorKey(uri), gruu: gruuOf(uri), contact: null };
}

function partyFromFrom(msg: SipMessage): Party {
  const uri = msg.from?.uri ?? null;
  return { uri, aor: aorKey(uri), gruu: gruuOf(uri), contact: null };
}
