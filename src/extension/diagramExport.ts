// The text and pcap exports of the diagram, written in the trace worker from the same view the webview draws
// (core's export selection). SVG and PNG come from the webview's own rendering instead. No vscode import.
import { buildDiagramModel } from '../core/render/sequenceDiagram';
import { buildDiagramParts } from '../core/export/diagramParts';
import { markdownExport, markdownReport } from '../core/export/markdownExport';
import { plantUmlSource } from '../core/export/plantumlDiagram';
import { htmlExport } from '../core/export/htmlExport';
import { framesOfSelection } from '../core/export/pcapExport';
import type { TraceStore } from './traceStore';
import type { ExportRequestOptions, ExportResult } from './traceWorkerProtocol';

export function exportDiagram(store: TraceStore, traceId: string, options: ExportRequestOptions): ExportResult {
  const { view, trace } = store.exportView(traceId, options.selection, options.filter, options.analyse);
  const notes = [...view.notices];
  const naming = { names: options.names };
  // Exports draw every selected message, split into numbered parts only where mermaid's size limit requires it.
  const diagram = () => {
    const parts = buildDiagramParts(view, { ...naming, showTimeOffsets: options.showTimeOffsets, groups: view.groups });
    if (parts.splitNote) notes.push(parts.splitNote);
    return parts;
  };
  switch (options.format) {
    case 'mermaid': {
      const parts = diagram().parts;
      const text = parts.length === 1 ? parts[0].mermaid
        : parts.map((p, i) => `%% part ${i + 1} of ${parts.length}\n${p.mermaid}`).join('\n');
      return { text, notes };
    }
    case 'markdown':
      return { text: markdownExport(view, diagram()), notes };
    case 'report':
      return { text: markdownReport(view, diagram(), { path: trace.info.fileName, format: trace.info.format, packets: null }, naming), notes };
    case 'plantuml': {
      // PlantUML has no text-size limit: one page with every selected message.
      const model = buildDiagramModel(view.messages, {
        ...naming, pageSize: Math.max(1, view.messages.length), showTimeOffsets: options.showTimeOffsets,
        annotations: view.annotations, missingSteps: view.missingSteps, groups: view.groups, title: view.title,
      });
      return { text: plantUmlSource(model), notes };
    }
    case 'html': {
      const parts = diagram();
      // Two rounds: first the parts' mermaid sources (the webview renders them), then the page around their SVGs.
      if (!options.svgs || options.svgs.length !== parts.parts.length || !options.nonce) return { parts: parts.parts.map((p) => p.mermaid), notes };
      return {
        text: htmlExport(view, parts, {
          ...naming, trace: { path: trace.info.fileName, format: trace.info.format, packets: null }, svgs: options.svgs, nonce: options.nonce,
        }),
        notes,
      };
    }
    case 'pcap':
      if (trace.info.kind !== 'capture') return { notes: [...notes, 'A pcap export needs a capture; this trace is a text log, so it has no packets to copy.'] };
      return { frames: framesOfSelection(view), notes };
  }
}
