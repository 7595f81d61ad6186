// The fuzz loop, run in a worker thread so the main thread can stop it when an input hangs or exhausts memory.
// It tells the main thread what it is running through shared memory (entry, index, size, start time).
import { availableParallelism, loadavg } from 'node:os';
import v8 from 'node:v8';
import vm from 'node:vm';
import { parentPort, workerData } from 'node:worker_threads';
import { ENTRY_NAMES, OracleViolation, runEntry, type EntryName } from './entryPoints';
import { generateInput } from './generateInput';
import { loadSeeds } from './seedInputs';
import { emptyEntryStats, timeBoundMs, type WorkerData, SLOT } from './fuzzProtocol';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

/** How much slower than an idle machine this one runs now: runnable processes per core (at least 1). */
export function loadFactor(): number {
  return Math.max(1, loadavg()[0] / availableParallelism());
}

async function main(): Promise<void> {
  const data = workerData as WorkerData;
  const shared = new Float64Array(data.shared);
  const seeds = loadSeeds();
  const entries = data.entries as EntryName[];
  const stats = Object.fromEntries(entries.map((e) => [e, emptyEntryStats()]));
  const next = Object.fromEntries(entries.map((e) => [e, data.startIndexes[e] ?? 0]));
  gc();
  const baseline = v8.getHeapStatistics().used_heap_size;
  let sinceGc = 0;
  let turn = 0;
  let lastReport = Date.now();
  while (Date.now() < data.deadline) {
    const entry = entries[turn++ % entries.length];
    const index = next[entry]++;
    const s = stats[entry];
    let input;
    try {
      input = generateInput(entry, data.seed, index, seeds);
    } catch (e) {
      s.generatorErrors++;
      continue;
    }
    shared[SLOT.entry] = ENTRY_NAMES.indexOf(entry);
    shared[SLOT.index] = index;
    shared[SLOT.size] = input.bytes.length;
    const heapBefore = v8.getHeapStatistics().used_heap_size;
    const started = performance.now();
    shared[SLOT.startedAt] = Date.now();
    let violation: { violation: string; message: string } | null = null;
    try {
      const outcome = await runEntry(input);
      s.messages += outcome.messages;
      if (outcome.rejected) s.rejected++;
      for (const code of outcome.findingCodes) s.findings[code] = (s.findings[code] ?? 0) + 1;
    } catch (e) {
      const v = e instanceof OracleViolation ? e : new OracleViolation('crash', String(e));
      violation = { violation: v.violation, message: v.message };
    }
    const elapsed = performance.now() - started;
    shared[SLOT.startedAt] = 0;
    const heapAfter = v8.getHeapStatistics().used_heap_size;
    s.inputs++;
    s.bytes += input.bytes.length;
    s.ms += elapsed;
    if (elapsed > s.maxMs) { s.maxMs = elapsed; s.maxMsInput = index; s.maxMsSize = input.bytes.length; }
    const bound = timeBoundMs(input.bytes.length) * loadFactor();
    if (!violation && elapsed > bound) {
      // Check once more after a collection: a GC pause or a busy machine is not a hang.
      gc();
      const again = performance.now();
      try { await runEntry(input); } catch { /* the first run decides the outcome */ }
      const second = performance.now() - again;
      if (second > bound) violation = { violation: 'slow', message: `took ${elapsed.toFixed(0)} ms then ${second.toFixed(0)} ms for ${input.bytes.length} bytes; the bound is ${bound.toFixed(0)} ms (load factor ${loadFactor().toFixed(1)})` };
    }
    // Growth while one input ran: far beyond what its size could explain is unbounded.
    const grown = heapAfter - heapBefore;
    if (!violation && grown > 512 * 1024 * 1024 + 64 * input.bytes.length) {
      violation = { violation: 'memory', message: `heap grew by ${(grown / 1048576).toFixed(0)} MB for a ${input.bytes.length}-byte input` };
    }
    if (violation) {
      s.violations[violation.violation] = (s.violations[violation.violation] ?? 0) + 1;
      parentPort!.postMessage({ type: 'violation', entry, index, ...violation, elapsedMs: elapsed, size: input.bytes.length, origin: input.origin });
    }
    // Heap across inputs: after a full collection it must come back near where it started (no leak between inputs).
    if (++sinceGc >= 500) {
      sinceGc = 0;
      gc();
      const used = v8.getHeapStatistics().used_heap_size;
      for (const st of Object.values(stats)) st.heapAfterGcMb = Math.max(st.heapAfterGcMb, used / 1048576);
      if (used - baseline > 256 * 1024 * 1024) {
        parentPort!.postMessage({ type: 'violation', entry, index, violation: 'memory', message: `heap after GC is ${(used / 1048576).toFixed(0)} MB, ${((used - baseline) / 1048576).toFixed(0)} MB above the start: memory kept across inputs`, elapsedMs: 0, size: 0, origin: 'heap check' });
      }
    }
    if (Date.now() - lastReport > 2000) {
      lastReport = Date.now();
      parentPort!.postMessage({ type: 'stats', stats, next });
    }
  }
  parentPort!.postMessage({ type: 'stats', stats, next, done: true });
}

main().catch((e) => {
  parentPort!.postMessage({ type: 'fatal', message: e instanceof Error ? e.stack ?? e.message : String(e) });
});
