// Parsed traces and what the diagram asks of them. Runs inside the trace worker (or, when the worker bundle
// is missing, on the extension host): no vscode import, only core.
import type { Finding } from '../core/model/finding';
import type { SipMessage } from '../core/model/sipMessage';
import { createCaptureSession } from '../core/capture/readCapture';
import { readTextTrace } from '../core/trace/readTextTrace';
import { formatEndpoint } from '../core/model/packet';
import { decodeLatin1 } from '../core/util/bytes';
import { messageTitle } from '../core/render/arrowLabel';
import { sideKey } from '../core/render/participants';
import { renderSequenceDiagram, type MessageAnnotation } from '../core/render/sequenceDiagram';
import type { DiagramData, MessageDetails, TraceInfo } from '../protocol/messages';
import type { OpenResult, RenderRequestOptions } from './traceWorkerProtocol';

/** Captures are fed to the reader in pieces this big, so progress can be reported. */
const CHUNK_BYTES = 1 << 20;

interface LoadedTrace {
  info: TraceInfo;
  messages: SipMessage[];
  /** Dialog band per message (Call-ID until the dialog table is wired in). */
  annotations: Map<number, MessageAnnotation>;
}

export class TraceStore {
  private readonly traces = new Map<string, LoadedTrace>();

  openCapture(traceId: string, fileName: string, bytes: Uint8Array, onProgress: (fraction: number) => void): OpenResult {
    const session = createCaptureSession();
    const messages: SipMessage[] = [];
    for (let offset = 0; offset < bytes.length; offset += CHUNK_BYTES) {
      messages.push(...session.push(bytes.subarray(offset, Math.min(bytes.length, offset + CHUNK_BYTES))));
      onProgress(Math.min(1, (offset + CHUNK_BYTES) / bytes.length));
    }
    messages.push(...session.end());
    return this.keep(traceId, { fileName, kind: 'capture', format: session.format ?? 'unknown' }, messages, session.findings);
  }

  openText(traceId: string, fileName: string, text: string): OpenResult {
    const result = readTextTrace(text, { fileName });
    if ('error' in result) return this.keep(traceId, { fileName, kind: 'text', format: 'unknown' }, [], [result.error]);
    return this.keep(traceId, { fileName, kind: 'text', format: result.dialect }, result.messages, result.findings);
  }

  render(traceId: string, options: RenderRequestOptions): DiagramData {
    const trace = this.get(traceId);
    const page = renderSequenceDiagram(trace.messages, {
      page: options.page,
      pageSize: options.pageSize,
      filter: options.filter,
      names: options.names,
      showTimeOffsets: options.showTimeOffsets,
      annotations: trace.annotations,
    });
    return {
      trace: trace.info,
      text: page.text,
      page: page.page,
      pageCount: page.pageCount,
      pageSize: page.pageSize,
      arrows: page.arrows,
      participants: page.participants.map((p) => ({ id: p.id, name: p.name, detail: p.detail, keys: p.keys.slice() })),
      shownMessages: page.shownMessages,
      hiddenMessages: page.hiddenMessages,
      filter: options.filter,
    };
  }

  details(traceId: string, messageIndex: number): MessageDetails | null {
    const m = messageAt(this.get(traceId).messages, messageIndex);
    if (!m) return null;
    const utf8 = new TextDecoder('utf-8', { fatal: true });
    let text: string;
    let encoding: MessageDetails['encoding'] = 'utf-8';
    try {
      text = utf8.decode(m.raw);
    } catch {
      // Not UTF-8: Latin-1 shows every byte as one character, so nothing is lost or replaced.
      text = decodeLatin1(m.raw);
      encoding = 'latin1';
    }
    return {
      messageIndex,
      title: messageTitle(m),
      from: m.src ? formatEndpoint(m.src) : sideKey(m, 'src').key,
      to: m.dst ? formatEndpoint(m.dst) : sideKey(m, 'dst').key,
      time: m.time === null ? null : new Date(m.time * 1000).toISOString(),
      location: 'frame' in m.source ? `frame ${m.source.frame}` : `lines ${m.source.line}–${m.source.endLine}`,
      lines: 'line' in m.source ? { first: m.source.line, last: m.source.endLine } : null,
      text,
      encoding,
      byteLength: m.raw.length,
    };
  }

  close(traceId: string): void {
    this.traces.delete(traceId);
  }

  private get(traceId: string): LoadedTrace {
    const trace = this.traces.get(traceId);
    if (!trace) throw new Error(`trace ${traceId} is not open`);
    return trace;
  }

  private keep(traceId: string, base: Omit<TraceInfo, 'messageCount' | 'findings'>, messages: SipMessage[], findings: Finding[]): OpenResult {
    const counts = { errors: 0, warnings: 0, infos: 0 };
    for (const f of findings) {
      if (f.severity === 'error') counts.errors++;
      else if (f.severity === 'warning') counts.warnings++;
      else counts.infos++;
    }
    const info: TraceInfo = { ...base, messageCount: messages.length, findings: counts };
    const annotations = new Map<number, MessageAnnotation>();
    for (const m of messages) if (m.callId !== null) annotations.set(m.index, { dialogId: m.callId });
    this.traces.set(traceId, { info, messages, annotations });
    return { info, findings };
  }
}

/** The message whose `index` is `messageIndex` (readers number messages by position, so this is a direct hit). */
function messageAt(messages: readonly SipMessage[], messageIndex: number): SipMessage | undefined {
  const direct = messages[messageIndex];
  return direct?.index === messageIndex ? direct : messages.find((m) => m.index === messageIndex);
}
