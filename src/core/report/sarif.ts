// `siptrail check --format sarif`: SARIF 2.1.0 (OASIS), so results show in SARIF viewers and code-scanning
// pipelines. One result per finding; rules from the finding catalogue; locations point at the trace file
// (line range for text traces, frame in the properties for captures).
import type { SipMessage } from '../model/sipMessage';
import type { Severity } from '../model/finding';
import { catalogueEntry } from '../flow/findingCatalogue';
import type { CheckReport } from './checkReport';

export const SARIF_SCHEMA_URI = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';

export interface SarifOptions {
  toolVersion?: string;
  /** Messages of the trace, to position results at the first related message. */
  messages?: readonly SipMessage[];
}

type SarifLevel = 'error' | 'warning' | 'note';
const LEVEL: Record<Severity, SarifLevel> = { error: 'error', warning: 'warning', info: 'note' };

/** A file path as a SARIF artifact URI (a uri-reference): forward slashes, percent-encoded, drive letters as file:///. */
export function artifactUri(path: string): string {
  const p = path.replace(/\\/g, '/');
  if (p.length > 1 && p[1] === ':' && /^[A-Za-z]$/.test(p[0])) return 'file:///' + encodeURI(p);
  return encodeURI(p);
}

export function toSarif(report: CheckReport, options: SarifOptions = {}): object {
  const uri = artifactUri(report.trace.path);
  const ruleIndex = new Map<string, number>();
  const rules: object[] = [];
  const rule = (code: string): number => {
    let i = ruleIndex.get(code);
    if (i === undefined) {
      const e = catalogueEntry(code);
      i = rules.length;
      ruleIndex.set(code, i);
      rules.push({ id: code, name: e.name, shortDescription: { text: e.help }, defaultConfiguration: { level: LEVEL[e.severity] } });
    }
    return i;
  };
  const location = (messages: number[]): object[] => {
    const loc: Record<string, unknown> = { artifactLocation: { uri, index: 0 } };
    const first = messages.length && options.messages ? options.messages[messages[0]] : undefined;
    const props: Record<string, unknown> = {};
    if (first) {
      const src = first.source;
      if ('line' in src) loc['region'] = { startLine: src.line, endLine: Math.max(src.line, src.endLine) };
      else props['frame'] = src.frame;
    }
    const out: Record<string, unknown> = { physicalLocation: loc };
    if (Object.keys(props).length) out['properties'] = props;
    return [out];
  };
  const results: object[] = [];
  for (const inst of report.flows) {
    for (const f of inst.findings) {
      results.push({
        ruleId: f.code, ruleIndex: rule(f.code), level: LEVEL[f.severity], message: { text: f.message },
        locations: location(f.messages),
        properties: { flow: inst.flow, instance: inst.instance, step: f.step, messages: f.messages, verdict: inst.verdict },
      });
    }
  }
  for (const f of report.findings) {
    const loc: Record<string, unknown> = { artifactLocation: { uri, index: 0 } };
    if (f.source && 'line' in f.source) loc['region'] = { startLine: f.source.line, endLine: Math.max(f.source.line, f.source.endLine) };
    const props: Record<string, unknown> = { messages: f.messages };
    if (f.source && 'frame' in f.source) props['frame'] = f.source.frame;
    results.push({
      ruleId: f.code, ruleIndex: rule(f.code), level: LEVEL[f.severity], message: { text: f.message },
      locations: [{ physicalLocation: loc }], properties: props,
    });
  }
  return {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [{
      tool: { driver: { name: 'siptrail', ...(options.toolVersion ? { version: options.toolVersion } : {}), rules } },
      artifacts: [{ location: { uri } }],
      results,
      properties: {
        instances: report.flows.map((i) => ({ flow: i.flow, instance: i.instance, verdict: i.verdict, roles: i.roles })),
      },
    }],
  };
}
