// Reads a trace file through node:fs in fixed-size chunks (captures never sit whole in memory) and hands it
// to the core reader that fits its content: pcap/pcapng by magic number, anything else as a text trace.
import { closeSync, openSync, readSync, readFileSync, statSync } from 'node:fs';
import { readCapture } from '../core/capture/readCapture';
import { sniffCaptureFormat } from '../core/pcap/captureReader';
import { readTextTrace, type TextDialect } from '../core/trace/readTextTrace';
import { mergeTraces } from '../core/trace/mergeTraces';
import { TraceInputError, type LoadedTrace } from './cliDeps';

const CHUNK_BYTES = 1 << 20;

export async function loadTraceFile(path: string, opts: { dialect?: string; onProgress?: (bytes: number, total: number) => void }): Promise<LoadedTrace> {
  let fd: number;
  let size: number;
  try {
    size = statSync(path).size;
    fd = openSync(path, 'r');
  } catch (e) {
    throw new TraceInputError(`${path}: cannot read the file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  try {
    const head = new Uint8Array(4);
    const captureFormat = readSync(fd, head, 0, 4, 0) === 4 ? sniffCaptureFormat(head) : null;
    if (captureFormat && !opts.dialect) {
      const result = readCapture(fileChunks(fd, size, opts.onProgress));
      return { path, format: result.format ?? captureFormat, packets: result.packets, messages: result.messages, findings: result.findings };
    }
  } finally {
    closeSync(fd);
  }
  return loadText(path, opts.dialect as TextDialect | undefined);
}

/** The file's bytes in fixed-size chunks, read as the capture reader asks for them. */
function* fileChunks(fd: number, size: number, onProgress?: (bytes: number, total: number) => void): Generator<Uint8Array> {
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

function loadText(path: string, dialect: TextDialect | undefined): LoadedTrace {
  const bytes = readFileSync(path);
  if (bytes.subarray(0, 4096).includes(0)) {
    throw new TraceInputError(`${path}: not a pcap/pcapng capture (unknown magic number) and not a text trace (binary content)`);
  }
  const result = readTextTrace(bytes.toString('utf8'), { dialect, fileName: path });
  if ('error' in result) {
    const at = result.error.source && 'line' in result.error.source ? `:${result.error.source.line}` : '';
    throw new TraceInputError(`${path}${at}: ${result.error.message}`);
  }
  return { path, format: `text:${result.dialect}`, packets: null, messages: result.messages, findings: result.findings };
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
