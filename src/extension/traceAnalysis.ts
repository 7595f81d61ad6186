// The `analyse` worker op: a loaded trace → correlation, checker report, and the summaries the language features
// (diagnostics, outline, hover, CodeLens, decoded view) and the diagram's verdict need. Runs in the trace worker;
// no vscode import, only core.
import type { Finding, SourceRef } from '../core/model/finding';
import type { SipMessage } from '../core/model/sipMessage';
import { formatEndpoint } from '../core/model/packet';
import { correlate, type Correlation } from '../core/dialog/correlate';
import { DEFAULT_CORRELATION_HEADERS } from '../core/dialog/callLegs';
import { builtinFlows } from '../core/flow/builtinFlows';
import type { FlowSpec } from '../core/flow/flowSpec';
import { loadFlowSpec } from '../core/flow/loadFlowSpec';
import { buildCheckReport } from '../core/report/checkReport';
import { messageTitle } from '../core/render/arrowLabel';
import { sideKey } from '../core/render/participants';
import type { AnalyseOptions, AnalysedFinding, DialogSummary, MessageSummary, TraceAnalysis } from './traceWorkerProtocol';

export interface AnalysisInput {
  fileName: string;
  format: string;
  /** Captured packets, when the trace is a capture. */
  packets: number | null;
  messages: readonly SipMessage[];
  /** Findings of the reader (capture, parser). */
  readerFindings: readonly Finding[];
}

/** Everything `analyse` computes, plus the correlation the diagram reuses (not sent to the host). */
export interface TraceAnalysisResult {
  analysis: TraceAnalysis;
  correlation: Correlation;
  flows: FlowSpec[];
}

/** Where a message sits in its trace, as findings point at it. */
export function messageSource(m: SipMessage | undefined): SourceRef | null {
  if (!m) return null;
  if ('frame' in m.source) return { frame: m.source.frame };
  return { line: m.source.line, endLine: m.source.endLine };
}

/** The flows to check: built-ins plus user flow files; flowIds empty = the ones checked by default plus every user flow. */
export function chooseFlows(options: AnalyseOptions): { flows: FlowSpec[]; findings: Finding[] } {
  const builtin = builtinFlows();
  const findings: Finding[] = builtin.findings.filter((f) => f.severity !== 'info');
  const user: FlowSpec[] = [];
  for (const file of options.userFlows) {
    const loaded = loadFlowSpec(file.text, file.path);
    if (loaded.spec) user.push(loaded.spec);
    for (const f of loaded.findings) {
      // Positions inside a flow file are not trace positions: they move into the text so no diagnostic lands on a trace line.
      const at = f.source && 'line' in f.source ? ` (${file.path}:${f.source.line})` : '';
      findings.push({ code: f.code, severity: f.severity, message: `${f.message}${at}` });
    }
  }
  // A user flow with a built-in's id replaces it (the workspace knows its network better).
  const byId = new Map<string, FlowSpec>();
  for (const f of builtin.flows) byId.set(f.id, f);
  for (const f of user) byId.set(f.id, f);
  if (options.flowIds.length === 0) {
    const userIds = new Set(user.map((f) => f.id));
    return { flows: [...byId.values()].filter((f) => f.checkByDefault || userIds.has(f.id)), findings };
  }
  const flows: FlowSpec[] = [];
  for (const id of options.flowIds) {
    const spec = byId.get(id);
    if (spec) flows.push(spec);
    else findings.push({ code: 'flow-spec.unknown-flow', severity: 'warning', message: `Setting names flow ${JSON.stringify(id)}, but no built-in or workspace flow has that id (known: ${[...byId.keys()].join(', ')}).` });
  }
  return { flows, findings };
}

export function analyseTrace(input: AnalysisInput, options: AnalyseOptions): TraceAnalysisResult {
  const { messages } = input;
  const headers = options.correlationHeaders.map((h) => h.trim().toLowerCase()).filter((h) => h !== '');
  const correlation = correlate(messages, headers.length ? { correlationHeaders: [...new Set([...DEFAULT_CORRELATION_HEADERS, ...headers])] } : {});
  const chosen = chooseFlows(options);
  const report = buildCheckReport(
    { path: input.fileName, format: input.format, packets: input.packets }, correlation, chosen.flows,
    { requested: options.flowIds.length > 0, readerFindings: [...input.readerFindings] },
  );
  const byIndex = indexMessages(messages);
  const related = (indexes: readonly number[]): AnalysedFinding['related'] =>
    indexes.map((index) => ({ index, source: messageSource(byIndex(index)) }));

  const findings: AnalysedFinding[] = [];
  const plain = (f: Finding): AnalysedFinding => {
    const out: AnalysedFinding = { ...f, related: f.messageIndex !== undefined ? related([f.messageIndex]) : [] };
    if (!out.source && f.messageIndex !== undefined) {
      const source = messageSource(byIndex(f.messageIndex));
      if (source) out.source = source;
    }
    return out;
  };
  for (const f of input.readerFindings) findings.push(plain(f));
  for (const f of correlation.findings) findings.push(plain(f));
  for (const f of chosen.findings) findings.push(plain(f));
  // flow.not-found is a report-level finding (only when flows were named).
  for (const f of report.findings) {
    if (f.code === 'flow.not-found') findings.push({ code: f.code, severity: f.severity, message: f.message, related: related(f.messages) });
  }
  for (const instance of report.flows) {
    for (const f of instance.findings) {
      const out: AnalysedFinding = {
        code: f.code, severity: f.severity, message: f.message,
        flow: instance.flow, instance: instance.instance, related: related(f.messages),
      };
      if (f.step !== null) out.step = f.step;
      if (f.messages.length) {
        out.messageIndex = f.messages[0];
        const source = messageSource(byIndex(f.messages[0]));
        if (source) out.source = source;
      }
      findings.push(out);
    }
  }

  // The summaries are made when first read: the language features ask for them, the diagram never does (for a
  // 200,000-message capture they are ~350 MB of heap that would only delay its first page).
  let summaries: MessageSummary[] | null = null;
  return {
    analysis: {
      get messages() {
        return (summaries ??= summariseMessages(messages, correlation));
      },
      dialogs: summariseDialogs(correlation), findings, report,
    },
    correlation,
    flows: chosen.flows,
  };
}

/** Readers number messages by position; a lookup that stays right if one does not. */
function indexMessages(messages: readonly SipMessage[]): (index: number) => SipMessage | undefined {
  let byIndex: Map<number, SipMessage> | null = null;
  return (index) => {
    const direct = messages[index];
    if (direct?.index === index) return direct;
    byIndex ??= new Map(messages.map((m) => [m.index, m]));
    return byIndex.get(index);
  };
}

function summariseMessages(messages: readonly SipMessage[], corr: Correlation): MessageSummary[] {
  // Position → which copy of which original, from the copy groups (one pass over groups).
  const copyOf = new Map<number, number>();
  const retransmissionOf = new Map<number, number>();
  for (const g of corr.groups) {
    const original = messages[g.copies[0]]?.index ?? g.copies[0];
    for (const d of g.duplicates) copyOf.set(d, original);
    for (const r of g.retransmissions) retransmissionOf.set(r, original);
  }
  const out: MessageSummary[] = new Array(messages.length);
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i];
    const gid = corr.groupOf[i];
    const lid = corr.logicalOf[i];
    const dialogs = lid >= 0 ? corr.dialogOf[lid] : undefined;
    const duplicate = m.duplicateOf ?? copyOf.get(i);
    out[i] = {
      index: m.index,
      label: messageTitle(m),
      callId: m.callId,
      cseq: m.cseq ? `${m.cseq.seq} ${m.cseq.method}` : null,
      source: messageSource(m),
      time: m.time === null || !Number.isFinite(m.time) ? null : new Date(m.time * 1000).toISOString(),
      from: m.src ? formatEndpoint(m.src) : sideKey(m, 'src').key,
      to: m.dst ? formatEndpoint(m.dst) : sideKey(m, 'dst').key,
      dialog: dialogs && dialogs.length ? dialogs[0] : null,
      transaction: gid >= 0 ? corr.transactions[corr.groups[gid].transaction].key : null,
      copyOf: duplicate ?? null,
      retransmissionOf: retransmissionOf.get(i) ?? null,
    };
  }
  return out;
}

function summariseDialogs(corr: Correlation): DialogSummary[] {
  return corr.dialogs.map((d) => {
    const indexes: number[] = [];
    for (const lid of d.messages) indexes.push(...corr.logical[lid].indexes);
    indexes.sort((a, b) => corr.rank[a] - corr.rank[b]);
    const caller = d.caller.aor ?? d.caller.uri ?? '?';
    const callee = d.callee.aor ?? d.callee.uri ?? '?';
    const ended = d.terminatedBy;
    return {
      id: d.id,
      callId: d.callId,
      label: `${d.method ?? '(mid-dialog)'} ${caller} → ${callee}`,
      state: d.state,
      terminatedBy: ended ? ended.cause : null,
      messages: indexes.map((i) => corr.messages[i]?.index ?? i),
      localTag: d.localTag,
      remoteTag: d.remoteTag,
    };
  });
}
