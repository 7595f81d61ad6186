// What an export draws, shared by every format (mermaid, PlantUML, Markdown, HTML, SVG/PNG, pcap): a flow instance
// or some dialogs, end-to-end or per hop, with the diagram's filters. Runs anywhere core runs.
import type { Finding, Severity } from '../model/finding';
import type { SipMessage } from '../model/sipMessage';
import type { Correlation } from '../dialog/correlate';
import { checkFlow, type FlowInstance } from '../flow/checkFlow';
import type { FlowSpec } from '../flow/flowSpec';
import { visibleMessages } from '../render/messageFilter';
import type { MessageAnnotation, MissingStep } from '../render/sequenceDiagram';
import { copyMessage } from './messageCopy';

export interface ExportFilter {
  /** Hide 100 (Trying) responses (default true: 3GPP figures leave them out). */
  hideTrying?: boolean;
  /** Hide the sender's retransmissions and captured duplicates of a message (default true). */
  hideRetransmissions?: boolean;
  /** Hide NOTIFYs reporting a provisional status, and their responses (default true, RFC 3515 §2.4.5). */
  hideProvisionalNotify?: boolean;
}

export interface ExportSelection {
  /** Flow id, optionally with the instance: `3gpp-replication-push` (first instance) or `3gpp-replication-push#2`. */
  flow?: string;
  /** Call-IDs whose messages are drawn; with `flow`, only the instance's messages of these dialogs. */
  dialogs?: readonly string[];
  /** true: every hop as captured; false (default): one arrow per logical message, first sender to last receiver. */
  hops?: boolean;
  filter?: ExportFilter;
}

/** A finding shown in the exported findings table. */
export interface ExportFinding {
  code: string;
  severity: Severity;
  message: string;
  /** `SipMessage.index` of the messages it is about. */
  messages: number[];
  /** Flow step it is about, for flow findings. */
  step?: string;
}

export interface ExportView {
  /** The messages drawn, in trace order; end-to-end arrows are shallow copies whose `dst` is the last hop's. */
  messages: SipMessage[];
  /** Every message of the selection before the filter and the end-to-end view (what a pcap export copies). */
  selectedMessages: SipMessage[];
  /** Messages of the selection that the filter or the end-to-end view left out. */
  hiddenMessages: number;
  annotations: Map<number, MessageAnnotation>;
  missingSteps: MissingStep[];
  /** Title drawn above the diagram: what is selected, and the verdict when a flow instance is. */
  title: string;
  /** The selected flow instance, or null. */
  instance: FlowInstance | null;
  /** Every instance of every flow checked (the report's verdict table). */
  instances: FlowInstance[];
  findings: ExportFinding[];
  /** Problems with the selection itself (unknown flow or Call-ID, nothing selected): errors mean nothing useful to draw. */
  problems: Finding[];
}

const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/**
 * Resolves a selection against a correlated trace. `flows` are the flows to check (verdicts for the report) and
 * to look `selection.flow` up in. Never throws: selection problems come back in `problems`.
 */
export function selectForExport(corr: Correlation, flows: readonly FlowSpec[], selection: ExportSelection = {}, traceFindings: readonly Finding[] = []): ExportView {
  const messages = corr.messages;
  const problems: Finding[] = [];
  const instances: FlowInstance[] = [];
  for (const spec of flows) instances.push(...checkFlow(corr, spec));

  let chosen: Set<number> | null = null;
  let instance: FlowInstance | null = null;
  const titleParts: string[] = [];
  if (selection.flow !== undefined) {
    const ref = parseFlowRef(selection.flow);
    const spec = flows.find((f) => f.id === ref.id);
    if (!spec) {
      problems.push({ code: 'export.unknown-flow', severity: 'error', message: `Expected a known flow id, got ${JSON.stringify(ref.id)} (known: ${flows.map((f) => f.id).join(', ') || 'none'}).` });
    } else {
      const ofFlow = instances.filter((i) => i.flow === spec.id);
      instance = ofFlow.find((i) => i.instance === ref.instance) ?? null;
      if (!instance) {
        problems.push({ code: 'export.flow-not-found', severity: 'error', message: `Expected instance ${ref.instance} of flow ${spec.id}, but the trace has ${ofFlow.length} instance(s) of it.` });
      } else {
        chosen = new Set();
        for (const s of instance.steps) for (const i of s.messages) chosen.add(i);
        titleParts.push(`${spec.id} #${instance.instance}: ${instance.verdict.toUpperCase()}`);
      }
    }
  }
  if (selection.dialogs && selection.dialogs.length > 0) {
    const wanted = new Set(selection.dialogs);
    const seen = new Set<string>();
    const inDialogs = new Set<number>();
    for (const m of messages) {
      if (m.callId !== null && wanted.has(m.callId)) {
        inDialogs.add(m.index);
        seen.add(m.callId);
      }
    }
    for (const id of selection.dialogs) {
      if (!seen.has(id)) problems.push({ code: 'export.unknown-dialog', severity: 'error', message: `Expected a message with Call-ID ${JSON.stringify(id)}, but the trace has none.` });
    }
    chosen = chosen === null ? inDialogs : new Set([...chosen].filter((i) => inDialogs.has(i)));
    titleParts.push(selection.dialogs.length === 1 ? `Call-ID ${selection.dialogs[0]}` : `${selection.dialogs.length} dialogs`);
  }
  const failedSelection = problems.some((p) => p.severity === 'error');
  const selected = failedSelection ? [] : chosen === null ? messages.slice() : messages.filter((m) => chosen!.has(m.index));

  const filter = selection.filter ?? {};
  const hideRetransmissions = filter.hideRetransmissions ?? true;
  const repeats = new Set<number>();
  if (hideRetransmissions) for (const g of corr.groups) for (const i of [...g.retransmissions, ...g.duplicates]) repeats.add(i);
  let drawn = visibleMessages(selected.filter((m) => !repeats.has(m.index)), {
    hideTrying: filter.hideTrying ?? true,
    hideProvisionalNotify: filter.hideProvisionalNotify ?? true,
    hideDuplicates: hideRetransmissions,
  });
  if (!selection.hops) drawn = endToEnd(drawn, corr);

  const annotations = new Map<number, MessageAnnotation>();
  for (const m of drawn) annotations.set(m.index, m.callId !== null ? { dialogId: m.callId } : {});
  const findings: ExportFinding[] = [];
  const selectedSet = new Set(selected.map((m) => m.index));
  for (const f of [...traceFindings, ...corr.findings]) {
    if (f.messageIndex !== undefined && !selectedSet.has(f.messageIndex)) continue;
    findings.push({ code: f.code, severity: f.severity, message: f.message, messages: f.messageIndex !== undefined ? [f.messageIndex] : [] });
  }
  const missingSteps: MissingStep[] = [];
  if (instance) {
    numberSteps(instance, drawn, annotations);
    const drawnSet = new Set(drawn.map((m) => m.index));
    for (const f of instance.findings) {
      findings.push({ code: f.code, severity: f.severity, message: f.message, messages: f.messages.slice(), ...(f.step !== null ? { step: f.step } : {}) });
      const step = f.step === null ? undefined : instance.steps.find((s) => s.id === f.step);
      if (step && step.status === 'missing') {
        missingSteps.push({ afterMessageIndex: anchorBefore(instance, step.id, drawnSet), text: f.message });
        continue;
      }
      // A finding about drawn messages becomes a note beside the last of them.
      const at = [...f.messages].reverse().find((i) => drawnSet.has(i));
      if (at === undefined) continue;
      const a = annotations.get(at)!;
      (a.findings ??= []).push({ severity: f.severity, text: `${f.code}: ${f.message}` });
    }
  }
  for (const f of findings) {
    if (instance || f.severity === 'info' || f.messages.length !== 1) continue;
    const a = annotations.get(f.messages[0]);
    if (a) (a.findings ??= []).push({ severity: f.severity, text: `${f.code}: ${f.message}` });
  }
  findings.sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
  if (!failedSelection && selected.length > 0 && drawn.length === 0) {
    problems.push({ code: 'export.empty-selection', severity: 'warning', message: `The selection has ${selected.length} message(s) but the filter hides every one of them.` });
  }
  return {
    messages: drawn,
    selectedMessages: selected,
    hiddenMessages: selected.length - drawn.length,
    annotations,
    missingSteps,
    title: titleParts.join(' · '),
    instance,
    instances,
    findings,
    problems,
  };
}

/** `id` or `id#n` (1-based instance, default 1). */
export function parseFlowRef(ref: string): { id: string; instance: number } {
  const hash = ref.lastIndexOf('#');
  if (hash > 0) {
    const n = Number(ref.slice(hash + 1));
    if (Number.isInteger(n) && n >= 1) return { id: ref.slice(0, hash), instance: n };
  }
  return { id: ref, instance: 1 };
}

/**
 * One arrow per logical message (hops collapsed, RFC 3261 §16.6 proxies forward the same request): the first
 * hop's message, drawn from its sender to the last hop's receiver. Messages outside any transaction stay as they are.
 */
function endToEnd(drawn: readonly SipMessage[], corr: Correlation): SipMessage[] {
  const out: SipMessage[] = [];
  const taken = new Set<number>();
  for (const m of drawn) {
    const id = corr.logicalOf[m.index];
    if (id === undefined || id < 0) {
      out.push(m);
      continue;
    }
    if (taken.has(id)) continue;
    taken.add(id);
    const lm = corr.logical[id];
    const lastGroup = corr.groups[lm.hops[lm.hops.length - 1]];
    const last = lastGroup ? corr.messages[lastGroup.copies[0]] : m;
    if (last === m || lm.hops.length < 2) out.push(m);
    else out.push(copyMessage(m, { dst: last.dst, ...(m.caption && last.caption ? { caption: { ...m.caption, to: last.caption.to } } : {}) }));
  }
  return out;
}

/** Arrows of a flow instance numbered 1, 2, 3… in drawing order, as the spec figures number their steps. */
function numberSteps(instance: FlowInstance, drawn: readonly SipMessage[], annotations: Map<number, MessageAnnotation>): void {
  const inInstance = new Set<number>();
  for (const s of instance.steps) for (const i of s.messages) inInstance.add(i);
  let n = 0;
  for (const m of drawn) if (inInstance.has(m.index)) annotations.get(m.index)!.step = String(++n);
}

/** The drawn message after which a missing step was due: the last drawn message of the steps before it. */
export function anchorBefore(instance: FlowInstance, stepId: string, drawn: ReadonlySet<number>): number | null {
  let anchor: number | null = null;
  for (const s of instance.steps) {
    if (s.id === stepId) break;
    for (const i of s.messages) if (drawn.has(i) && (anchor === null || i > anchor)) anchor = i;
  }
  return anchor;
}
