// The verdict of an analysed trace, as the status bar shows it. Pure (no vscode).
import { severityAtLeast } from './findingLocations';
import type { TraceAnalysis } from './traceWorkerProtocol';

/** `pass`, `fail` or `none` (no flow instance found) with the counts of findings at or above the minimum severity. */
export function verdictOf(analysis: TraceAnalysis, minimum: 'error' | 'warning' | 'info'): { verdict: 'pass' | 'fail' | 'none'; errors: number; warnings: number; infos: number; instances: number; failed: number } {
  let errors = 0;
  let warnings = 0;
  let infos = 0;
  for (const f of analysis.findings) {
    if (!severityAtLeast(f.severity, minimum)) continue;
    if (f.severity === 'error') errors++;
    else if (f.severity === 'warning') warnings++;
    else infos++;
  }
  const instances = analysis.report.flows.length;
  const failed = analysis.report.flows.filter((i) => i.verdict === 'fail').length;
  const notFound = analysis.report.findings.some((f) => f.code === 'flow.not-found');
  const verdict = failed || notFound ? 'fail' : instances ? 'pass' : 'none';
  return { verdict, errors, warnings, infos, instances, failed };
}
