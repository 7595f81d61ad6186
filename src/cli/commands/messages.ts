// `siptrail messages <trace>`: the message list, as a table or as the JSON document the issue tracker fixed.
import type { Command } from 'commander';
import type { SipMessage } from '../../core/model/sipMessage';
import type { Finding, SourceRef } from '../../core/model/finding';
import { formatEndpoint } from '../../core/model/packet';
import type { CliDeps, LoadedTrace } from '../cliDeps';
import { streamCaptureFile } from '../streamMessages';

export function register(program: Command, deps: CliDeps): void {
  program
    .command('messages')
    .description('list the SIP messages of a trace (pcap, pcapng or text)')
    .argument('<trace...>', 'capture or text trace file; several logs of the same calls are merged into one trace')
    .option('--format <format>', 'text or json', 'text')
    .option('--dialect <dialect>', 'force the text-trace dialect instead of detecting it')
    .action(async (path: string[], opts: { format: string; dialect?: string }) => {
      if (opts.format !== 'text' && opts.format !== 'json') {
        program.error(`unknown --format ${JSON.stringify(opts.format)} (expected text or json)`, { exitCode: 2 });
      }
      // One capture file is streamed (rows written as they come, a 2 GB capture never held whole).
      if (path.length === 1 && !opts.dialect && streamCaptureFile(path[0], deps.stdout, { format: opts.format as 'text' | 'json' })) return;
      const trace = await deps.loadTrace(path, { dialect: opts.dialect });
      deps.stdout(opts.format === 'json' ? JSON.stringify(messagesDocument(trace), null, 2) + '\n' : messagesTable(trace));
    });
}

function messageSource(m: SipMessage): SourceRef {
  return 'frame' in m.source ? { frame: m.source.frame } : { line: m.source.line, endLine: m.source.endLine };
}

export function messageJson(m: SipMessage) {
  return {
    index: m.index,
    time: m.time,
    src: m.src ? formatEndpoint(m.src) : null,
    dst: m.dst ? formatEndpoint(m.dst) : null,
    transport: m.transport,
    kind: m.kind,
    method: m.method,
    status: m.status,
    reason: m.reason,
    requestUri: m.requestUri,
    callId: m.callId,
    cseq: m.cseq,
    fromTag: m.from?.tag ?? null,
    toTag: m.to?.tag ?? null,
    ...(m.duplicateOf !== undefined ? { duplicateOf: m.duplicateOf } : {}),
    source: messageSource(m),
  };
}

export function findingJson(f: Finding) {
  return { code: f.code, severity: f.severity, message: f.message, source: f.source ?? null, ...(f.messageIndex !== undefined ? { message_index: f.messageIndex } : {}) };
}

export function messagesDocument(trace: LoadedTrace) {
  return {
    trace: { path: trace.path, format: trace.format, packets: trace.packets },
    messages: trace.messages.map(messageJson),
    findings: trace.findings.map(findingJson),
  };
}

function formatTime(t: number | null, t0: number | null): string {
  if (t === null || t0 === null) return '-';
  return `+${(t - t0).toFixed(3)}`;
}

export function messagesTable(trace: LoadedTrace): string {
  const t0 = trace.messages.find((m) => m.time !== null)?.time ?? null;
  const rows = trace.messages.map((m) => messageRow(m, t0));
  const widths = tableHeader.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const out = [traceSummaryLine(trace.path, trace.format, trace.packets, trace.messages.length), tableLine(tableHeader, widths), ...rows.map((r) => tableLine(r, widths))];
  out.push(...findingLines(trace.findings));
  return out.join('\n') + '\n';
}

export const tableHeader = ['#', 'at', 'time', 'src → dst', 'message', 'Call-ID', 'CSeq'];

/** One table row's cells; t0 is the time of the trace's first timed message. */
export function messageRow(m: SipMessage, t0: number | null): string[] {
  return [
    String(m.index),
    'frame' in m.source ? `#${m.source.frame}` : `L${m.source.line}`,
    formatTime(m.time, t0),
    `${m.src ? formatEndpoint(m.src) : m.caption?.from ?? '?'} → ${m.dst ? formatEndpoint(m.dst) : m.caption?.to ?? '?'}`,
    (m.kind === 'request' ? m.method ?? '?' : `${m.status} ${m.reason ?? ''}`.trim()) + (m.duplicateOf !== undefined ? ` (duplicate of ${m.duplicateOf})` : ''),
    m.callId ?? '-',
    m.cseq ? `${m.cseq.seq} ${m.cseq.method}` : '-',
  ];
}

/** Cells padded to the column widths (the last column is not padded). */
export function tableLine(cells: string[], widths: number[]): string {
  return cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join('  ');
}

export function traceSummaryLine(path: string, format: string, packets: number | null, messages: number): string {
  return `${path}: ${format}, ${packets ?? '-'} packets, ${messages} SIP messages`;
}

/** The findings block under the table (nothing when there are none). */
export function findingLines(findings: Finding[]): string[] {
  if (!findings.length) return [];
  const counts = { error: 0, warning: 0, info: 0 };
  for (const f of findings) counts[f.severity]++;
  return ['', `findings: ${counts.error} error(s), ${counts.warning} warning(s), ${counts.info} info`, ...findings.map((f) => `  ${f.severity.padEnd(7)} ${f.code}  ${f.message}`)];
}
