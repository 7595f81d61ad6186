// The fast path of `dialogs` and `check` for big captures: the file streamed once into the compact message index
// (src/core/index), without the full pipeline's message objects. Null when the file is not a capture the index
// accepts; the caller then reads it with the full pipeline (the reason is printed when SIPTRAIL_DEBUG is set).
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { sniffCaptureFormat } from '../core/pcap/captureReader';
import { PlainCaptureIndexer, type PlainIndexOutcome } from '../core/index/plainCaptureIndex';
import { fileChunks } from './loadTrace';
import { terminalProgress } from './progress';

export function indexCapture(path: string, refusedHeaders: readonly string[]): Extract<PlainIndexOutcome, { plain: true }> | null {
  let fd: number;
  let size: number;
  try {
    size = statSync(path).size;
    fd = openSync(path, 'r');
  } catch {
    return null; // the full pipeline reports the unreadable file
  }
  const progress = terminalProgress(path);
  try {
    const head = new Uint8Array(4);
    if (readSync(fd, head, 0, 4, 0) !== 4 || sniffCaptureFormat(head) === null) return null;
    const indexer = new PlainCaptureIndexer({ refusedHeaders });
    for (const chunk of fileChunks(fd, size, progress?.update)) if (!indexer.push(chunk)) break;
    const outcome = indexer.end();
    if (!outcome.plain) {
      if (process.env.SIPTRAIL_DEBUG) process.stderr.write(`siptrail: ${path}: full pipeline (${outcome.reason})\n`);
      return null;
    }
    return outcome;
  } catch (e) {
    // A defect of the fast path must not cost the answer: the full pipeline reads the file instead.
    if (process.env.SIPTRAIL_DEBUG) process.stderr.write(`siptrail: ${path}: full pipeline (index failed: ${String(e)})\n`);
    return null;
  } finally {
    progress?.done();
    closeSync(fd);
  }
}
