// The flow checker (runs wherever core runs): finds every instance of a flow in a correlated trace, binds its roles
// to URIs, matches each step to logical messages (every hop and copy listed) and gives a verdict with findings.
// Instances start at the anchor step's messages; every other step is looked up through hash indexes (by method and
// sender, by transaction, by dialog), so a trace of many unrelated calls costs little per instance.
import type { Severity } from '../model/finding';
import type { SipMessage } from '../model/sipMessage';
import type { Correlation } from '../dialog/correlate';
import type { Dialog } from '../dialog/dialogs';
import type { LogicalMessage } from '../dialog/hops';
import { dialogStateAt } from '../dialog/referRelations';
import { aorKey, contactUri, gruuOf, sameUri } from '../dialog/sipFields';
import { evaluate, parseExpression, type ExpressionScope, type ParsedExpression } from './expression';
import { catalogueEntry } from './findingCatalogue';
import type { DialogStep, FlowConstraint, FlowSpec, FlowStep, RequestStep, ResponseStep, StepProblem } from './flowSpec';

export type StepStatus = 'matched' | 'missing' | 'failed';

export interface StepResult {
  id: string;
  status: StepStatus;
  /** Every message index of the step: each hop and each copy (retransmissions, duplicates), ascending. */
  messages: number[];
}

export interface FlowFinding {
  code: string;
  severity: Severity;
  message: string;
  step: string | null;
  messages: number[];
}

export interface FlowInstance {
  flow: string;
  /** 1-based, in order of the anchor message's time. */
  instance: number;
  verdict: 'pass' | 'fail';
  roles: Record<string, string | null>;
  steps: StepResult[];
  findings: FlowFinding[];
}

interface Identity {
  keys: string[];
  gruu: string | null;
}

interface RoleBinding {
  uri: string;
  keys: Set<string>;
  gruu: string | null;
}

interface Match {
  logical: number[];
  dialog: number | null;
  status: StepStatus;
  /** Rank used for ordering (first matched logical message, or the dialog's confirming message). */
  rank: number;
  time: number | null;
  extraMessages: number[];
}

interface Indexes {
  requestsBySender: Map<string, number[]>;
  requestsByMethod: Map<string, number[]>;
  responsesByRequest: Map<string, number[]>;
  dialogsByParty: Map<string, number[]>;
  expressions: Map<string, ParsedExpression | null>;
}

const indexCache = new WeakMap<Correlation, Indexes>();

function push<K>(m: Map<K, number[]>, k: K, v: number): void {
  const l = m.get(k);
  if (l) l.push(v);
  else m.set(k, [v]);
}

function buildIndexes(corr: Correlation): Indexes {
  const cached = indexCache.get(corr);
  if (cached) return cached;
  const requestsBySender = new Map<string, number[]>();
  const requestsByMethod = new Map<string, number[]>();
  const responsesByRequest = new Map<string, number[]>();
  const byRank = [...corr.logical].sort((a, b) => a.rank - b.rank);
  for (const lm of byRank) {
    const msg = corr.messages[lm.first];
    if (lm.kind === 'request') {
      push(requestsByMethod, lm.method, lm.id);
      for (const k of originator(msg).keys) push(requestsBySender, `${lm.method}|${k}`, lm.id);
    } else {
      push(responsesByRequest, requestKey(lm), lm.id);
    }
  }
  for (const list of requestsBySender.values()) dedupeSorted(list);
  const dialogsByParty = new Map<string, number[]>();
  for (const d of corr.dialogs) {
    const keys = new Set<string>();
    for (const p of [d.caller, d.callee]) {
      if (p.aor) keys.add(p.aor);
      const c = aorKey(p.contact);
      if (c) keys.add(c);
    }
    for (const k of keys) push(dialogsByParty, k, d.id);
  }
  const firstRankOf = (did: number) => corr.logical[corr.dialogs[did].messages[0]]?.rank ?? Infinity;
  for (const list of dialogsByParty.values()) list.sort((x, y) => firstRankOf(x) - firstRankOf(y));
  const idx: Indexes = { requestsBySender, requestsByMethod, responsesByRequest, dialogsByParty, expressions: new Map() };
  indexCache.set(corr, idx);
  return idx;
}

function dedupeSorted(list: number[]): void {
  let w = 0;
  for (let r = 0; r < list.length; r++) if (r === 0 || list[r] !== list[r - 1]) list[w++] = list[r];
  list.length = w;
}

function requestKey(lm: LogicalMessage): string {
  return `${lm.callId}|${lm.cseq}|${lm.method}|${lm.fromTag ?? ''}`;
}

/** Who sent a request: From and Contact address-of-record, and a GRUU when either carries one (RFC 5627). */
function originator(msg: SipMessage): Identity {
  const contact = contactUri(msg);
  const keys = [aorKey(msg.from?.uri), aorKey(contact)].filter((k): k is string => k !== null);
  return { keys, gruu: gruuOf(msg.from?.uri) ?? gruuOf(contact) };
}

/** Whom a request is for: To and Request-URI address-of-record, GRUU from the Request-URI or To. */
function target(msg: SipMessage): Identity {
  const keys = [aorKey(msg.to?.uri), aorKey(msg.requestUri)].filter((k): k is string => k !== null);
  return { keys, gruu: gruuOf(msg.requestUri) ?? gruuOf(msg.to?.uri) };
}

function partyMatches(b: RoleBinding | undefined, id: Identity): boolean {
  if (!b) return true;
  if (!id.keys.some((k) => b.keys.has(k))) return false;
  return b.gruu === null || id.gruu === null || b.gruu === id.gruu;
}

function statusMatches(status: number | null, specs: string[]): boolean {
  if (status === null) return false;
  const s = String(status);
  return specs.some((p) => (p.endsWith('xx') ? s[0] === p[0] : s === p));
}

function describeStatuses(specs: string[]): string {
  return specs.join(' or ');
}

/** Checks one flow over a correlated trace; returns one result per instance (none when the anchor never matches). */
export function checkFlow(corr: Correlation, spec: FlowSpec): FlowInstance[] {
  const idx = buildIndexes(corr);
  const anchor = spec.steps.find((s) => s.id === spec.anchor);
  if (!anchor || anchor.kind !== 'request') return [];
  const expr = (text: string | undefined): ParsedExpression | null => {
    if (text === undefined) return null;
    let e = idx.expressions.get(`${spec.id}|${text}`);
    if (e === undefined) {
      const r = parseExpression(text, new Set(spec.steps.map((s) => s.id)));
      e = r.ok ? r.expr : null;
      idx.expressions.set(`${spec.id}|${text}`, e);
    }
    return e;
  };
  const out: FlowInstance[] = [];
  const seeds = idx.requestsByMethod.get(anchor.method) ?? [];
  for (const lid of seeds) {
    const checker = new InstanceChecker(corr, idx, spec, expr);
    if (!checker.seed(anchor, lid)) continue;
    const instance = checker.run(out.length + 1);
    out.push(instance);
  }
  return out;
}

class InstanceChecker {
  private roles = new Map<string, RoleBinding>();
  private matches = new Map<string, Match>();
  private findings: FlowFinding[] = [];
  private current: number | null = null;

  constructor(
    private corr: Correlation, private idx: Indexes, private spec: FlowSpec,
    private expr: (t: string | undefined) => ParsedExpression | null,
  ) {}

  private msg(lid: number): SipMessage {
    return this.corr.messages[this.corr.logical[lid].first];
  }

  /** For a response step, the messages of the request step it answers (a 200's INVITE); [] otherwise. */
  private requestStepMessages(stepId: string): number[] {
    const st = this.spec.steps.find((x) => x.id === stepId);
    return st && st.kind === 'response' ? this.stepMessages(st.of) : [];
  }

  /** A request's messages and the final response of its transaction (a BYE and its 200 tell how a dialog ended). */
  private withFinalResponse(lid: number): number[] {
    const lm = this.corr.logical[lid];
    const group = this.corr.groupOf[lm.first];
    if (group < 0) return lm.indexes;
    const tx = this.corr.transactions[this.corr.groups[group].transaction];
    const finals = tx.responses.map((g) => this.corr.groups[g].copies).filter((copies) => (this.corr.messages[copies[0]].status ?? 0) >= 200);
    return [...lm.indexes, ...(finals.length ? finals[finals.length - 1] : [])];
  }

  private scope(candidate: number | null): ExpressionScope {
    return {
      message: (step) => {
        if (step === null) return candidate === null ? null : this.msg(candidate);
        const m = this.matches.get(step);
        return m && m.logical.length ? this.msg(m.logical[0]) : null;
      },
      finalStatus: (step) => {
        const lid = step === null ? candidate : this.matches.get(step)?.logical[0] ?? null;
        return lid === null ? null : this.finalStatus(lid);
      },
      role: (id) => this.roles.get(id)?.uri ?? null,
    };
  }

  private finalStatus(requestLid: number): number | null {
    const lm = this.corr.logical[requestLid];
    for (const r of this.idx.responsesByRequest.get(requestKey(lm)) ?? []) {
      const st = this.corr.logical[r].status;
      if (st !== null && st >= 200) return st;
    }
    return null;
  }

  private bindRole(role: string, uri: string | null, identity?: Identity): void {
    if (!uri && !identity) return;
    let b = this.roles.get(role);
    if (!b) {
      b = { uri: uri ?? '', keys: new Set(), gruu: null };
      this.roles.set(role, b);
    } else if (uri && !b.uri) b.uri = uri;
    const k = aorKey(uri);
    if (k) b.keys.add(k);
    if (identity) for (const key of identity.keys) b.keys.add(key);
    const g = gruuOf(uri) ?? identity?.gruu ?? null;
    if (g !== null && b.gruu === null) b.gruu = g;
  }

  /** Tries the anchor step on one message; false when the message is not an anchor (select fails). */
  seed(step: RequestStep, lid: number): boolean {
    const lm = this.corr.logical[lid];
    if (lm.kind !== 'request' || lm.method !== step.method) return false;
    // Retransmission or another hop of an anchor already seen is the same logical message, so no double instance.
    if (!step.select.every((c) => this.test(c, lid).ok)) return false;
    this.matchRequest(step, lid);
    return true;
  }

  private matchRequest(step: RequestStep, lid: number): void {
    const msg = this.msg(lid);
    const from = originator(msg);
    const to = target(msg);
    for (const r of step.from) if (!this.roles.has(r)) this.bindRole(r, msg.from?.uri ?? null, step.from.length === 1 ? from : undefined);
    for (const r of step.to) if (!this.roles.has(r)) this.bindRole(r, msg.requestUri ?? msg.to?.uri ?? null, step.to.length === 1 ? to : undefined);
    for (const [role, e] of Object.entries(step.bind)) {
      const pe = this.expr(e);
      const v = pe ? evaluate(pe, this.scope(lid)) : null;
      if (v === null) continue;
      const b = this.roles.get(role);
      if (b) {
        b.uri = v;
        const k = aorKey(v);
        if (k) b.keys.add(k);
        const g = gruuOf(v);
        if (g !== null) b.gruu = g;
      } else this.bindRole(role, v);
    }
    const lm = this.corr.logical[lid];
    this.matches.set(step.id, { logical: [lid], dialog: null, status: 'matched', rank: lm.rank, time: lm.time, extraMessages: [] });
  }

  run(instanceNo: number): FlowInstance {
    const anchorPos = this.spec.steps.findIndex((s) => s.id === this.spec.anchor);
    this.spec.steps.forEach((step, pos) => {
      if (step.id === this.spec.anchor) {
        this.applyExpects(step as RequestStep, this.matches.get(step.id)!);
        return;
      }
      const upper = pos < anchorPos ? this.matches.get(this.spec.anchor)!.rank : Infinity;
      if (step.kind === 'dialog') this.matchDialogStep(step);
      else if (step.kind === 'response') this.matchResponseStep(step);
      else this.matchRequestStep(step, upper);
    });
    this.checkTiming();
    this.checkEndState();
    const steps: StepResult[] = this.spec.steps.map((s) => {
      const m = this.matches.get(s.id);
      return { id: s.id, status: m ? m.status : 'missing', messages: m ? this.indexesOf(m) : [] };
    });
    const failed = this.findings.some((f) => f.severity === 'error')
      || this.spec.steps.some((s, i) => !s.optional && steps[i].status !== 'matched');
    const roles: Record<string, string | null> = {};
    for (const r of this.spec.roles) roles[r.id] = this.roles.get(r.id)?.uri || null;
    return { flow: this.spec.id, instance: instanceNo, verdict: failed ? 'fail' : 'pass', roles, steps, findings: this.findings };
  }

  private indexesOf(m: Match): number[] {
    const all: number[] = [...m.extraMessages];
    for (const lid of m.logical) for (const i of this.corr.logical[lid].indexes) all.push(i);
    return [...new Set(all)].sort((a, b) => a - b);
  }

  private stepMessages(id: string): number[] {
    const m = this.matches.get(id);
    return m ? this.indexesOf(m) : [];
  }

  private lowerBound(step: FlowStep): number {
    let lower = -1;
    for (const a of step.after ?? []) {
      const m = this.matches.get(a);
      if (m && m.logical.length && m.status !== 'missing') lower = Math.max(lower, m.rank);
    }
    return lower;
  }

  private report(code: string, step: string | null, message: string, messages: number[], severity?: Severity): void {
    this.findings.push({ code, severity: severity ?? catalogueEntry(code).severity, message, step, messages: [...new Set(messages)].sort((a, b) => a - b) });
  }

  private describe(step: FlowStep): string {
    if (step.description) return step.description;
    if (step.kind === 'request') return `${step.method} from ${step.from.join('/')} to ${step.to.join('/')}`;
    if (step.kind === 'response') return `${describeStatuses(step.statuses)} response to ${step.of}`;
    return `${step.method} dialog between ${step.between.join(' and ')}`;
  }

  private clause(step: FlowStep, problem?: StepProblem): string {
    return problem?.clause ?? step.clause ?? this.spec.reference;
  }

  private reportMissing(step: FlowStep, extra = ''): void {
    if (step.optional) return;
    const problem = step.missing;
    const code = problem?.code ?? 'flow.step-missing';
    // Related: what the step names, else the steps it should have followed and the instance's anchor.
    const relatedSteps = problem?.related ?? [...(step.after ?? []), this.spec.anchor];
    const related = relatedSteps.flatMap((r) => this.stepMessages(r));
    this.report(code, step.id, `Step ${step.id}: expected ${this.describe(step)}, but the trace has no such message${extra} (${this.clause(step, problem)}).`, related);
  }

  // ---- request steps ----

  private matchRequestStep(step: RequestStep, upper: number): void {
    const lower = this.lowerBound(step);
    if (step.ackFor !== undefined) {
      const ok = this.matches.get(step.ackFor);
      if (!ok || ok.status === 'missing' || !ok.logical.length) return; // the 2xx is missing: reported there
    }
    const candidates = this.requestCandidates(step);
    let best: { lid: number; failures: number } | null = null;
    let early: { lid: number; failures: number } | null = null;
    const chosen: number[] = [];
    const rankOf = (lid: number) => this.corr.logical[lid].rank;
    // Candidates are in time order: start after the lower bound and stop at the first one that fails nothing
    // (nothing later can beat it), so an instance costs little even when one party sends thousands of requests.
    const start = firstAfter(candidates, lower, rankOf);
    for (let k = start; k < candidates.length; k++) {
      const lid = candidates[k];
      if (rankOf(lid) >= upper) break;
      if (!this.hardMatch(step, lid)) continue;
      if (step.repeatable) chosen.push(lid);
      const failures = this.expectFailures(step.expect, lid) + (this.targetMatches(step, lid) ? 0 : 1);
      if (!best || failures < best.failures) best = { lid, failures };
      if (failures === 0 && !step.repeatable) break;
    }
    if (!best) {
      // Nothing after the step it must follow: look before it, latest first, to tell "out of order" from "missing".
      for (let k = start - 1; k >= 0; k--) {
        const lid = candidates[k];
        if (rankOf(lid) >= upper || !this.hardMatch(step, lid)) continue;
        const failures = this.expectFailures(step.expect, lid) + (this.targetMatches(step, lid) ? 0 : 1);
        if (!early || failures < early.failures) early = { lid, failures };
        if (failures === 0) break;
      }
    }
    if (!best && !early) {
      const why = step.ackFor !== undefined ? ` for the ${step.ackFor} message` : '';
      this.reportMissing(step, why);
      return;
    }
    const pick = best ?? early!;
    const lm = this.corr.logical[pick.lid];
    const logical = step.repeatable && best ? chosen : [pick.lid];
    const match: Match = { logical, dialog: null, status: 'matched', rank: lm.rank, time: lm.time, extraMessages: [] };
    this.matches.set(step.id, match);
    for (const r of step.from) if (!this.roles.has(r) && step.from.length === 1) this.bindRole(r, this.msg(pick.lid).from?.uri ?? null, originator(this.msg(pick.lid)));
    for (const r of step.to) if (!this.roles.has(r) && step.to.length === 1) this.bindRole(r, this.msg(pick.lid).requestUri, target(this.msg(pick.lid)));
    if (!best) {
      match.status = 'failed';
      const prev = (step.after ?? []).filter((a) => this.matches.get(a)?.logical.length);
      this.report('flow.out-of-order', step.id,
        `Step ${step.id}: expected ${this.describe(step)} after ${prev.join(', ')}, but message ${lm.first} comes before it (${this.clause(step)}).`,
        [...this.stepMessages(step.id), ...prev.flatMap((p) => this.stepMessages(p)), ...prev.flatMap((p) => this.requestStepMessages(p))]);
    }
    const expectFailed = this.applyExpects(step, match);
    if (!expectFailed && !this.targetMatches(step, pick.lid)) {
      match.status = 'failed';
      const m = this.msg(pick.lid);
      this.report('flow.role-mismatch', step.id,
        `Step ${step.id}: expected ${step.method} to ${step.to.map((r) => `${r} (${this.roles.get(r)?.uri ?? '?'})`).join(' or ')}, but message ${lm.first} is addressed to ${m.requestUri ?? m.to?.uri ?? 'nobody'} (${this.clause(step)}).`,
        this.stepMessages(step.id));
    }
  }

  private requestCandidates(step: RequestStep): number[] {
    if (step.ackFor !== undefined) return this.dialogRequests(step.ackFor, step.method, true);
    const inDialog = step.select.find((c) => c.inDialogOf !== undefined);
    if (inDialog) return this.dialogRequests(inDialog.inDialogOf!, step.method, false);
    const fromBound = step.from.map((r) => this.roles.get(r)).filter((b): b is RoleBinding => b !== undefined);
    if (fromBound.length === step.from.length && fromBound.length) {
      const out = new Set<number>();
      for (const b of fromBound) for (const k of b.keys) for (const lid of this.idx.requestsBySender.get(`${step.method}|${k}`) ?? []) out.add(lid);
      return [...out].sort((a, b) => this.corr.logical[a].rank - this.corr.logical[b].rank);
    }
    return this.idx.requestsByMethod.get(step.method) ?? [];
  }

  /** Requests of `method` in the dialog(s) of another step's message; for ACK, the one with the INVITE's CSeq. */
  private dialogRequests(stepId: string, method: string, sameCseq: boolean): number[] {
    const m = this.matches.get(stepId);
    if (!m || !m.logical.length) return [];
    const ref = this.corr.logical[m.logical[0]];
    const out: number[] = [];
    for (const d of this.corr.dialogOf[ref.id]) {
      for (const lid of this.corr.dialogs[d].messages) {
        const lm = this.corr.logical[lid];
        if (lm.kind === 'request' && lm.method === method && (!sameCseq || lm.cseq === ref.cseq)) out.push(lid);
      }
    }
    return [...new Set(out)].sort((a, b) => this.corr.logical[a].rank - this.corr.logical[b].rank);
  }

  private hardMatch(step: RequestStep, lid: number): boolean {
    const lm = this.corr.logical[lid];
    if (lm.kind !== 'request' || lm.method !== step.method) return false;
    if (step.from.length) {
      const id = originator(this.msg(lid));
      const bound = step.from.map((r) => this.roles.get(r));
      if (bound.every((b) => b !== undefined) && !bound.some((b) => partyMatches(b, id))) return false;
    }
    return step.select.every((c) => this.test(c, lid).ok);
  }

  private targetMatches(step: RequestStep, lid: number): boolean {
    if (!step.to.length || step.ackFor !== undefined) return true;
    const id = target(this.msg(lid));
    const bound = step.to.map((r) => this.roles.get(r));
    if (bound.some((b) => b === undefined)) return true;
    return bound.some((b) => partyMatches(b, id));
  }

  private expectFailures(list: FlowConstraint[], lid: number): number {
    let n = 0;
    for (const c of list) if (!this.test(c, lid).ok) n++;
    return n;
  }

  /** Reports every failed expect of the step's first message; true when one failed. */
  private applyExpects(step: RequestStep | ResponseStep, match: Match): boolean {
    const lid = match.logical[0];
    let failed = false;
    for (const c of step.expect) {
      const r = this.test(c, lid);
      if (r.ok) continue;
      failed = true;
      match.status = 'failed';
      const code = c.code ?? 'flow.constraint-failed';
      const related = [...this.stepMessages(step.id)];
      if (c.inDialogOf) related.push(...this.stepMessages(c.inDialogOf));
      // The earlier steps the constraint compares with (`refer.header('Refer-To')`) are part of the evidence.
      for (const text of [c.value, c.equals, c.sameUri, c.sameAor, c.otherAor]) {
        const e = this.expr(text);
        if (!e?.step || e.step === step.id) continue;
        related.push(...this.stepMessages(e.step));
        // `invite.finalStatus` is read from the final response: the response steps of that request.
        if (e.segments[0]?.name === 'finalStatus') {
          for (const s of this.spec.steps) if (s.kind === 'response' && s.of === e.step) related.push(...this.stepMessages(s.id));
        }
      }
      const first = this.corr.logical[lid].first;
      this.report(code, step.id, `Step ${step.id}: expected ${r.expected}, but message ${first} ${r.seen} (${c.clause ?? this.clause(step)}).`, related);
    }
    return failed;
  }

  // ---- constraints ----

  private test(c: FlowConstraint, lid: number): { ok: boolean; expected: string; seen: string } {
    const scope = this.scope(lid);
    const val = (t: string | undefined): string | null => {
      const e = this.expr(t);
      return e ? evaluate(e, scope) : null;
    };
    if (c.when !== undefined && val(c.when) === null) return { ok: true, expected: '', seen: '' };
    if (c.inDialogOf !== undefined) {
      const m = this.matches.get(c.inDialogOf);
      if (!m || !m.logical.length) return { ok: true, expected: '', seen: '' };
      const ok = this.sameDialog(lid, m.logical[0]);
      const me = this.corr.logical[lid];
      const ref = this.corr.logical[m.logical[0]];
      return {
        ok, expected: c.expected ?? `it in the dialog of ${c.inDialogOf} (Call-ID ${ref.callId}, tag ${ref.fromTag})`,
        seen: `has Call-ID ${me.callId}, From tag ${me.fromTag ?? 'none'}, To tag ${me.toTag ?? 'none'}`,
      };
    }
    const actual = val(c.value);
    const subject = c.value ?? '';
    const show = (v: string | null): string => (v === null ? 'none' : v);
    if (c.present !== undefined) {
      return { ok: (actual !== null) === c.present, expected: c.expected ?? `${subject} ${c.present ? 'present' : 'absent'}`, seen: c.present ? `has no ${subject}` : `has ${subject} ${show(actual)}` };
    }
    if (c.is !== undefined) {
      const want = String(c.is).toLowerCase();
      return { ok: actual !== null && actual.toLowerCase() === want, expected: c.expected ?? `${subject} = ${c.is}`, seen: `has ${show(actual)}` };
    }
    if (c.oneOf !== undefined) {
      const want = c.oneOf.map((x) => String(x).toLowerCase());
      return { ok: actual !== null && want.includes(actual.toLowerCase()), expected: c.expected ?? `${subject} one of ${c.oneOf.join(', ')}`, seen: `has ${show(actual)}` };
    }
    const operandText = c.equals ?? c.sameUri ?? c.sameAor ?? c.otherAor;
    const operand = val(operandText);
    // A reference to a step that matched nothing (or a value it lacks) cannot be tested: skip, the missing step is reported.
    if (operand === null) return { ok: c.otherAor !== undefined ? actual !== null : true, expected: '', seen: '' };
    const expected = `${c.expected ?? operandText} (${operand})`;
    const seen = `has ${show(actual)}`;
    if (c.equals !== undefined) return { ok: actual !== null && actual.toLowerCase() === operand.toLowerCase(), expected: `${subject} = ${expected}`, seen };
    if (c.sameUri !== undefined) return { ok: sameUri(actual, operand), expected: `${subject} = ${expected}`, seen };
    if (c.sameAor !== undefined) return { ok: actual !== null && aorKey(actual) === aorKey(operand), expected: `${subject} with the address-of-record of ${expected}`, seen };
    return { ok: actual !== null && aorKey(actual) !== aorKey(operand), expected: `${subject} with another address-of-record than ${expected}`, seen };
  }

  private sameDialog(a: number, b: number): boolean {
    const da = this.corr.dialogOf[a];
    const db = this.corr.dialogOf[b];
    if (da.some((d) => db.includes(d))) return true;
    // Before the dialog is known (no 2xx seen): the NOTIFY's To tag is the REFER's From tag (RFC 6665 §4.1.2.4).
    const x = this.corr.logical[a];
    const y = this.corr.logical[b];
    return x.callId === y.callId && y.fromTag !== null && (x.toTag === y.fromTag || x.fromTag === y.fromTag);
  }

  // ---- response steps ----

  private matchResponseStep(step: ResponseStep): void {
    const req = this.matches.get(step.of);
    if (!req || !req.logical.length) return; // the request is missing: reported at its own step
    const reqLm = this.corr.logical[req.logical[0]];
    const responses = this.idx.responsesByRequest.get(requestKey(reqLm)) ?? [];
    const good = responses.filter((r) => statusMatches(this.corr.logical[r].status, step.statuses));
    if (!good.length) {
      const final = responses.find((r) => (this.corr.logical[r].status ?? 0) >= 200);
      if (step.optional) return;
      if (final !== undefined) {
        const lm = this.corr.logical[final];
        this.matches.set(step.id, { logical: [final], dialog: null, status: 'failed', rank: lm.rank, time: lm.time, extraMessages: [] });
        const code = step.rejected?.code ?? 'flow.request-rejected';
        this.report(code, step.id,
          `Step ${step.id}: expected ${describeStatuses(step.statuses)} to ${reqLm.method} (message ${reqLm.first}), but it was answered ${lm.status} (message ${lm.first}) (${this.clause(step, step.rejected)}).`,
          [...this.stepMessages(step.of), ...this.stepMessages(step.id)]);
      } else this.reportMissing(step, ` answering ${reqLm.method} message ${reqLm.first}`);
      return;
    }
    const chosen = step.repeatable ? good : [good[0]];
    const lm = this.corr.logical[chosen[0]];
    const match: Match = { logical: chosen, dialog: null, status: 'matched', rank: lm.rank, time: lm.time, extraMessages: [] };
    this.matches.set(step.id, match);
    this.applyExpects(step, match);
    // Timer B/F (RFC 3261 §17.1.1.2, §17.1.2.2): the response must come within 64*T1 of the request.
    if (lm.time !== null && reqLm.time !== null && lm.time - reqLm.time > this.spec.responseTimeout && !step.within) {
      match.status = 'failed';
      this.report('flow.step-late', step.id,
        `Step ${step.id}: expected the response within ${this.spec.responseTimeout} s of ${step.of} (Timer B/F), but it came after ${(lm.time - reqLm.time).toFixed(3)} s (RFC 3261 §17.1.1.2).`,
        [...this.stepMessages(step.of), ...this.stepMessages(step.id)]);
    }
  }

  // ---- dialog steps ----

  private matchDialogStep(step: DialogStep): void {
    const before = this.matches.get(step.before);
    const beforeRank = before && before.logical.length ? before.rank : Infinity;
    const a = this.roles.get(step.between[0]);
    const b = this.roles.get(step.between[1]);
    if (!a || !b) {
      this.reportMissing(step, ' (its roles are not bound)');
      return;
    }
    const seen = new Set<number>();
    let confirmed: Dialog | null = null;
    let other: Dialog | null = null;
    const firstRank = (d: Dialog) => this.corr.logical[d.messages[0]]?.rank ?? Infinity;
    for (const k of a.keys) {
      // Lists are in order of each dialog's first message: walk back from the `before` step, latest first.
      const list = this.idx.dialogsByParty.get(k) ?? [];
      for (let j = firstAfter(list, beforeRank - 1, (did) => firstRank(this.corr.dialogs[did])) - 1; j >= 0; j--) {
        const did = list[j];
        if (seen.has(did)) continue;
        seen.add(did);
        const d = this.corr.dialogs[did];
        if (confirmed && firstRank(d) < firstRank(confirmed)) break;
        if (d.method !== null && d.method !== step.method) continue;
        const caller = partyIdentity(d.caller);
        const callee = partyIdentity(d.callee);
        if (!((partyMatches(a, caller) && partyMatches(b, callee)) || (partyMatches(a, callee) && partyMatches(b, caller)))) continue;
        if (dialogStateAt(d, beforeRank, this.corr.logical) === 'confirmed') {
          if (!confirmed || firstRank(d) > firstRank(confirmed)) confirmed = d;
        } else if (!other) other = d;
      }
    }
    const d = confirmed ?? other;
    if (!d) {
      this.reportMissing(step, ` before ${step.before}`);
      return;
    }
    const lids = d.messages.filter((lid) => this.corr.logical[lid].rank < beforeRank);
    const confirmChange = d.states.find((s) => s.state === 'confirmed');
    const rankLm = this.corr.logical[confirmChange ? confirmChange.logical : lids[0]];
    const match: Match = { logical: lids, dialog: d.id, status: confirmed ? 'matched' : 'failed', rank: rankLm.rank, time: rankLm.time, extraMessages: [] };
    this.matches.set(step.id, match);
    // The dialog tells more about the roles (e.g. UE-3's address-of-record behind the Contact the REFER named).
    for (const [role, p] of [[step.between[0], d.caller], [step.between[1], d.callee]] as const) {
      const bnd = this.roles.get(role);
      if (bnd && partyMatches(bnd, partyIdentity(p))) for (const k of partyIdentity(p).keys) bnd.keys.add(k);
    }
    if (!confirmed) {
      const state = dialogStateAt(d, beforeRank, this.corr.logical);
      const end = d.terminatedBy && this.corr.logical[d.terminatedBy.logical].rank < beforeRank ? d.terminatedBy : null;
      const how = end ? `was terminated (${end.cause}, message ${this.corr.logical[end.logical].first})` : `was ${state}`;
      this.report(end ? 'flow.original-session-ended' : 'flow.session-not-confirmed', step.id,
        `Step ${step.id}: expected a confirmed ${step.method} dialog between ${step.between.join(' and ')} before ${step.before}, but dialog ${d.callId} ${how} (${this.clause(step)}).`,
        [...this.indexesOf(match), ...(end ? this.withFinalResponse(end.logical) : [])]);
    }
  }

  // ---- timing and end state ----

  private checkTiming(): void {
    for (const step of this.spec.steps) {
      if (!step.within) {
        this.checkStepGap(step);
        continue;
      }
      const m = this.matches.get(step.id);
      const ref = this.matches.get(step.within.step);
      if (!m || !ref || m.time === null || ref.time === null) continue;
      const dt = m.time - ref.time;
      if (dt > step.within.seconds) {
        m.status = 'failed';
        this.report('flow.step-late', step.id,
          `Step ${step.id}: expected within ${step.within.seconds} s of ${step.within.step}, but it came after ${dt.toFixed(3)} s (${this.clause(step)}).`,
          [...this.stepMessages(step.within.step), ...this.stepMessages(step.id)]);
      }
    }
  }

  /** A request step must follow the step it comes after within stepTimeout (the flow's default limit between steps). */
  private checkStepGap(step: FlowStep): void {
    if (step.kind !== 'request' || step.id === this.spec.anchor) return;
    const m = this.matches.get(step.id);
    if (!m || m.time === null || m.status === 'missing') return;
    let ref: { id: string; m: Match } | null = null;
    for (const a of step.after ?? []) {
      const am = this.matches.get(a);
      if (am && am.logical.length && am.time !== null && am.rank < m.rank && (!ref || am.rank > ref.m.rank)) ref = { id: a, m: am };
    }
    if (!ref || ref.m.time === null) return;
    const dt = m.time - ref.m.time;
    if (dt > this.spec.stepTimeout) {
      m.status = 'failed';
      this.report('flow.step-late', step.id,
        `Step ${step.id}: expected within ${this.spec.stepTimeout} s of ${ref.id} (the flow's limit between steps, RFC 3261 Timer B/F = 64*T1), but it came after ${dt.toFixed(3)} s (${this.clause(step)}).`,
        [...this.stepMessages(ref.id), ...this.stepMessages(step.id)]);
    }
  }

  private checkEndState(): void {
    if (!this.spec.endState.length) return;
    let completion = -1;
    let completionLid = -1;
    for (const m of this.matches.values()) {
      for (const lid of m.logical) {
        const r = this.corr.logical[lid].rank;
        if (r > completion) {
          completion = r;
          completionLid = lid;
        }
      }
    }
    if (completionLid < 0) return;
    for (const item of this.spec.endState) {
      const m = this.matches.get(item.step);
      if (!m || !m.logical.length) continue;
      const dialogs = m.dialog !== null ? [m.dialog] : [...new Set(m.logical.flatMap((lid) => this.corr.dialogOf[lid]))];
      if (!dialogs.length) continue;
      const states = dialogs.map((did) => ({ d: this.corr.dialogs[did], s: dialogStateAt(this.corr.dialogs[did], completion, this.corr.logical) }));
      if (states.some((x) => x.s === 'confirmed')) continue;
      // Only a dialog that was confirmed and then ended counts; one never confirmed is reported at its 2xx step.
      const ended = states.find((x) => x.s === 'terminated' && x.d.terminatedBy && x.d.states.some((c) => c.state === 'confirmed'));
      if (!ended) continue;
      const end = ended.d.terminatedBy!;
      const endLm = this.corr.logical[end.logical];
      const code = item.code ?? 'flow.session-not-confirmed';
      this.report(code, item.step,
        `Step ${item.step}: expected its dialog (Call-ID ${ended.d.callId}) still confirmed when the flow completed (message ${this.corr.logical[completionLid].first}), but it was terminated by ${describeCause(end.cause)} (message ${endLm.first}) (${item.clause ?? this.spec.reference}).`,
        [...this.withFinalResponse(end.logical), ...this.corr.logical[completionLid].indexes]);
    }
  }
}

/** Index of the first id whose rank is above `rank` in a list sorted by rank. */
function firstAfter(ids: readonly number[], rank: number, rankOf: (id: number) => number): number {
  let lo = 0;
  let hi = ids.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (rankOf(ids[mid]) <= rank) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function partyIdentity(p: Dialog['caller']): Identity {
  const keys = [p.aor, aorKey(p.contact)].filter((k): k is string => k !== null);
  return { keys, gruu: p.gruu };
}

function describeCause(cause: string): string {
  if (cause === 'bye') return 'BYE';
  if (cause === 'cancel') return 'CANCEL';
  if (cause === 'subscription-terminated') return 'a NOTIFY with Subscription-State: terminated';
  if (cause.startsWith('non-2xx:')) return `a ${cause.slice(8)} final response`;
  return cause;
}
