// `siptrail diagram <trace>`: exports the call flow as mermaid, Markdown, a Markdown report, PlantUML, SVG, PNG,
// HTML or a pcap of just the selected messages. Text formats are built in core; SVG, PNG and HTML render mermaid
// in a headless Chromium (src/cli/render/headlessMermaid.ts). Exit 0 on success, 2 for bad usage, unreadable
// input, an unknown flow or Call-ID, a text trace asked for pcap, or no Chromium for a picture format.
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, readSync, writeFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import type { Command } from 'commander';
import { stdoutStream } from '../stdoutStream';
import { correlate } from '../../core/dialog/correlate';
import { buildDiagramParts, MERMAID_MAX_TEXT_SIZE, type DiagramParts } from '../../core/export/diagramParts';
import { selectForExport, parseFlowRef, type ExportView } from '../../core/export/exportSelection';
import { htmlExport } from '../../core/export/htmlExport';
import { markdownExport, markdownReport } from '../../core/export/markdownExport';
import type { ExportFormat } from '../../core/export/exportFileName';
import { createPacketExtractor, framesOfSelection } from '../../core/export/pcapExport';
import { plantUmlExport } from '../../core/export/plantumlDiagram';
import type { TraceInfo } from '../../core/report/checkReport';
import type { CliDeps } from '../cliDeps';
import { ChromiumMissingError, openMermaidBrowser, type Background, type MermaidBrowser, type MermaidBrowserOptions } from '../render/headlessMermaid';
import { knownFlows } from './flows';

export const DIAGRAM_FORMATS: readonly ExportFormat[] = ['mermaid', 'markdown', 'report', 'plantuml', 'svg', 'png', 'html', 'pcap'];

/** File output and capture input, replaceable in tests. */
export interface DiagramIo {
  writeFile(path: string, data: string | Uint8Array): void;
  /** Binary or text output when no -o is given. */
  writeStdout(data: string | Uint8Array): void;
  readChunks(path: string): Iterable<Uint8Array>;
  openBrowser(options: MermaidBrowserOptions): Promise<MermaidBrowser>;
}

export const nodeDiagramIo: DiagramIo = {
  writeFile: (path, data) => writeFileSync(path, data),
  writeStdout: (data) => { stdoutStream().write(data); },
  readChunks: fileChunks,
  openBrowser: openMermaidBrowser,
};

function* fileChunks(path: string): Generator<Uint8Array> {
  const fd = openSync(path, 'r');
  try {
    for (let position = 0; ;) {
      const chunk = new Uint8Array(1 << 20);
      const n = readSync(fd, chunk, 0, chunk.length, position);
      if (n === 0) return;
      position += n;
      yield chunk.subarray(0, n);
    }
  } finally {
    closeSync(fd);
  }
}

interface DiagramOpts {
  format: string;
  flow?: string;
  dialog: string[];
  hops?: boolean;
  showTrying?: boolean;
  showRetransmissions?: boolean;
  showProvisionalNotify?: boolean;
  name: string[];
  time: boolean;
  scale: string;
  background: string;
  chromium?: string;
  maxTextSize?: string;
  dialect?: string;
  output?: string;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** `out.svg` → `out-part2.svg` for the parts of a split diagram. */
export function partPath(path: string, part: number, parts: number): string {
  if (parts <= 1) return path;
  const ext = extname(path);
  return `${path.slice(0, path.length - ext.length)}-part${part + 1}${ext}`;
}

export function register(program: Command, deps: CliDeps, io: DiagramIo = nodeDiagramIo): void {
  program
    .command('diagram')
    .description('export the call flow: mermaid, markdown, report, plantuml, svg, png, html or a pcap of the selected messages')
    .argument('<trace...>', 'capture or text trace file; several logs of the same calls are merged into one trace')
    .option('--format <format>', DIAGRAM_FORMATS.join(', '), 'mermaid')
    .option('--flow <id>', 'draw one flow instance (`id` or `id#n`), numbered by flow step')
    .option('--dialog <call-id>', 'draw the messages of this Call-ID (repeatable)', collect, [])
    .option('--hops', 'draw every hop as captured (default: end-to-end, one arrow per message)')
    .option('--show-trying', 'draw 100 (Trying) responses (hidden by default, as 3GPP figures do)')
    .option('--show-retransmissions', 'draw retransmissions and captured duplicates')
    .option('--show-provisional-notify', 'draw NOTIFYs reporting a provisional status, and their responses')
    .option('--name <key=name>', 'lifeline name for an ip:port, ip, caption or user@host (repeatable)', collect, [])
    .option('--no-time', 'leave time offsets off the arrows')
    .option('--scale <n>', 'PNG scale: 1, 2 or 3', '1')
    .option('--background <colour>', 'SVG/PNG background: white or transparent', 'white')
    .option('--chromium <path>', 'Chromium for svg/png/html (default $SIPTRAIL_CHROMIUM, else /usr/bin/chromium)')
    .option('--max-text-size <n>', `split the diagram into parts of at most this many mermaid characters (default ${MERMAID_MAX_TEXT_SIZE})`)
    .option('--dialect <dialect>', 'force the text-trace dialect instead of detecting it')
    .option('-o, --output <file>', 'write here (split diagrams: <file>-partN for mermaid, svg, png); default stdout')
    .action(async (paths: string[], opts: DiagramOpts) => {
      const usage = (message: string): void => {
        deps.stderr(`siptrail: ${message}\n`);
        deps.setExitCode(2);
      };
      const format = opts.format as ExportFormat;
      if (!DIAGRAM_FORMATS.includes(format)) return usage(`unknown --format ${JSON.stringify(opts.format)} (expected ${DIAGRAM_FORMATS.join(', ')})`);
      const scale = Number(opts.scale);
      if (![1, 2, 3].includes(scale)) return usage(`--scale must be 1, 2 or 3, not ${JSON.stringify(opts.scale)}`);
      if (opts.background !== 'white' && opts.background !== 'transparent') return usage(`--background must be white or transparent, not ${JSON.stringify(opts.background)}`);
      const maxTextSize = opts.maxTextSize === undefined ? MERMAID_MAX_TEXT_SIZE : Number(opts.maxTextSize);
      if (!Number.isInteger(maxTextSize) || maxTextSize < 1000) return usage(`--max-text-size must be an integer of at least 1000, not ${JSON.stringify(opts.maxTextSize)}`);
      const names: Record<string, string> = {};
      for (const n of opts.name) {
        const eq = n.lastIndexOf('=');
        if (eq <= 0) return usage(`--name expects key=name, got ${JSON.stringify(n)}`);
        names[n.slice(0, eq)] = n.slice(eq + 1);
      }
      if (format === 'pcap' && paths.length !== 1) return usage('--format pcap copies packets from one capture; give exactly one trace file');

      const known = knownFlows(deps);
      const wantedFlow = opts.flow === undefined ? null : parseFlowRef(opts.flow).id;
      const flows = known.flows.filter((f) => f.checkByDefault || f.id === wantedFlow);
      const trace = await deps.loadTrace(paths, { dialect: opts.dialect });
      const corr = correlate(trace.messages);
      const view = selectForExport(corr, flows, {
        flow: opts.flow,
        dialogs: opts.dialog,
        hops: opts.hops ?? false,
        filter: { hideTrying: !opts.showTrying, hideRetransmissions: !opts.showRetransmissions, hideProvisionalNotify: !opts.showProvisionalNotify },
      }, trace.findings);
      for (const p of view.problems) deps.stderr(`${p.severity} ${p.code}: ${p.message}\n`);
      if (view.problems.some((p) => p.severity === 'error')) {
        deps.setExitCode(2);
        return;
      }
      const info: TraceInfo = { path: trace.path, format: trace.format, packets: trace.packets };
      const naming = { names, showTimeOffsets: opts.time };

      if (format === 'pcap') return exportPcap(deps, io, trace.format, paths[0], view, opts.output);
      if (format === 'plantuml') return emit(io, opts.output, plantUmlExport(view, naming));
      const diagram = buildDiagramParts(view, { ...naming, maxTextSize });
      if (diagram.splitNote) deps.stderr(`siptrail: ${diagram.splitNote}\n`);
      if (format === 'mermaid') return emitParts(io, deps, opts.output, diagram.parts.map((p) => p.mermaid));
      if (format === 'markdown') return emit(io, opts.output, markdownExport(view, diagram));
      if (format === 'report') return emit(io, opts.output, markdownReport(view, diagram, info, naming));

      let browser: MermaidBrowser;
      try {
        browser = await io.openBrowser({ chromium: opts.chromium, scale });
      } catch (e) {
        if (e instanceof ChromiumMissingError) return usage(e.message);
        throw e;
      }
      try {
        await renderPictures(browser, format, diagram, view, info, naming, opts.background as Background, opts.output, io, deps);
      } finally {
        await browser.close();
      }
    });
}

async function renderPictures(browser: MermaidBrowser, format: 'svg' | 'png' | 'html', diagram: DiagramParts, view: ExportView, info: TraceInfo,
  naming: { names: Record<string, string> }, background: Background, output: string | undefined, io: DiagramIo, deps: CliDeps): Promise<void> {
  const id = (i: number) => `siptrail-diagram-${i + 1}`;
  if (format === 'png') {
    const images: Uint8Array[] = [];
    for (let i = 0; i < diagram.parts.length; i++) images.push((await browser.renderPng(diagram.parts[i].mermaid, id(i), background)).png);
    return emitParts(io, deps, output, images);
  }
  const svgs: string[] = [];
  for (let i = 0; i < diagram.parts.length; i++) svgs.push((await browser.renderSvg(diagram.parts[i].mermaid, id(i), background)).svg);
  if (format === 'svg') return emitParts(io, deps, output, svgs.map((s) => `<?xml version="1.0" encoding="UTF-8"?>\n${s}\n`));
  emit(io, output, htmlExport(view, diagram, { ...naming, trace: info, svgs, nonce: randomBytes(16).toString('base64') }));
}

function emit(io: DiagramIo, output: string | undefined, data: string | Uint8Array): void {
  if (output === undefined) io.writeStdout(data);
  else io.writeFile(output, data);
}

/** One file per part (`-partN` before the extension), or every part to stdout in order. */
function emitParts(io: DiagramIo, deps: CliDeps, output: string | undefined, parts: (string | Uint8Array)[]): void {
  if (output === undefined) {
    parts.forEach((p, i) => {
      if (parts.length > 1 && typeof p === 'string') io.writeStdout(`${i > 0 ? '\n' : ''}%% part ${i + 1} of ${parts.length}\n`);
      io.writeStdout(p);
    });
    return;
  }
  parts.forEach((p, i) => io.writeFile(partPath(output, i, parts.length), p));
  if (parts.length > 1) deps.stderr(`siptrail: wrote ${parts.length} parts: ${parts.map((_, i) => basename(partPath(output, i, parts.length))).join(', ')}\n`);
}

function exportPcap(deps: CliDeps, io: DiagramIo, traceFormat: string, path: string, view: ExportView, output: string | undefined): void {
  if (traceFormat !== 'pcap' && traceFormat !== 'pcapng') {
    deps.stderr(`siptrail: --format pcap copies the original packets, but ${path} is a ${traceFormat} trace with no packets; export a capture instead\n`);
    deps.setExitCode(2);
    return;
  }
  const extractor = createPacketExtractor(framesOfSelection(view));
  for (const chunk of io.readChunks(path)) extractor.push(chunk);
  const result = extractor.end();
  for (const f of result.findings) deps.stderr(`${f.severity} ${f.code}: ${f.message}\n`);
  if (result.findings.some((f) => f.severity === 'error')) {
    deps.setExitCode(2);
    return;
  }
  const size = result.pieces.reduce((n, p) => n + p.length, 0);
  const file = new Uint8Array(size);
  let at = 0;
  for (const p of result.pieces) { file.set(p, at); at += p.length; }
  emit(io, output, file);
  deps.stderr(`siptrail: ${result.frames.length} frame(s) written${output ? ` to ${output}` : ''}\n`);
}
