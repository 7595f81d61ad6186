// Memory for the index of a big capture, faulted in by another thread. On the bench VM (Firecracker) the first touch
// of a 4 KiB page costs ~16 µs: `dialogs` on the 180,017-message capture touched ~24,000 fresh pages, ~0.38 s of its
// 1.3 s, on the one thread that does all the work. Here the index's and the correlation's arrays come from one
// SharedArrayBuffer (ArenaMemory) and a worker touches its pages a little ahead of the allocations, on the second
// core; the main thread then finds them mapped. The worker only ever adds 0 atomically, so it never changes a value
// the main thread wrote, and without it (a worker that failed to start) the arena still works, just unprefetched.
import type { Worker } from 'node:worker_threads';
import { ArenaMemory, SEPARATE_ARRAYS, type ColumnMemory } from '../core/index/columnMemory';

const PAGE_BYTES = 4096;
/** How far past the allocations the worker touches (the next array's first pages), each page of it resident. */
const AHEAD_BYTES = 1 << 20;
/** Below this the worker's start-up (~70 ms on the second core, ~11 MB) is not worth it. */
const MIN_BYTES = 32 << 20;
/**
 * Beyond this, separate arrays: on the 2.16 GB capture a 1 GiB arena filled up during the index, cost ~200 MB more
 * peak RSS (capacity the index reserved but never filled, touched all the same) and saved no measurable time.
 */
const MAX_BYTES = 512 << 20;

// control[0]: pages allocated so far; control[1]: 1 once the main thread needs no more pages; control[2]: a page the
// main thread expects to allocate up to soon (prefaultTo), touched ahead as well.
const TOUCHER = `
const { workerData } = require('node:worker_threads');
const words = new Int32Array(workerData.arena);
const control = new Int32Array(workerData.control);
const wordsPerPage = ${PAGE_BYTES / 4};
const pages = Math.floor(words.length / wordsPerPage);
const aheadPages = ${AHEAD_BYTES / PAGE_BYTES};
let next = 0;
while (next < pages && Atomics.load(control, 1) === 0) {
  const allocated = Atomics.load(control, 0);
  const limit = Math.min(pages, Math.max(allocated + aheadPages, Atomics.load(control, 2)));
  for (; next < limit; next++) Atomics.add(words, next * wordsPerPage, 0);
  if (next < pages) Atomics.wait(control, 0, allocated, 200);
}
`;

export interface PrefaultedArena {
  memory: ColumnMemory;
  /** Bytes handed out (for the debug line). */
  usedBytes(): number;
  /**
   * The main thread expects to allocate up to `bytes` (a position in the arena): the worker touches those pages too,
   * once it is ahead of the allocations. Only what will be used, so that the peak RSS does not grow.
   */
  prefaultTo(bytes: number): void;
  /** No more allocations: the worker stops. */
  release(): void;
}

/** Each array its own buffer, no worker. */
const NO_ARENA: PrefaultedArena = { memory: SEPARATE_ARRAYS, usedBytes: () => 0, prefaultTo: () => {}, release: () => {} };

/** An arena for the index of `expectedBytes`, or separate arrays when that is too small to be worth a thread or too big. */
export function prefaultedArena(expectedBytes: number, minBytes = MIN_BYTES): PrefaultedArena {
  const bytes = Math.ceil(expectedBytes / PAGE_BYTES) * PAGE_BYTES;
  if (bytes < minBytes || bytes === 0 || bytes > MAX_BYTES) return NO_ARENA;
  let arena: SharedArrayBuffer;
  let control: SharedArrayBuffer;
  try {
    arena = new SharedArrayBuffer(bytes);
    control = new SharedArrayBuffer(12);
  } catch {
    return NO_ARENA;
  }
  const flags = new Int32Array(control);
  const memory = new ArenaMemory(arena, (used) => {
    Atomics.store(flags, 0, Math.ceil(used / PAGE_BYTES));
    Atomics.notify(flags, 0);
  });
  let worker: Worker | undefined;
  try {
    // Loaded here, not at the top: node:worker_threads costs ~3 ms of every run's start-up, and most runs need no arena.
    const { Worker } = require('node:worker_threads') as typeof import('node:worker_threads');
    worker = new Worker(TOUCHER, { eval: true, workerData: { arena, control }, resourceLimits: { maxYoungGenerationSizeMb: 1, maxOldGenerationSizeMb: 8, codeRangeSizeMb: 4, stackSizeMb: 1 } });
    worker.unref(); // never what keeps the process alive
    worker.on('error', () => {}); // the arena works without it
  } catch {
    // No worker: the main thread faults the pages itself, as with separate arrays.
  }
  return {
    memory,
    usedBytes: () => memory.usedBytes,
    prefaultTo: (bytes) => {
      const page = Math.min(Math.floor(bytes / PAGE_BYTES), arena.byteLength / PAGE_BYTES);
      if (page <= Atomics.load(flags, 2)) return;
      Atomics.store(flags, 2, page);
      Atomics.notify(flags, 0);
    },
    release: () => {
      Atomics.store(flags, 1, 1);
      Atomics.notify(flags, 0);
      // Its isolate (~11 MB) goes now, before the report is written.
      void worker?.terminate();
    },
  };
}
