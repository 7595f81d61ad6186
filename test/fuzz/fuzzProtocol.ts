// What the fuzz worker and the main thread share: the start data, the figures per entry point, the time bound.

export interface WorkerData {
  seed: number;
  entries: string[];
  /** Date.now() at which to stop. */
  deadline: number;
  /** First input index per entry (a restarted worker carries on after the input that hung). */
  startIndexes: Record<string, number>;
  /** SharedArrayBuffer of SLOT_COUNT float64 values. */
  shared: SharedArrayBuffer;
}

export const SLOT = { entry: 0, index: 1, size: 2, startedAt: 3 } as const;
export const SLOT_COUNT = 4;

export interface EntryStats {
  inputs: number;
  bytes: number;
  messages: number;
  /** Inputs that ended in one positioned error rather than messages. */
  rejected: number;
  ms: number;
  maxMs: number;
  maxMsInput: number;
  maxMsSize: number;
  generatorErrors: number;
  heapAfterGcMb: number;
  /** Finding codes produced, with counts. */
  findings: Record<string, number>;
  /** Oracle violations by class. */
  violations: Record<string, number>;
}

export function emptyEntryStats(): EntryStats {
  return { inputs: 0, bytes: 0, messages: 0, rejected: 0, ms: 0, maxMs: 0, maxMsInput: -1, maxMsSize: 0, generatorErrors: 0, heapAfterGcMb: 0, findings: {}, violations: {} };
}

/** The time an input may take: 2 s plus 2 s per MB (issue 8: "bounded time proportional to its size"; 2 s/MB rather than 1 because six processes share two cores here and the text readers run near 1 MB/s). */
export function timeBoundMs(bytes: number): number {
  return 2000 + (2000 * bytes) / (1 << 20);
}

/** Past this the worker is stopped and the input saved as a hang. */
export function hangLimitMs(bytes: number, load = 1): number {
  return Math.max(15_000, 5 * timeBoundMs(bytes) * load);
}
