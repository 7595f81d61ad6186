// The `siptrail check` result as one JSON-ready document (the shape issue 4 fixes), built from a correlated trace and
// the flows to check; text, SARIF and JUnit are renderings of this same document.
import type { Finding, Severity, SourceRef } from '../model/finding';
import type { Correlation } from '../dialog/correlate';
import { checkFlow, type FlowInstance } from '../flow/checkFlow';
import type { FlowSpec } from '../flow/flowSpec';

export interface TraceInfo {
  path: string;
  format: string;
  packets: number | null;
}

export interface TraceFinding {
  code: string;
  severity: Severity;
  message: string;
  source?: SourceRef;
  messages: number[];
}

export interface CheckReport {
  trace: TraceInfo;
  flows: FlowInstance[];
  findings: TraceFinding[];
}

export interface CheckOptions {
  /** True when the user named the flows: a flow with no instance is then a failure (flow.not-found). */
  requested: boolean;
  /** Findings the trace reader produced (capture and parser findings). */
  readerFindings?: Finding[];
}

export function buildCheckReport(trace: TraceInfo, corr: Correlation, flows: readonly FlowSpec[], options: CheckOptions): CheckReport {
  const findings: TraceFinding[] = [];
  for (const f of [...(options.readerFindings ?? []), ...corr.findings]) findings.push(toTraceFinding(f));
  const instances: FlowInstance[] = [];
  for (const spec of flows) {
    const found = checkFlow(corr, spec);
    instances.push(...found);
    if (!found.length && options.requested) {
      const anchor = spec.steps.find((s) => s.id === spec.anchor);
      const what = anchor && anchor.kind === 'request' ? `a ${anchor.method} matching step ${anchor.id}` : `a message matching step ${spec.anchor}`;
      findings.push({
        code: 'flow.not-found', severity: 'error', messages: [],
        message: `Flow ${spec.id}: expected at least one instance, starting with ${what}, but none of the trace's ${corr.messages.length} message(s) is one (${spec.reference}).`,
      });
    }
  }
  return { trace, flows: instances, findings };
}

function toTraceFinding(f: Finding): TraceFinding {
  const out: TraceFinding = { code: f.code, severity: f.severity, message: f.message, messages: f.messageIndex !== undefined ? [f.messageIndex] : [] };
  if (f.source) out.source = f.source;
  return out;
}

/** 0 when every instance passes, 1 when one fails or a requested flow was not found (exit codes of `siptrail check`). */
export function checkExitCode(report: CheckReport): 0 | 1 {
  if (report.flows.some((f) => f.verdict === 'fail')) return 1;
  if (report.findings.some((f) => f.code === 'flow.not-found')) return 1;
  return 0;
}
