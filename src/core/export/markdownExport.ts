// Markdown exports: the diagram as fenced `mermaid` blocks (GitHub and GitLab render them) with the findings
// table below, and the longer report (verdicts, diagram, findings, message table). Runs anywhere core runs.
// Trace text reaches Markdown only through escapeMarkdownText, and the mermaid blocks through escapeMermaidText
// (whose output has no backtick, so no fence can be closed early).
import type { TraceInfo } from '../report/checkReport';
import type { ParticipantNaming } from '../render/participants';
import type { DiagramParts } from './diagramParts';
import type { ExportView } from './exportSelection';
import { findingMessages, messageRows } from './exportTables';
import { escapeMarkdownText as md } from './markdownText';

/** Fenced mermaid block(s) of the diagram, then the findings table. */
export function markdownExport(view: ExportView, diagram: DiagramParts): string {
  const out: string[] = [];
  if (view.title) out.push(`**${md(view.title)}**`, '');
  out.push(...diagramBlocks(diagram));
  out.push('', ...findingsTable(view));
  return out.join('\n') + '\n';
}

/** Report: trace, verdict per flow instance, diagram, findings, and every drawn message. */
export function markdownReport(view: ExportView, diagram: DiagramParts, trace: TraceInfo, naming: ParticipantNaming = {}): string {
  const out: string[] = [`# SIP call flow report: ${md(trace.path)}`, ''];
  out.push(`Trace: ${md(trace.path)} (${md(trace.format)}${trace.packets !== null ? `, ${trace.packets} packets` : ''}).` +
    ` Shown: ${view.messages.length} message(s)${view.hiddenMessages ? `, ${view.hiddenMessages} hidden by the filter or the end-to-end view` : ''}.`);
  if (view.title) out.push('', `Selection: ${md(view.title)}`);
  out.push('', '## Verdicts', '');
  if (view.instances.length === 0) out.push('No instance of a checked flow was found in this trace.');
  else {
    out.push('| Flow | Instance | Verdict | Roles | Findings |', '| --- | ---: | --- | --- | ---: |');
    for (const i of view.instances) {
      const roles = Object.entries(i.roles).map(([r, uri]) => `${r} = ${uri ?? '(unbound)'}`).join('; ');
      const mark = i.verdict === 'pass' ? '✅ pass' : '❌ fail';
      const chosen = view.instance === i ? ' (shown)' : '';
      out.push(`| ${md(i.flow)}${chosen} | ${i.instance} | ${mark} | ${md(roles)} | ${i.findings.length} |`);
    }
  }
  out.push('', '## Diagram', '', ...diagramBlocks(diagram));
  out.push('', '## Findings', '', ...findingsTable(view));
  out.push('', '## Messages', '', '| # | Time | From | To | Message | Call-ID | CSeq | At |', '| ---: | ---: | --- | --- | --- | --- | --- | --- |');
  for (const r of messageRows(view, naming)) {
    out.push(`| ${md(r.step)} | ${md(r.time)} | ${md(r.from)} | ${md(r.to)} | ${md(r.message)} | ${md(r.callId)} | ${md(r.cseq)} | ${md(r.at)} |`);
  }
  return out.join('\n') + '\n';
}

function diagramBlocks(diagram: DiagramParts): string[] {
  const out: string[] = [];
  if (diagram.splitNote) out.push(`> ${md(diagram.splitNote)}`, '');
  diagram.parts.forEach((part, i) => {
    if (diagram.parts.length > 1) out.push(`Part ${i + 1} of ${diagram.parts.length}:`, '');
    out.push('```mermaid', part.mermaid.replace(/\n$/, ''), '```');
    if (i + 1 < diagram.parts.length) out.push('');
  });
  return out;
}

function findingsTable(view: ExportView): string[] {
  if (view.findings.length === 0) return ['No findings.'];
  const out = ['| Severity | Code | Finding | Messages |', '| --- | --- | --- | --- |'];
  for (const f of view.findings) {
    out.push(`| ${f.severity} | ${md(f.code)} | ${md(f.message)} | ${md(findingMessages(view, f.messages))} |`);
  }
  return out;
}
