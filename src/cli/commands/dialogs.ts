// `siptrail dialogs <trace>`: transactions, dialogs, B2BUA legs and REFER relations of a trace (text or JSON).
import type { Command } from 'commander';
import { correlate } from '../../core/dialog/correlate';
import { DEFAULT_CORRELATION_HEADERS } from '../../core/dialog/callLegs';
import { buildDialogsReport, formatDialogsText } from '../../core/report/dialogsReport';
import type { CliDeps } from '../cliDeps';

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export function register(program: Command, deps: CliDeps): void {
  program
    .command('dialogs')
    .description('correlate a trace: dialogs with their states, B2BUA legs, REFER relations, folded copies')
    .argument('<trace...>', 'capture or text trace file; several logs of the same calls are merged into one trace')
    .option('--format <format>', 'text or json', 'text')
    .option('--dialect <dialect>', 'force the text-trace dialect instead of detecting it')
    .option('--correlation-header <name>', `header linking B2BUA legs (repeatable; default ${DEFAULT_CORRELATION_HEADERS.join(', ')})`, collect, [])
    .action(async (path: string[], opts: { format: string; dialect?: string; correlationHeader: string[] }) => {
      if (opts.format !== 'text' && opts.format !== 'json') {
        program.error(`unknown --format ${JSON.stringify(opts.format)} (expected text or json)`, { exitCode: 2 });
      }
      const trace = await deps.loadTrace(path, { dialect: opts.dialect });
      const corr = correlate(trace.messages, opts.correlationHeader.length ? { correlationHeaders: [...DEFAULT_CORRELATION_HEADERS, ...opts.correlationHeader] } : {});
      const readerFindings = trace.findings.map((f) => ({
        code: f.code, severity: f.severity, message: f.message, messages: f.messageIndex !== undefined ? [f.messageIndex] : [],
        ...(f.source ? { source: f.source } : {}),
      }));
      const report = buildDialogsReport({ path: trace.path, format: trace.format, packets: trace.packets }, corr, readerFindings);
      deps.stdout(opts.format === 'json' ? JSON.stringify(report, null, 2) + '\n' : formatDialogsText(report));
    });
}
