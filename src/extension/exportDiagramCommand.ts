// "SIP Trail: Export Diagram…" (toolbar button and command palette) and the clipboard copies: a format quick pick,
// then a save dialog defaulting to `<trace>-<flow or dialog>.<ext>` beside the trace. Every format covers the whole
// selection: SVG and PNG are the worker's diagram parts drawn by the webview, the text formats and the pcap come
// from the worker.
import * as vscode from 'vscode';
import { createPacketExtractor } from '../core/export/pcapExport';
import { exportFileName } from '../core/export/exportFileName';
import { activeDiagram } from './diagramRegistry';
import type { DiagramSession } from './diagramSession';
import type { ExportTextFormat } from './traceWorkerProtocol';
import { base64ToBytes, randomNonce } from './base64';

export const EXPORT_DIAGRAM_COMMAND = 'sipTrail.exportDiagram';
export const COPY_MERMAID_COMMAND = 'sipTrail.copyDiagramAsMermaid';
export const COPY_MARKDOWN_COMMAND = 'sipTrail.copyDiagramAsMarkdown';

type ExportFormat =
  | { kind: 'image'; format: 'svg' | 'png'; scale: number; background: 'white' | 'transparent' }
  | { kind: 'worker'; format: ExportTextFormat };

interface FormatChoice extends vscode.QuickPickItem {
  id: string;
  ext: string;
  export: ExportFormat;
  /** Save-dialog filter name. */
  filter: string;
}

export const EXPORT_FORMATS: FormatChoice[] = [
  { id: 'svg', label: 'SVG', description: 'standalone picture of the whole selection', ext: 'svg', filter: 'SVG image', export: { kind: 'image', format: 'svg', scale: 1, background: 'white' } },
  ...[1, 2, 3].flatMap((scale): FormatChoice[] => [
    { id: `png-${scale}x`, label: `PNG ${scale}×`, description: 'white background', ext: 'png', filter: 'PNG image', export: { kind: 'image', format: 'png', scale, background: 'white' } },
    { id: `png-${scale}x-transparent`, label: `PNG ${scale}×, transparent`, description: 'transparent background', ext: 'png', filter: 'PNG image', export: { kind: 'image', format: 'png', scale, background: 'transparent' } },
  ]),
  { id: 'mermaid', label: 'Mermaid', description: '.mmd source of the whole selection', ext: 'mmd', filter: 'Mermaid', export: { kind: 'worker', format: 'mermaid' } },
  { id: 'markdown', label: 'Markdown', description: 'mermaid block and findings table (GitHub, GitLab)', ext: 'md', filter: 'Markdown', export: { kind: 'worker', format: 'markdown' } },
  { id: 'plantuml', label: 'PlantUML', description: '.puml sequence diagram', ext: 'puml', filter: 'PlantUML', export: { kind: 'worker', format: 'plantuml' } },
  { id: 'html', label: 'HTML', description: 'one self-contained page', ext: 'html', filter: 'HTML', export: { kind: 'worker', format: 'html' } },
  { id: 'pcap', label: 'pcap of the selection', description: 'the original packets of the drawn messages', ext: 'pcap', filter: 'Capture', export: { kind: 'worker', format: 'pcap' } },
  { id: 'report', label: 'Markdown report', description: 'verdicts, diagram, findings, message table', ext: 'md', filter: 'Markdown', export: { kind: 'worker', format: 'report' } },
];

/** Options a caller (a test, a keybinding) may pass to skip the pickers. */
export interface ExportArgs {
  format?: string;
  target?: vscode.Uri;
}

export async function exportDiagram(log: vscode.LogOutputChannel, args: ExportArgs = {}): Promise<vscode.Uri | undefined> {
  const session = activeDiagram() as DiagramSession | null;
  if (!session) {
    void vscode.window.showInformationMessage('Open a capture or a call flow diagram first, then export it.');
    return undefined;
  }
  const choice = args.format
    ? EXPORT_FORMATS.find((f) => f.id === args.format)
    : await vscode.window.showQuickPick(EXPORT_FORMATS, { title: 'Export Diagram', placeHolder: 'Format' });
  if (!choice) return undefined;
  const traceUri = session.traceUris[0];
  const target = args.target ?? await vscode.window.showSaveDialog({
    title: `Export Diagram as ${choice.label}`,
    defaultUri: vscode.Uri.joinPath(traceUri, '..', exportFileName(traceUri.path, choice.export.format, { flow: session.shown.selection.flow ?? undefined, dialogs: session.shown.selection.callIds })),
    filters: { [choice.filter]: [choice.ext] },
  });
  if (!target) return undefined;
  try {
    const bytes = await exportBytes(session, choice.export);
    if (!bytes) return undefined;
    await vscode.workspace.fs.writeFile(target, bytes.data);
    // Parts 2… beside the first: `x.svg` → `x-part2.svg` (part 1 keeps the chosen name).
    for (const [i, data] of (bytes.moreParts ?? []).entries()) {
      await vscode.workspace.fs.writeFile(target.with({ path: target.path.replace(/(\.[^./]*)?$/, (ext) => `-part${i + 2}${ext}`) }), data);
    }
    log.info(`exported ${choice.label} to ${target.toString()} (${bytes.data.length} bytes)`);
    for (const note of bytes.notes) void vscode.window.showWarningMessage(note);
    return target;
  } catch (error) {
    void vscode.window.showErrorMessage(`Export failed: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
}

async function exportBytes(session: DiagramSession, format: ExportFormat): Promise<{ data: Uint8Array; notes: string[]; moreParts?: Uint8Array[] } | null> {
  if (format.kind === 'image') {
    // The whole selection, as every other format: the worker's parts (split only at mermaid's size limit), each
    // drawn by the webview like the screen. More than one part is written as `<name>-partN.<ext>` files.
    const probe = await session.exportFromWorker('html');
    const sources = probe.parts?.length ? probe.parts : [undefined];
    const files: Uint8Array[] = [];
    for (const source of sources) {
      const reply = await session.exportImage(format.format, format.scale, format.background, source);
      if (reply.data === null) throw new Error(reply.error ?? 'the diagram gave no image');
      files.push(format.format === 'png' ? base64ToBytes(reply.data) : new TextEncoder().encode(reply.data));
    }
    const notes = files.length > 1 ? [`The selection is too big for one mermaid diagram: written as ${files.length} numbered parts.`] : [];
    return { data: files[0], notes, moreParts: files.slice(1) };
  }
  let result = await session.exportFromWorker(format.format);
  if (format.format === 'html' && result.parts) {
    // The page embeds mermaid's SVG of each part, drawn by the webview (the same renderer as the screen).
    const svgs: string[] = [];
    for (const part of result.parts) {
      const reply = await session.exportImage('svg', 1, 'white', part);
      if (reply.data === null) throw new Error(reply.error ?? 'the diagram gave no SVG');
      svgs.push(reply.data.replace(/^<\?xml[^>]*>\s*/, ''));
    }
    result = await session.exportFromWorker('html', { svgs, nonce: randomNonce() });
  }
  if (format.format === 'pcap' && result.frames) {
    const original = await session.captureBytes();
    if (!original) throw new Error('the trace is not a capture');
    const extractor = createPacketExtractor(result.frames);
    extractor.push(original);
    const extract = extractor.end();
    const errors = extract.findings.filter((f) => f.severity === 'error');
    if (errors.length) throw new Error(errors.map((f) => f.message).join(' '));
    const notes = [...result.notes, ...extract.findings.map((f) => f.message)];
    const size = extract.pieces.reduce((n, p) => n + p.length, 0);
    const data = new Uint8Array(size);
    let at = 0;
    for (const piece of extract.pieces) {
      data.set(piece, at);
      at += piece.length;
    }
    return { data, notes };
  }
  if (result.bytes) return { data: result.bytes, notes: result.notes };
  if (result.text !== undefined) return { data: new TextEncoder().encode(result.text), notes: result.notes };
  // Nothing to write (a format not in this build): say why instead of writing an empty file.
  void vscode.window.showWarningMessage(result.notes.join(' ') || 'Nothing to export.');
  return null;
}

/** Copies the diagram as Mermaid source or as Markdown (fenced mermaid block and findings table). */
export async function copyDiagram(format: 'mermaid' | 'markdown'): Promise<void> {
  const session = activeDiagram() as DiagramSession | null;
  if (!session) {
    void vscode.window.showInformationMessage('Open a capture or a call flow diagram first.');
    return;
  }
  const result = await session.exportFromWorker(format);
  if (result.text === undefined) return;
  await vscode.env.clipboard.writeText(result.text);
  void vscode.window.showInformationMessage(`Copied the diagram as ${format === 'mermaid' ? 'Mermaid' : 'Markdown'}.`);
}

