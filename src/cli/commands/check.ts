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
      const trace = await deps.loadTrace(path, { dialect: opts.dialect });
      const corr = correlate(trace.messages, opts.correlationHeader.length ? { correlationHeaders: [...DEFAULT_CORRELATION_HEADERS, ...opts.correlationHeader] } : {});
      const report = buildCheckReport({ path: trace.path, format: trace.format, packets: trace.packets }, corr, flows, { requested, readerFindings: trace.findings });
      if (opts.format === 'json') deps.stdout(JSON.stringify(report, null, 2) + '\n');
      else if (opts.format === 'sarif') deps.stdout(JSON.stringify(toSarif(report, { messages: trace.messages }), null, 2) + '\n');
      else if (opts.format === 'junit') deps.stdout(toJunit(report));
      else deps.stdout(formatCheckText(report));
      deps.setExitCode(checkExitCode(report));
    });
}
