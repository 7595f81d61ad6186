// `siptrail messages` over one capture file, or one big text log, in a single streaming pass: each message's row
// or JSON object is written as soon as its place in frame order is settled, so memory stays bounded however big
// the trace is (issue 8: a 2 GB capture, a 1 GB log). The order is the one readCapture's orderByFrame gives, kept by
// a bounded reorder buffer: messages held back by TCP or IP-fragment reassembly come out a few messages late. Text
// messages arrive in order with their final indexes, so the buffer passes them through.
import { closeSync } from 'node:fs';
import { createCaptureSession } from '../core/capture/readCapture';
import { createTextTraceSession } from '../core/trace/textTraceSession';
import type { TextDialect } from '../core/trace/readTextTrace';
import { TraceInputError } from './cliDeps';
import type { Finding } from '../core/model/finding';
import type { SipMessage } from '../core/model/sipMessage';
import { fileChunks, openTraceFile } from './loadTrace';
import { terminalProgress } from './progress';
import { findingJson, findingLines, messageJson, messageRow, tableHeader, tableLine, traceSummaryLine } from './commands/messages';

export interface StreamMessagesOptions {
  format: 'text' | 'json';
  /** Messages held for reordering; when it fills, the older half (in frame order) is written. */
  reorderWindow?: number;
  /** Text rows held to size the columns; a trace with no more rows prints exactly as the whole-trace table does. */
  textBatch?: number;
  /** Text logs bigger than this are streamed (default STREAM_TEXT_ABOVE_BYTES). */
  streamTextAbove?: number;
  /** Forced text dialect. */
  dialect?: TextDialect;
}

/** What the streaming pass reads messages from: a capture session, or a text-trace session. */
interface MessageSession {
  push(chunk: Uint8Array): SipMessage[];
  end(): SipMessage[];
  readonly findings: Finding[];
  readonly format: string | null;
  readonly packets: number | null;
}

const REORDER_WINDOW = 4096;
/** Text logs above this size are streamed; smaller ones take the whole-trace path (same output, simpler). */
export const STREAM_TEXT_ABOVE_BYTES = 64 * 1024 * 1024;
const TEXT_BATCH = 1000;
const WRITE_BYTES = 1 << 16;
// Final indexes of recently written messages, for duplicateOf: the capture session marks duplicates only within
// two generations of this many frames, so the same bound suffices here.
const INDEX_GENERATION = 1 << 16;

function frameOf(m: SipMessage): number {
  return 'frame' in m.source ? m.source.frame : 0;
}

/**
 * Streams `messages` for the capture at `path` to `write`. Returns false, having written nothing, when the file
 * cannot be opened or is not a pcap/pcapng capture: the caller's whole-trace path then reports it.
 */
export function streamCaptureFile(path: string, write: (s: string) => void, opts: StreamMessagesOptions): boolean {
  let opened: ReturnType<typeof openTraceFile>;
  try {
    opened = openTraceFile(path);
  } catch {
    return false;
  }
  const { fd, size } = opened;
  try {
    const isCapture = opened.captureFormat !== null;
    if (!isCapture && size <= (opts.streamTextAbove ?? STREAM_TEXT_ABOVE_BYTES)) return false;
    const progress = terminalProgress(path);
    try {
      const chunks = fileChunks(fd, size, progress?.update);
      if (isCapture) streamCaptureMessages(path, chunks, write, opts);
      else streamTextMessages(path, chunks, write, opts);
    } finally {
      progress?.done();
    }
    return true;
  } finally {
    closeSync(fd);
  }
}

/** The streaming pass proper, over any chunk source (tests feed it small files with small windows). */
export function streamCaptureMessages(path: string, chunks: Iterable<Uint8Array>, write: (s: string) => void, opts: StreamMessagesOptions): void {
  streamMessages(path, createCaptureSession(), chunks, write, opts);
}

/**
 * A text log streamed through the windowed text session. A file where no SIP message is found (or that is binary)
 * fails with the same TraceInputError as the whole-trace path, before anything is written.
 */
export function streamTextMessages(path: string, chunks: Iterable<Uint8Array>, write: (s: string) => void, opts: StreamMessagesOptions): void {
  const text = createTextTraceSession({ dialect: opts.dialect, fileName: path });
  const session: MessageSession = {
    push: (chunk) => text.push(chunk),
    end: () => {
      const last = text.end();
      if (text.error || text.dialect === null) {
        const at = text.error?.source && 'line' in text.error.source ? `:${text.error.source.line}` : '';
        throw new TraceInputError(`${path}${at}: ${text.error?.message ?? 'no SIP message was found in it'}`);
      }
      return last;
    },
    get findings() { return text.findings; },
    get format() { return text.dialect ? `text:${text.dialect}` : null; },
    packets: null,
  };
  streamMessages(path, session, binaryChecked(path, chunks), write, opts);
}

/** Binary content is NUL-dense (a log may hold a stray NUL): refused as the whole-trace path refuses it. */
function* binaryChecked(path: string, chunks: Iterable<Uint8Array>): Generator<Uint8Array> {
  let first = true;
  for (const chunk of chunks) {
    if (first) {
      let nuls = 0;
      const head = chunk.subarray(0, 4096);
      for (let i = head.indexOf(0); i >= 0; i = head.indexOf(0, i + 1)) nuls++;
      if (nuls > 64) throw new TraceInputError(`${path}: not a pcap/pcapng capture (unknown magic number) and not a text trace (binary content)`);
      first = false;
    }
    yield chunk;
  }
}

function streamMessages(path: string, session: MessageSession, chunks: Iterable<Uint8Array>, write: (s: string) => void, opts: StreamMessagesOptions): void {
  const window = Math.max(1, opts.reorderWindow ?? REORDER_WINDOW);
  const out = bufferedWriter(write);
  const sink = opts.format === 'json' ? jsonSink(out) : textSink(out, opts.textBatch ?? TEXT_BATCH, () => `${path}: ${session.format ?? 'pcap'}`);
  const lateFindings: Finding[] = [];

  // Reorder buffer, sorted by (frame, session index) as orderByFrame's stable sort is.
  let held: SipMessage[] = [];
  let written = 0;
  let lastFrame = -Infinity;
  // Session index → final index: for recent messages (duplicateOf) and for those findings point at.
  let recentIndex = new Map<number, number>();
  let olderRecentIndex = new Map<number, number>();
  const findingIndex = new Map<number, number>();
  let findingsSeen = 0;

  const noteFindingTargets = () => {
    for (; findingsSeen < session.findings.length; findingsSeen++) {
      const i = session.findings[findingsSeen].messageIndex;
      if (i !== undefined) findingIndex.set(i, -1);
    }
  };

  const emit = (m: SipMessage) => {
    const sessionIndex = m.index;
    const index = written++;
    if (recentIndex.size >= INDEX_GENERATION) {
      olderRecentIndex = recentIndex;
      recentIndex = new Map();
    }
    recentIndex.set(sessionIndex, index);
    if (findingIndex.has(sessionIndex)) findingIndex.set(sessionIndex, index);
    if (m.duplicateOf !== undefined) m.duplicateOf = recentIndex.get(m.duplicateOf) ?? olderRecentIndex.get(m.duplicateOf) ?? m.duplicateOf;
    m.index = index;
    lastFrame = Math.max(lastFrame, frameOf(m));
    sink.message(m);
  };

  const take = (m: SipMessage) => {
    const frame = frameOf(m);
    if (frame < lastFrame) {
      // Later than the buffer allows: written now (never dropped), out of frame order, and said so.
      const after = lastFrame;
      emit(m);
      lateFindings.push({
        code: 'cli.message-out-of-order', severity: 'warning',
        message: `Frame ${frame}: the message was completed after ${window}+ later messages had been written (reassembly finished late), so it is listed after frame ${after} instead of in frame order.`,
        source: { frame }, messageIndex: m.index,
      });
      return;
    }
    // Insertion from the end: reassembly delays are short, so a message moves past few others.
    let at = held.length;
    while (at > 0 && frameOf(held[at - 1]) > frame) at--;
    if (at === held.length) held.push(m);
    else held.splice(at, 0, m);
    if (held.length >= 2 * window) {
      const ready = held.slice(0, window);
      held = held.slice(window);
      for (const r of ready) emit(r);
    }
  };

  const takeAll = (messages: SipMessage[]) => {
    noteFindingTargets();
    for (const m of messages) take(m);
  };

  for (const chunk of chunks) takeAll(session.push(chunk));
  takeAll(session.end());
  for (const m of held) emit(m);
  held = [];
  const findings = session.findings;
  for (const f of findings) {
    if (f.messageIndex !== undefined) {
      const index = findingIndex.get(f.messageIndex);
      if (index !== undefined && index >= 0) f.messageIndex = index;
    }
  }
  findings.push(...lateFindings);
  sink.end({ path, format: session.format ?? 'pcap', packets: session.packets }, findings);
  out.flush();
}

interface TraceInfo {
  path: string;
  format: string;
  packets: number | null;
}

interface Sink {
  message(m: SipMessage): void;
  end(trace: TraceInfo, findings: Finding[]): void;
}

/** Joins small pieces into writes of about WRITE_BYTES. */
function bufferedWriter(write: (s: string) => void) {
  let pending: string[] = [];
  let length = 0;
  const flush = () => {
    if (pending.length) write(pending.join(''));
    pending = [];
    length = 0;
  };
  return {
    put(s: string) {
      pending.push(s);
      length += s.length;
      if (length >= WRITE_BYTES) flush();
    },
    flush,
  };
}

type Writer = ReturnType<typeof bufferedWriter>;

/**
 * The JSON document `{ messages, findings, trace }`, laid out as JSON.stringify(…, null, 2) lays it out; `trace`
 * comes last because its packet count is known only at the end of the file.
 */
function jsonSink(out: Writer): Sink {
  let count = 0;
  const indented = (value: unknown) => JSON.stringify(value, null, 2).replace(/\n/g, '\n    ');
  return {
    message(m) {
      out.put(count++ === 0 ? '{\n  "messages": [\n    ' : ',\n    ');
      out.put(indented(messageJson(m)));
    },
    end(trace, findings) {
      out.put(count === 0 ? '{\n  "messages": [],\n  "findings": ' : '\n  ],\n  "findings": ');
      if (findings.length === 0) out.put('[]');
      else out.put('[\n    ' + findings.map((f) => indented(findingJson(f))).join(',\n    ') + '\n  ]');
      out.put(',\n  "trace": ' + JSON.stringify(trace, null, 2).replace(/\n/g, '\n  ') + '\n}\n');
    },
  };
}

/**
 * The table. Up to `batch` rows are held: a trace that small prints exactly as the whole-trace table (counts on the
 * first line, columns as wide as the widest cell). A bigger one prints its first line without counts, columns
 * sized by the first batch and widened when a later cell is wider, and the counts on a last line.
 */
function textSink(out: Writer, batch: number, heading: () => string): Sink {
  let rows: string[][] | null = [];
  let widths: number[] = [];
  let t0: number | null = null;
  let count = 0;
  const sized = (held: string[][]) => tableHeader.map((h, i) => Math.max(h.length, ...held.map((r) => r[i].length)));
  return {
    message(m) {
      if (t0 === null && m.time !== null) t0 = m.time;
      const row = messageRow(m, t0);
      count++;
      if (rows) {
        rows.push(row);
        if (rows.length <= batch) return;
        widths = sized(rows);
        out.put(`${heading()}, streaming (counts at the end)\n${tableLine(tableHeader, widths)}\n`);
        for (const r of rows) out.put(tableLine(r, widths) + '\n');
        rows = null;
        return;
      }
      for (let i = 0; i < row.length - 1; i++) if (row[i].length > widths[i]) widths[i] = row[i].length;
      out.put(tableLine(row, widths) + '\n');
    },
    end(trace, findings) {
      if (rows) {
        widths = sized(rows);
        const lines = [traceSummaryLine(trace.path, trace.format, trace.packets, count), tableLine(tableHeader, widths), ...rows.map((r) => tableLine(r, widths)), ...findingLines(findings)];
        out.put(lines.join('\n') + '\n');
        return;
      }
      out.put([...findingLines(findings), '', traceSummaryLine(trace.path, trace.format, trace.packets, count)].join('\n') + '\n');
    },
  };
}
