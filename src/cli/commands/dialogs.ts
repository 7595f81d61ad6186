// `siptrail dialogs <trace>`: transactions, dialogs, B2BUA legs and REFER relations of a trace (text or JSON).
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { correlate } from '../../core/dialog/correlate';
import { DEFAULT_CORRELATION_HEADERS } from '../../core/dialog/callLegs';
import { buildDialogsReport, formatDialogsText, type DialogsReport } from '../../core/report/dialogsReport';
import { correlateIndex, type IndexedDialogs } from '../../core/index/indexedDialogs';
import { LazyArray, writePrettyJsonBytes } from '../../core/report/prettyJsonBytes';
import type { CliDeps } from '../cliDeps';
import type { MessageColumns } from '../../core/index/messageColumns';

/**
 * Page faults of the calling thread (Linux: /proc/thread-self/stat's minflt), else of the process: the debug line
 * counts the main thread's own, those the prefaulting worker (src/cli/prefaultedArena.ts) did not spare it.
 */
function threadFaults(): number {
  try {
    const stat = readFileSync('/proc/thread-self/stat', 'latin1');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[7]);
  } catch {
    return process.resourceUsage().minorPageFault;
  }
}

/** The dialogs report from the compact index when the trace is one capture the index accepts, else null. */
export function indexedDialogs(
  deps: CliDeps, paths: string[], dialect: string | undefined, correlationHeaders: readonly string[], inspect?: (columns: MessageColumns) => void,
): IndexedDialogs | null {
  if (paths.length !== 1 || dialect !== undefined || !deps.indexCapture) return null;
  // Page faults and RSS only for the debug line (reading the RSS is a /proc read).
  const debug = Boolean(process.env.SIPTRAIL_DEBUG);
  const started = performance.now();
  const faultsAtStart = debug ? threadFaults() : 0;
  const indexed = deps.indexCapture(paths[0], correlationHeaders);
  if (!indexed) return null;
  const read = performance.now();
  const faultsAfterRead = debug ? threadFaults() : 0;
  const rssAfterRead = debug ? process.memoryUsage.rss() : 0;
  inspect?.(indexed.columns);
  const report = correlateIndex({ path: paths[0], format: indexed.format, packets: indexed.packets }, indexed.columns);
  indexed.allocationsDone?.();
  if (debug) {
    const mb = (n: number) => `${(n / 1048576).toFixed(0)} MiB`;
    const m = process.memoryUsage();
    deps.stderr(`siptrail: index ${(read - started).toFixed(0)} ms (${indexed.columns.count} messages), correlation ${(performance.now() - read).toFixed(0)} ms, ${(process.uptime() * 1000).toFixed(0)} ms since start; RSS ${mb(rssAfterRead)} after the index, ${mb(m.rss)} after correlation, heap ${mb(m.heapUsed)}, array buffers ${mb(m.arrayBuffers)} (arena ${mb(indexed.arenaBytes?.() ?? 0)}); main thread's page faults ${faultsAtStart} before the index, ${faultsAfterRead - faultsAtStart} in it, ${threadFaults() - faultsAfterRead} in correlation\n`);
  }
  return report;
}

const NEWLINE = new Uint8Array([0x0a]);

/** JSON.stringify(report, null, 2) and a newline, written as UTF-8 bytes chunk by chunk. */
export function writePrettyJson(deps: CliDeps, report: object): void {
  writePrettyJsonBytes(report, (b) => deps.stdoutBytes(b));
  // As bytes too: a string would make Node create process.stdout (~5 ms) for one newline.
  deps.stdoutBytes(NEWLINE);
}

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
      const correlationHeaders = [...DEFAULT_CORRELATION_HEADERS, ...opts.correlationHeader];
      const indexed = indexedDialogs(deps, path, opts.dialect, correlationHeaders);
      if (indexed) {
        const { dialogCount, dialogAt, writeDialog, ...rest } = indexed;
        const dialogs = new LazyArray(dialogCount, dialogAt, writeDialog);
        if (opts.format === 'json') writePrettyJson(deps, { trace: rest.trace, dialogs, calls: rest.calls, refers: rest.refers, folded: rest.folded, findings: rest.findings });
        else deps.stdout(formatDialogsText({ ...rest, dialogs: Array.from({ length: dialogCount }, (_, d) => dialogAt(d)) }));
        return;
      }
      const trace = await deps.loadTrace(path, { dialect: opts.dialect });
      const corr = correlate(trace.messages, opts.correlationHeader.length ? { correlationHeaders } : {});
      const readerFindings = trace.findings.map((f) => ({
        code: f.code, severity: f.severity, message: f.message, messages: f.messageIndex !== undefined ? [f.messageIndex] : [],
        ...(f.source ? { source: f.source } : {}),
      }));
      const report = buildDialogsReport({ path: trace.path, format: trace.format, packets: trace.packets }, corr, readerFindings);
      if (opts.format === 'json') writePrettyJson(deps, report);
      else deps.stdout(formatDialogsText(report));
    });
}
