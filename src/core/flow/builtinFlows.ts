// The flows shipped with siptrail (flows/*.yaml, embedded as text) and the lookup the CLI and extension use.
import type { Finding } from '../model/finding';
import { BUILTIN_FLOW_SOURCES } from './builtinFlowSources';
import type { FlowSpec } from './flowSpec';
import { loadFlowSpec } from './loadFlowSpec';

let cache: { flows: FlowSpec[]; findings: Finding[] } | null = null;

/** Every built-in flow, parsed and validated once. A built-in that fails validation is reported, never thrown. */
export function builtinFlows(): { flows: FlowSpec[]; findings: Finding[] } {
  if (!cache) {
    const flows: FlowSpec[] = [];
    const findings: Finding[] = [];
    for (const src of BUILTIN_FLOW_SOURCES) {
      const r = loadFlowSpec(src.text, src.file);
      if (r.spec) flows.push(r.spec);
      findings.push(...r.findings);
    }
    cache = { flows, findings };
  }
  return cache;
}

export function builtinFlow(id: string): FlowSpec | null {
  return builtinFlows().flows.find((f) => f.id === id) ?? null;
}
