// `siptrail flows`: the flows `check` knows — built-in ones and the workspace's .siptrail/flows/*.yaml — and the
// lookup `check --flow <id|file>` uses. Flow files get the same validation wherever they come from.
import type { Command } from 'commander';
import { builtinFlows } from '../../core/flow/builtinFlows';
import type { FlowSpec } from '../../core/flow/flowSpec';
import { loadFlowSpec } from '../../core/flow/loadFlowSpec';
import type { Finding } from '../../core/model/finding';
import type { CliDeps } from '../cliDeps';

export const WORKSPACE_FLOW_DIR = '.siptrail/flows';

export interface KnownFlows {
  flows: FlowSpec[];
  /** Problems in flow files (positioned in the file); a broken file contributes no flow. */
  findings: Finding[];
}

function join(dir: string, name: string): string {
  return dir.endsWith('/') || dir.endsWith('\\') ? dir + name : `${dir}/${name}`;
}

/** Built-in flows plus the workspace's; a workspace flow with a built-in's id replaces it (and says so). */
export function knownFlows(deps: CliDeps): KnownFlows {
  const builtin = builtinFlows();
  const flows = [...builtin.flows];
  const findings = [...builtin.findings];
  const dir = join(deps.cwd(), WORKSPACE_FLOW_DIR);
  let names: string[] = [];
  try {
    names = deps.listDir(dir).filter((n) => n.endsWith('.yaml') || n.endsWith('.yml')).sort();
  } catch {
    names = []; // no workspace flows
  }
  for (const name of names) {
    const file = join(dir, name);
    const r = loadFlowFile(deps, file);
    findings.push(...r.findings);
    if (!r.spec) continue;
    const i = flows.findIndex((f) => f.id === r.spec!.id);
    if (i >= 0) {
      findings.push({ code: 'flow-spec.overrides-builtin', severity: 'info', message: `${file}: flow ${r.spec.id} replaces the built-in flow of the same id.` });
      flows[i] = r.spec;
    } else flows.push(r.spec);
  }
  return { flows, findings };
}

export function loadFlowFile(deps: CliDeps, file: string): { spec: FlowSpec | null; findings: Finding[] } {
  let text: string;
  try {
    text = deps.readTextFile(file);
  } catch (e) {
    return { spec: null, findings: [{ code: 'flow-spec.unreadable', severity: 'error', message: `${file}: expected a readable flow file, reading failed: ${e instanceof Error ? e.message : String(e)}.` }] };
  }
  return loadFlowSpec(text, file);
}

export function register(program: Command, deps: CliDeps): void {
  program
    .command('flows')
    .description(`list the expected flows: built-in and the workspace's ${WORKSPACE_FLOW_DIR}/*.yaml`)
    .option('--format <format>', 'text or json', 'text')
    .action((opts: { format: string }) => {
      if (opts.format !== 'text' && opts.format !== 'json') {
        program.error(`unknown --format ${JSON.stringify(opts.format)} (expected text or json)`, { exitCode: 2 });
      }
      const known = knownFlows(deps);
      if (opts.format === 'json') {
        deps.stdout(JSON.stringify({
          flows: known.flows.map((f) => ({
            id: f.id, title: f.title, reference: f.reference, origin: f.origin, checkByDefault: f.checkByDefault,
            roles: f.roles.map((r) => r.id), steps: f.steps.map((s) => ({ id: s.id, optional: s.optional ?? false })),
          })),
          findings: known.findings,
        }, null, 2) + '\n');
      } else {
        const width = Math.max(...known.flows.map((f) => f.id.length));
        const lines = known.flows.map((f) => `${f.id.padEnd(width)}  ${f.checkByDefault ? 'default' : 'on request'}  ${f.title}\n${' '.repeat(width)}  ${f.origin}; steps: ${f.steps.map((s) => (s.optional ? `[${s.id}]` : s.id)).join(' → ')}`);
        deps.stdout(lines.join('\n') + '\n');
        for (const f of known.findings) deps.stderr(`${f.severity} ${f.code}: ${f.message}\n`);
      }
      if (known.findings.some((f) => f.severity === 'error')) deps.setExitCode(2);
    });
}
