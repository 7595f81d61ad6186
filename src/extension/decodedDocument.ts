// The text of the "decoded SIP messages" view of a capture: every message under a line naming its frame, so
// diagnostics (which need lines) can sit on a capture's messages. Pure (no vscode).
import type { SourceRef } from '../core/model/finding';
import type { TraceLayout } from './findingLocations';
import type { MessageSummary } from './traceWorkerProtocol';

export interface DecodedEntry {
  summary: MessageSummary;
  /** The message's text (headers and body), or null when it was not fetched (summary line only). */
  text: string | null;
}

export interface DecodedMessageLines {
  index: number;
  frame: number | null;
  /** 0-based lines of the document: the frame line and the message's last line. */
  first: number;
  last: number;
}

export interface DecodedDocument {
  text: string;
  messages: DecodedMessageLines[];
}

/** `=== Frame 4 · 2026-…Z · 127.0.3.1:35001 → 127.0.3.2:35002 · REFER ===` */
export function frameLine(summary: MessageSummary): string {
  const frame = summary.source && 'frame' in summary.source ? `Frame ${summary.source.frame}` : summary.source ? `Line ${summary.source.line}` : `Message ${summary.index + 1}`;
  const parts = [frame];
  if (summary.time) parts.push(summary.time);
  parts.push(`${summary.from} → ${summary.to}`, summary.label);
  if (summary.copyOf !== null) parts.push(`copy of message ${summary.copyOf + 1}`);
  else if (summary.retransmissionOf !== null) parts.push(`retransmission of message ${summary.retransmissionOf + 1}`);
  return `=== ${parts.join(' · ')} ===`;
}

export function buildDecodedDocument(title: string, entries: readonly DecodedEntry[]): DecodedDocument {
  const builder = new DecodedDocumentBuilder(title, entries.length);
  builder.add(entries);
  return builder.finish();
}

/** The decoded document made slice by slice, so a caller can let other work run between slices of a huge capture. */
export class DecodedDocumentBuilder {
  private readonly lines: string[];
  private readonly messages: DecodedMessageLines[] = [];

  constructor(title: string, count: number) {
    this.lines = [`# ${title}`, `# ${count} SIP message${count === 1 ? '' : 's'}; read-only view of the capture.`, ''];
  }

  add(entries: readonly DecodedEntry[]): void {
    const lines = this.lines;
    for (const { summary, text } of entries) {
      const first = lines.length;
      lines.push(frameLine(summary));
      if (text !== null) {
        // One line per line of the message; CR LF and bare CR shown as line breaks, trailing blank lines dropped.
        const body = text.replace(/\r\n?/g, '\n').replace(/\n+$/, '').split('\n');
        for (const l of body) lines.push(l);
      }
      this.messages.push({ index: summary.index, frame: summary.source && 'frame' in summary.source ? summary.source.frame : null, first, last: lines.length - 1 });
      lines.push('');
    }
  }

  finish(): DecodedDocument {
    return { text: this.lines.join('\n'), messages: this.messages };
  }
}

/** The layout of a decoded document, for placing findings (frame sources go to their message's frame line). */
export function decodedLayout(doc: DecodedDocument): TraceLayout {
  const byIndex = new Map<number, DecodedMessageLines>();
  const byFrame = new Map<number, DecodedMessageLines>();
  for (const m of doc.messages) {
    byIndex.set(m.index, m);
    if (m.frame !== null && !byFrame.has(m.frame)) byFrame.set(m.frame, m);
  }
  const lines = doc.text.split('\n');
  return {
    messageLines: (index) => {
      const m = byIndex.get(index);
      return m ? { first: m.first, last: m.last } : null;
    },
    sourceLines: (source: SourceRef) => {
      const m = 'frame' in source ? byFrame.get(source.frame) : undefined;
      return m ? { line: m.first, column: null } : null;
    },
    lineCount: lines.length,
    lineAt: (line) => lines[line] ?? '',
  };
}
