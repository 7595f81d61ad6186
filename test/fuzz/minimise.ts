// Shrinks a failing input while it keeps failing the same way: whole capture records first, then packet bytes,
// then lines and bytes of text (a simple delta-debugging pass, bounded in time).
import { joinCapture, packetDataOffset, splitCapture, withPacketData } from './captureContainer';
import type { FuzzInput } from './entryPoints';
import { concatBytes } from '../../src/core/util/bytes';

export type StillFails = (input: FuzzInput) => Promise<boolean>;

async function ddmin<T>(items: T[], test: (kept: T[]) => Promise<boolean>, deadline: number): Promise<T[]> {
  let current = items;
  let parts = 2;
  while (current.length >= 2 && Date.now() < deadline) {
    const size = Math.ceil(current.length / parts);
    let reduced = false;
    for (let start = 0; start < current.length && Date.now() < deadline; start += size) {
      const candidate = [...current.slice(0, start), ...current.slice(start + size)];
      if (candidate.length && (await test(candidate))) {
        current = candidate;
        parts = Math.max(parts - 1, 2);
        reduced = true;
        break;
      }
    }
    if (!reduced) {
      if (parts >= current.length) break;
      parts = Math.min(current.length, parts * 2);
    }
  }
  return current;
}

function splitLines(b: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  let start = 0;
  for (let i = 0; i < b.length; i++) {
    if (b[i] === 10) {
      out.push(b.subarray(start, i + 1));
      start = i + 1;
    }
  }
  if (start < b.length) out.push(b.subarray(start));
  return out;
}

export async function minimise(input: FuzzInput, stillFails: StillFails, budgetMs = 30_000): Promise<FuzzInput> {
  const deadline = Date.now() + budgetMs;
  let best = input;
  const tryBytes = async (bytes: Uint8Array): Promise<boolean> => {
    const candidate = { ...best, bytes, chunkSize: Math.min(best.chunkSize, Math.max(1, bytes.length)) };
    if (await stillFails(candidate)) {
      best = candidate;
      return true;
    }
    return false;
  };
  if (input.kind === 'capture') {
    const c = splitCapture(best.bytes);
    if (c) {
      const keep = await ddmin(c.records, (records) => tryBytes(joinCapture({ ...c, records })), deadline);
      c.records = keep;
      // Then each remaining packet cut as short as it can be.
      for (let i = 0; i < c.records.length && Date.now() < deadline; i++) {
        const at = packetDataOffset(c, c.records[i]);
        if (at < 0) continue;
        let data = c.records[i].subarray(at);
        let step = data.length >> 1;
        while (step > 0 && Date.now() < deadline) {
          const shorter = data.subarray(0, data.length - step);
          const rec = withPacketData(c, c.records[i], shorter);
          const records = [...c.records];
          records[i] = rec;
          if (await tryBytes(joinCapture({ ...c, records }))) {
            c.records = records;
            data = shorter;
          } else step >>= 1;
        }
      }
    }
    return best;
  }
  const lines = splitLines(best.bytes);
  await ddmin(lines, (kept) => tryBytes(concatBytes(kept)), deadline);
  // Long lines (a megabyte of one prefix) shrink by halving them while the failure stays.
  const again = splitLines(best.bytes);
  for (let i = 0; i < again.length && Date.now() < deadline; i++) {
    let line = again[i];
    while (line.length > 64 && Date.now() < deadline) {
      const half = line.subarray(0, line.length >> 1);
      const candidate = [...again];
      candidate[i] = half;
      if (await tryBytes(concatBytes(candidate))) {
        again[i] = half;
        line = half;
      } else break;
    }
  }
  return best;
}
