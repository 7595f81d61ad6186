// Reads a trace file through node:fs in fixed-size chunks (captures never sit whole in memory) and hands it
// to the core reader that fits its content: pcap/pcapng by magic number, anything else as a text trace.
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { readCapture } from '../core/capture/readCapture';
import { sniffCaptureFormat, type CaptureFormat } from '../core/pcap/captureReader';
import type { SipMessage } from '../core/model/sipMessage';
import type { TextDialect } from '../core/trace/readTextTrace';
import { createTextTraceSession } from '../core/trace/textTraceSession';
import { mergeTraces } from '../core/trace/mergeTraces';
import { TraceInputError, type LoadedTrace } from './cliDeps';
import { terminalProgress } from './progress';

const CHUNK_BYTES = 1 << 20;

/**
 * The file opened for reading, with its size and the capture format its first bytes name (null: not a pcap/pcapng
 * capture). Throws what node:fs throws when it cannot be opened or read; the caller closes `fd`.
 */
export function openTraceFile(path: string): { fd: number; size: number; captureFormat: CaptureFormat | null } {
  const size = statSync(path).size;
  const fd = openSync(path, 'r');
  try {
    const head = new Uint8Array(4);
    return { fd, size, captureFormat: readSync(fd, head, 0, 4, 0) === 4 ? sniffCaptureFormat(head) : null };
  } catch (e) {
    closeSync(fd);
    throw e;
  }
}

export async function loadTraceFile(path: string, opts: { dialect?: string; onProgress?: (bytes: number, total: number) => void }): Promise<LoadedTrace> {
  let opened: ReturnType<typeof openTraceFile>;
  try {
    opened = openTraceFile(path);
  } catch (e) {
    throw new TraceInputError(`${path}: cannot read the file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const { fd, size, captureFormat } = opened;
  try {
    if (captureFormat && !opts.dialect) {
      const progress = opts.onProgress ? null : terminalProgress(path);
      let result;
      try {
        result = readCapture(fileChunks(fd, size, opts.onProgress ?? progress?.update));
      } finally {
        progress?.done();
      }
      return { path, format: result.format ?? captureFormat, packets: result.packets, messages: result.messages, findings: result.findings };
    }
    // Text is read the same way, in chunks through a streaming session (a 1 GB log never becomes one string).
    const progress = opts.onProgress ? null : terminalProgress(path);
    try {
      return loadText(path, fileChunks(fd, size, opts.onProgress ?? progress?.update), opts.dialect as TextDialect | undefined);
    } finally {
      progress?.done();
    }
  } catch (e) {
    // A read that fails midway (EISDIR, EIO) is an input error; anything else is a defect and propagates as it is.
    const code = (e as NodeJS.ErrnoException | null)?.code;
    if (typeof code === 'string' && typeof (e as NodeJS.ErrnoException).syscall === 'string') throw new TraceInputError(`${path}: cannot read the file (${code})`);
    throw e;
  } finally {
    closeSync(fd);
  }
}

/** The file's bytes in fixed-size chunks, read as the capture reader asks for them. */
export function* fileChunks(fd: number, size: number, onProgress?: (bytes: number, total: number) => void): Generator<Uint8Array> {
  let position = 0;
  for (;;) {
    const chunk = new Uint8Array(CHUNK_BYTES);
    const n = readSync(fd, chunk, 0, CHUNK_BYTES, position);
    if (n === 0) return;
    position += n;
    yield n === CHUNK_BYTES ? chunk : chunk.subarray(0, n);
    onProgress?.(position, size);
  }
}

function loadText(path: string, chunks: Iterable<Uint8Array>, dialect: TextDialect | undefined): LoadedTrace {
  const session = createTextTraceSession({ dialect, fileName: path });
  const messages: SipMessage[] = [];
  let first = true;
  for (const chunk of chunks) {
    // Binary content is NUL-dense; a log may still hold a stray NUL (baresip prints a RIFF tag with two).
    if (first && countNuls(chunk.subarray(0, 4096)) > 64) {
      throw new TraceInputError(`${path}: not a pcap/pcapng capture (unknown magic number) and not a text trace (binary content)`);
    }
    first = false;
    for (const m of session.push(chunk)) messages.push(m);
  }
  for (const m of session.end()) messages.push(m);
  if (session.error || session.dialect === null) {
    const error = session.error;
    const at = error?.source && 'line' in error.source ? `:${error.source.line}` : '';
    throw new TraceInputError(`${path}${at}: ${error?.message ?? 'no SIP message was found in it'}`);
  }
  return { path, format: `text:${session.dialect}`, packets: null, messages, findings: session.findings };
}

function countNuls(bytes: Uint8Array): number {
  let n = 0;
  for (let i = bytes.indexOf(0); i >= 0; i = bytes.indexOf(0, i + 1)) n++;
  return n;
}

/**
 * Several logs (of several UEs or network elements) read as one trace: the same message seen in two logs is
 * matched, the clock skew between logs estimated from those matches and corrected (reported as findings).
 */
export async function loadTraceFiles(paths: string[], opts: { dialect?: string }): Promise<LoadedTrace> {
  if (paths.length === 1) return loadTraceFile(paths[0], opts);
  const traces: LoadedTrace[] = [];
  for (const path of paths) traces.push(await loadTraceFile(path, opts));
  const merged = mergeTraces(traces.map((t) => ({ name: t.path, messages: t.messages })));
  const packets = traces.every((t) => t.packets !== null) ? traces.reduce((n, t) => n + (t.packets ?? 0), 0) : null;
  return {
    path: paths.join(' + '),
    format: `merged(${traces.map((t) => t.format).join(', ')})`,
    packets,
    messages: merged.messages,
    findings: [...traces.flatMap((t) => t.findings), ...merged.findings],
  };
}
