// `siptrail check --format text`: one block per flow instance, one line per step, findings under their step.
import type { CheckReport } from './checkReport';

const MARK = { matched: 'ok', missing: '--', failed: '!!' } as const;

export function formatCheckText(report: CheckReport): string {
  const lines: string[] = [];
  const t = report.trace;
  lines.push(`trace ${t.path} (${t.format}${t.packets !== null ? `, ${t.packets} packets` : ''})`);
  for (const inst of report.flows) {
    lines.push('');
    const roles = Object.entries(inst.roles).map(([r, u]) => `${r}=${u ?? '?'}`).join('  ');
    lines.push(`${inst.flow} #${inst.instance}  ${inst.verdict.toUpperCase()}  ${roles}`);
    const width = Math.max(...inst.steps.map((s) => s.id.length));
    for (const s of inst.steps) {
      const msgs = s.messages.length ? s.messages.map((m) => `#${m}`).join(' ') : '';
      lines.push(`  ${MARK[s.status]} ${s.id.padEnd(width)}  ${s.status.padEnd(7)}  ${msgs}`.trimEnd());
      for (const f of inst.findings.filter((x) => x.step === s.id)) lines.push(`       ${f.severity} ${f.code}: ${f.message}`);
    }
    for (const f of inst.findings.filter((x) => x.step === null)) lines.push(`     ${f.severity} ${f.code}: ${f.message}`);
  }
  if (report.findings.length) {
    lines.push('');
    lines.push('trace findings:');
    for (const f of report.findings) lines.push(`  ${f.severity} ${f.code}: ${f.message}`);
  }
  const pass = report.flows.filter((f) => f.verdict === 'pass').length;
  const fail = report.flows.length - pass;
  const notFound = report.findings.filter((f) => f.code === 'flow.not-found').length;
  lines.push('');
  lines.push(`${report.flows.length} instance(s): ${pass} pass, ${fail} fail${notFound ? `; ${notFound} flow(s) not found` : ''}`);
  return lines.join('\n') + '\n';
}
