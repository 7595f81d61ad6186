// Drives a fuzz run: a worker runs the inputs; this thread watches for hangs and out-of-memory deaths (stopping
// and restarting the worker past the input), minimises crashers in-process and saves every failing input.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { availableParallelism, loadavg } from 'node:os';
import { Worker } from 'node:worker_threads';
import { ENTRY_NAMES, OracleViolation, runEntry, type EntryName, type FuzzInput } from './entryPoints';
import { emptyEntryStats, hangLimitMs, SLOT, SLOT_COUNT, type EntryStats, type WorkerData } from './fuzzProtocol';
import { generateInput } from './generateInput';
import { minimise } from './minimise';
import { loadSeeds } from './seedInputs';

export interface FuzzOptions {
  seconds: number;
  seed: number;
  entries?: EntryName[];
  /** Where failing inputs are written; none when absent. */
  outDir?: string;
  /** Minimise crashers before saving (default true). */
  minimise?: boolean;
  log?: (line: string) => void;
}

export interface FuzzFailure {
  entry: EntryName;
  index: number;
  violation: string;
  message: string;
  origin: string;
  size: number;
  minimisedSize?: number;
  savedAs?: string;
}

export interface FuzzResult {
  seed: number;
  seconds: number;
  stats: Record<string, EntryStats>;
  failures: FuzzFailure[];
  workerRestarts: number;
}

const workerUrl = new URL('./fuzzWorkerBoot.mjs', import.meta.url);

function extensionOf(input: FuzzInput): string {
  return input.kind === 'capture' ? (input.bytes[0] === 0x0a ? 'pcapng' : 'pcap') : input.kind === 'sip' ? 'sip' : 'txt';
}

/** A failure's identity for de-duplication: class, entry, and the message without numbers. */
function signature(entry: string, violation: string, message: string): string {
  return `${entry}|${violation}|${message.split('\n')[0].replace(/\d+/g, 'N').slice(0, 120)}`;
}

export async function runFuzz(options: FuzzOptions): Promise<FuzzResult> {
  const log = options.log ?? (() => undefined);
  const entries = options.entries ?? [...ENTRY_NAMES];
  const seeds = loadSeeds();
  const deadline = Date.now() + options.seconds * 1000;
  const shared = new SharedArrayBuffer(SLOT_COUNT * 8);
  const slots = new Float64Array(shared);
  const failures: FuzzFailure[] = [];
  const seen = new Set<string>();
  const totals: Record<string, EntryStats> = Object.fromEntries(entries.map((e) => [e, emptyEntryStats()]));
  /** Figures of workers that ended, added to the live worker's. */
  let startIndexes: Record<string, number> = {};
  let restarts = 0;
  const pending: Promise<void>[] = [];

  const record = async (entry: EntryName, index: number, violation: string, message: string, origin: string, size: number): Promise<void> => {
    const sig = signature(entry, violation, message);
    const failure: FuzzFailure = { entry, index, violation, message, origin, size };
    failures.push(failure);
    log(`✖ ${violation} in ${entry} #${index} (${size} bytes, ${origin}): ${message.split('\n')[0]}`);
    if (seen.has(sig)) return;
    seen.add(sig);
    if (!options.outDir || origin === 'heap check') return;
    let input: FuzzInput = generateInput(entry, options.seed, index, seeds);
    if (options.minimise !== false && (violation === 'crash' || violation === 'swallowed-crash' || violation === 'invariant')) {
      const first = message.split('\n')[0].replace(/\d+/g, 'N');
      input = await minimise(input, async (candidate) => {
        try {
          await runEntry(candidate);
          return false;
        } catch (e) {
          return e instanceof OracleViolation && e.violation === violation && e.message.split('\n')[0].replace(/\d+/g, 'N') === first;
        }
      });
      failure.minimisedSize = input.bytes.length;
    }
    mkdirSync(options.outDir, { recursive: true });
    const base = `${entry}--${violation}--seed${options.seed}-i${index}`;
    const file = join(options.outDir, `${base}.${extensionOf(input)}`);
    writeFileSync(file, input.bytes);
    writeFileSync(join(options.outDir, `${base}.json`), JSON.stringify({ entry, violation, message, origin, index, seed: options.seed, dialect: input.dialect, chunkSize: input.chunkSize, optionsSeed: input.optionsSeed }, null, 2));
    failure.savedAs = file;
  };

  const add = (into: EntryStats, from: EntryStats) => {
    into.inputs += from.inputs;
    into.bytes += from.bytes;
    into.messages += from.messages;
    into.rejected += from.rejected;
    into.ms += from.ms;
    if (from.maxMs > into.maxMs) { into.maxMs = from.maxMs; into.maxMsInput = from.maxMsInput; into.maxMsSize = from.maxMsSize; }
    into.generatorErrors += from.generatorErrors;
    into.heapAfterGcMb = Math.max(into.heapAfterGcMb, from.heapAfterGcMb);
    for (const [k, v] of Object.entries(from.findings)) into.findings[k] = (into.findings[k] ?? 0) + v;
    for (const [k, v] of Object.entries(from.violations)) into.violations[k] = (into.violations[k] ?? 0) + v;
  };

  while (Date.now() < deadline - 500) {
    slots.fill(0);
    const data: WorkerData = { seed: options.seed, entries, deadline, startIndexes, shared };
    // The worker loads the TypeScript sources through tsx as this thread does (loader hooks are per thread).
    const worker = new Worker(workerUrl, { workerData: data, resourceLimits: { maxOldGenerationSizeMb: 4096 } });
    let ranAny = false;
    let live: { stats: Record<string, EntryStats>; next: Record<string, number> } | null = null;
    let fatal: string | null = null;
    const ended = await new Promise<{ reason: 'done' | 'hang' | 'died'; detail: string }>((resolve) => {
      const timer = setInterval(() => {
        const started = slots[SLOT.startedAt];
        if (started > 0) ranAny = true;
        const load = Math.max(1, loadavg()[0] / availableParallelism());
        if (started > 0 && Date.now() - started > hangLimitMs(slots[SLOT.size], load)) {
          clearInterval(timer);
          void worker.terminate();
          resolve({ reason: 'hang', detail: `still running after ${((Date.now() - started) / 1000).toFixed(1)} s` });
        }
      }, 200);
      worker.on('message', (msg: { type: string; [k: string]: unknown }) => {
        ranAny = true;
        if (msg.type === 'stats') live = { stats: msg.stats as Record<string, EntryStats>, next: msg.next as Record<string, number> };
        else if (msg.type === 'violation') pending.push(record(msg.entry as EntryName, msg.index as number, msg.violation as string, msg.message as string, msg.origin as string, msg.size as number));
        else if (msg.type === 'fatal') fatal = msg.message as string;
      });
      worker.on('error', (e) => { clearInterval(timer); resolve({ reason: 'died', detail: `${(e as NodeJS.ErrnoException).code ?? ''} ${e.message}` }); });
      worker.on('exit', () => { clearInterval(timer); resolve({ reason: 'done', detail: '' }); });
    });
    if (fatal) throw new Error(`fuzz worker failed: ${fatal}`);
    if (!ranAny && ended.reason === 'died') throw new Error(`fuzz worker did not start: ${ended.detail}`);
    const stats = (live as { stats: Record<string, EntryStats> } | null)?.stats ?? {};
    for (const e of entries) if (stats[e]) add(totals[e], stats[e]);
    if (ended.reason === 'done') break;
    // The input the worker was on when it hung or died: rebuilt from its index, recorded, and skipped.
    restarts++;
    const entry = ENTRY_NAMES[slots[SLOT.entry]];
    const index = slots[SLOT.index];
    const next = (live as { next: Record<string, number> } | null)?.next ?? startIndexes;
    startIndexes = { ...next, [entry]: index + 1 };
    // Figures of the inputs since the last report are lost with the worker; the failing input itself is counted.
    totals[entry].inputs++;
    const violation = ended.reason === 'hang' ? 'hang' : /MEMORY/.test(ended.detail) ? 'memory' : 'crash';
    totals[entry].violations[violation] = (totals[entry].violations[violation] ?? 0) + 1;
    const input = generateInput(entry, options.seed, index, seeds);
    await record(entry, index, violation, ended.detail, input.origin, input.bytes.length);
  }
  await Promise.all(pending);
  return { seed: options.seed, seconds: options.seconds, stats: totals, failures, workerRestarts: restarts };
}

/** The figures as a markdown table: inputs per entry point, findings per class, failures per class. */
export function formatFuzzResult(r: FuzzResult): string {
  const lines: string[] = [];
  lines.push(`Seed ${r.seed}, ${r.seconds} s, ${r.workerRestarts} worker restart(s), ${r.failures.length} failure(s).`, '');
  lines.push('| entry point | inputs | MB fed | messages | rejected (one positioned error) | slowest (ms, bytes) | crash | swallowed | invariant | slow | hang | memory |');
  lines.push('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const [entry, s] of Object.entries(r.stats)) {
    const v = (k: string) => s.violations[k] ?? 0;
    lines.push(`| ${entry} | ${s.inputs} | ${(s.bytes / 1048576).toFixed(1)} | ${s.messages} | ${s.rejected} | ${s.maxMs.toFixed(0)} (${s.maxMsSize}) | ${v('crash')} | ${v('swallowed-crash')} | ${v('invariant')} | ${v('slow')} | ${v('hang')} | ${v('memory')} |`);
  }
  lines.push('', 'Findings per class (code prefix), summed over entry points:', '');
  const byClass = new Map<string, number>();
  for (const s of Object.values(r.stats)) {
    for (const [code, n] of Object.entries(s.findings)) {
      const cls = code.split('.').slice(0, code.startsWith('net.') || code.startsWith('flow') ? 2 : 1).join('.');
      byClass.set(cls, (byClass.get(cls) ?? 0) + n);
    }
  }
  lines.push('| class | findings |', '|---|---:|');
  for (const [cls, n] of [...byClass].sort((a, b) => b[1] - a[1])) lines.push(`| ${cls} | ${n} |`);
  return lines.join('\n');
}
