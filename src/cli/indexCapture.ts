// The fast path of `dialogs` and `check` for big captures: the file streamed once into the compact message index
// (src/core/index), without the full pipeline's message objects. Null when the file is not a capture the index
// accepts; the caller then reads it with the full pipeline (the reason is printed when SIPTRAIL_DEBUG is set).
import { closeSync, readSync } from 'node:fs';
import { openTraceFile } from './loadTrace';
import { PlainCaptureIndexer } from '../core/index/plainCaptureIndex';
import { CORRELATION_BYTES_PER_MESSAGE } from '../core/index/indexedDialogs';
import { terminalProgress } from './progress';
import { prefaultedArena } from './prefaultedArena';
import { plainScanWasm } from './plainScanWasm';
import type { IndexedCapture } from './cliDeps';

const READ_BYTES = 1 << 20;

/** Arena bytes per byte of capture: the bench capture used ~320 bytes a message of ~460 file bytes, so room to spare. */
const ARENA_BYTES_PER_FILE_BYTE = 1;

export function indexCapture(path: string, correlationHeaders: readonly string[]): IndexedCapture | null {
  let opened: ReturnType<typeof openTraceFile>;
  try {
    opened = openTraceFile(path);
  } catch {
    return null; // the full pipeline reports the unreadable file
  }
  const { fd, size } = opened;
  if (opened.captureFormat === null) {
    closeSync(fd);
    return null;
  }
  const progress = terminalProgress(path);
  const arena = prefaultedArena(size * ARENA_BYTES_PER_FILE_BYTE);
  let done = false;
  try {
    const indexer = new PlainCaptureIndexer({ correlationHeaders, expectedMessages: size / 400, memory: arena.memory, wasm: plainScanWasm() });
    // One read buffer for the whole file (in the WebAssembly scanner's memory): the bytes of a record cut by a read
    // move to its front.
    let buffer = indexer.readBuffer(READ_BYTES);
    let held = 0;
    let position = 0;
    for (;;) {
      if (held === buffer.length) {
        const kept = buffer.slice(); // a record longer than the buffer (copied first: the new one may move it)
        buffer = indexer.readBuffer(buffer.length * 2);
        buffer.set(kept);
      }
      const n = readSync(fd, buffer, held, buffer.length - held, position);
      if (n === 0) break;
      position += n;
      progress?.update(position, size);
      const filled = held + n;
      const used = indexer.consume(buffer.subarray(0, filled));
      if (used < 0) break;
      // The correlation's arrays come right after the index's: have their pages faulted in while the index is written
      // (the worker is done with the index's own long before), at the message count this rate predicts for the file —
      // from a quarter of it on, so that a capture whose first MiB is unlike the rest does not fault in pages for
      // messages it does not have (the worker cannot give pages back).
      if (position * 4 >= size) arena.prefaultTo(arena.usedBytes() + CORRELATION_BYTES_PER_MESSAGE * indexer.columns.count * (size / position));
      buffer.copyWithin(0, used, filled);
      held = filled - used;
    }
    const outcome = indexer.end(held);
    if (!outcome.plain) {
      if (process.env.SIPTRAIL_DEBUG) process.stderr.write(`siptrail: ${path}: full pipeline (${outcome.reason})\n`);
      return null;
    }
    done = true;
    return { ...outcome, allocationsDone: arena.release, arenaBytes: arena.usedBytes };
  } catch (e) {
    // A defect of the fast path must not cost the answer: the full pipeline reads the file instead.
    if (process.env.SIPTRAIL_DEBUG) process.stderr.write(`siptrail: ${path}: full pipeline (index failed: ${String(e)})\n`);
    return null;
  } finally {
    if (!done) arena.release();
    progress?.done();
    closeSync(fd);
  }
}
