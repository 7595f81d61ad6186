// `siptrail check <trace>`: checks the trace against expected flows and prints the verdicts (text, JSON, SARIF 2.1.0
// or JUnit XML). Exit code 0 when every instance passes, 1 when one fails or a requested flow has no instance,
// 2 for bad usage, unreadable input or an invalid flow file.
import type { Command } from 'commander';
import { correlate } from '../../core/dialog/correlate';
import { DEFAULT_CORRELATION_HEADERS } from '../../core/dialog/callLegs';
import type { FlowSpec } from '../../core/flow/flowSpec';
import { buildCheckReport, checkExitCode } from '../../core/report/checkReport';
import { formatCheckText } from '../../core/report/checkText';
import { toJunit } from '../../core/report/junit';
import { toSarif } from '../../core/report/sarif';
import type { CliDeps } from '../cliDeps';
import { knownFlows, loadFlowFile } from './flows';
import { indexedDialogs, writePrettyJson } from './dialogs';
import type { CheckReport } from '../../core/report/checkReport';

const FORMATS = ['text', 'json', 'sarif', 'junit'];

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** True when a --flow value names a file rather than a flow id. */
function looksLikeFile(v: string): boolean {
  return v.endsWith('.yaml') || v.endsWith('.yml') || v.includes('/') || v.includes('\\');
}

export function register(program: Command, deps: CliDeps): void {
  program
    .command('check')
    .description('check a trace against expected flows (built-in, workspace or --flow file)')
    .argument('<trace...>', 'capture or text trace file; several logs of the same calls are merged into one trace')
    .option('--flow <id|file>', 'flow id or flow YAML file (repeatable); default: every flow checked by default', collect, [])
    .option('--format <format>', 'text, json, sarif or junit', 'text')
    .option('--dialect <dialect>', 'force the text-trace dialect instead of detecting it')
    .option('--correlation-header <name>', `header linking B2BUA legs (repeatable; default ${DEFAULT_CORRELATION_HEADERS.join(', ')})`, collect, [])
    .action(async (path: string[], opts: { flow: string[]; format: string; dialect?: string; correlationHeader: string[] }) => {
      if (!FORMATS.includes(opts.format)) {
        program.error(`unknown --format ${JSON.stringify(opts.format)} (expected ${FORMATS.join(', ')})`, { exitCode: 2 });
      }
      const known = knownFlows(deps);
      const chosen: FlowSpec[] = [];
      for (const v of opts.flow) {
        const byId = known.flows.find((f) => f.id === v);
        if (byId && !looksLikeFile(v)) {
          chosen.push(byId);
          continue;
        }
        if (!looksLikeFile(v)) {
          deps.stderr(`siptrail: unknown flow ${JSON.stringify(v)} (known: ${known.flows.map((f) => f.id).join(', ')}; or give a .yaml file)\n`);
          deps.setExitCode(2);
          return;
        }
        const r = loadFlowFile(deps, v);
        if (!r.spec) {
          for (const f of r.findings) deps.stderr(`${f.severity} ${f.code}: ${f.message}\n`);
          deps.setExitCode(2);
          return;
        }
        chosen.push(r.spec);
      }
      const requested = opts.flow.length > 0;
      const flows = requested ? chosen : known.flows.filter((f) => f.checkByDefault);
      for (const f of known.findings) if (f.severity !== 'info') deps.stderr(`${f.severity} ${f.code}: ${f.message}\n`);
      const correlationHeaders = [...DEFAULT_CORRELATION_HEADERS, ...opts.correlationHeader];
      const fast = checkFromIndex(deps, path, opts.dialect, correlationHeaders, flows, requested);
      if (fast) {
        if (opts.format === 'json') writePrettyJson(deps, fast);
        else if (opts.format === 'sarif') deps.stdout(JSON.stringify(toSarif(fast, { messages: [] }), null, 2) + '\n');
        else if (opts.format === 'junit') deps.stdout(toJunit(fast));
        else deps.stdout(formatCheckText(fast));
        deps.setExitCode(checkExitCode(fast));
        return;
      }
      const trace = await deps.loadTrace(path, { dialect: opts.dialect });
      const corr = correlate(trace.messages, opts.correlationHeader.length ? { correlationHeaders } : {});
      const report = buildCheckReport({ path: trace.path, format: trace.format, packets: trace.packets }, corr, flows, { requested, readerFindings: trace.findings });
      if (opts.format === 'json') writePrettyJson(deps, report);
      else if (opts.format === 'sarif') deps.stdout(JSON.stringify(toSarif(report, { messages: trace.messages }), null, 2) + '\n');
      else if (opts.format === 'junit') deps.stdout(toJunit(report));
      else deps.stdout(formatCheckText(report));
      deps.setExitCode(checkExitCode(report));
    });
}

/**
 * The check of a capture the compact index accepts, when no flow can have an instance in it: every flow starts at
 * its anchor request (checkFlow seeds instances from requests of the anchor's method), and the index holds no
 * request of any anchor's method (it never holds REFER, SUBSCRIBE or NOTIFY). The report then carries the
 * correlation's findings and, for flows the user named, flow.not-found — what buildCheckReport gives, without
 * building the full correlation. Null when the full check is needed.
 */
function checkFromIndex(deps: CliDeps, path: string[], dialect: string | undefined, correlationHeaders: string[], flows: readonly FlowSpec[], requested: boolean): CheckReport | null {
  const anchors = new Set<string>();
  for (const spec of flows) {
    const anchor = spec.steps.find((s) => s.id === spec.anchor);
    if (anchor && anchor.kind === 'request') anchors.add(anchor.method.toUpperCase());
  }
  let messageCount = 0;
  let seeded = false;
  const report = indexedDialogs(deps, path, dialect, correlationHeaders, (columns) => {
    for (let i = 0; i < columns.count; i++) {
      if (columns.kind[i] === 0 && anchors.has(columns.strings.text(columns.method[i]))) seeded = true;
    }
    messageCount = columns.count;
  });
  if (!report || seeded) return null;
  const findings = report.findings.slice();
  if (requested) {
    for (const spec of flows) {
      const anchor = spec.steps.find((s) => s.id === spec.anchor);
      const what = anchor && anchor.kind === 'request' ? `a ${anchor.method} matching step ${anchor.id}` : `a message matching step ${spec.anchor}`;
      findings.push({
        code: 'flow.not-found', severity: 'error', messages: [],
        message: `Flow ${spec.id}: expected at least one instance, starting with ${what}, but none of the trace's ${messageCount} message(s) is one (${spec.reference}).`,
      });
    }
  }
  return { trace: report.trace, flows: [], findings };
}
