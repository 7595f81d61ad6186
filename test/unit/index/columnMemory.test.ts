// The arena the CLI puts a big capture's index in (columnMemory.ts, src/cli/prefaultedArena.ts): arrays that start
// zeroed and never overlap, separate arrays once it is used up, and — with the worker touching its pages while the
// index is written — the same dialogs report, byte for byte, as arrays of their own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ArenaMemory } from '../../../src/core/index/columnMemory';
import { PlainCaptureIndexer } from '../../../src/core/index/plainCaptureIndex';
import { CORRELATION_BYTES_PER_MESSAGE, correlateIndex } from '../../../src/core/index/indexedDialogs';
import { DEFAULT_CORRELATION_HEADERS } from '../../../src/core/dialog/callLegs';
import { LazyArray, writePrettyJsonBytes } from '../../../src/core/report/prettyJsonBytes';
import { prefaultedArena } from '../../../src/cli/prefaultedArena';
import type { ColumnMemory } from '../../../src/core/index/columnMemory';
import { repoRoot } from '../../support/paths';

test('arena arrays: zeroed, 8-byte aligned, disjoint, reported as taken; separate arrays once the arena is full', () => {
  const buffer = new ArrayBuffer(256);
  const taken: number[] = [];
  const arena = new ArenaMemory(buffer, (used) => taken.push(used));
  const a = arena.uint8(3), b = arena.float64(2), c = arena.int32(5), d = arena.int16(3);
  for (const x of [a, b, c, d]) {
    assert.equal(x.buffer, buffer);
    assert.equal(x.byteOffset % 8, 0);
    assert.ok(x.every((v) => v === 0));
  }
  assert.deepEqual([a.byteOffset, b.byteOffset, c.byteOffset, d.byteOffset], [0, 8, 24, 48]);
  assert.deepEqual(taken, [8, 24, 48, 56]);
  b[1] = -1.5; c[4] = 7; d[2] = -3;
  assert.deepEqual([...a], [0, 0, 0]);
  assert.deepEqual([b[0], c[0], c[3]], [0, 0, 0]);
  const big = arena.int32(100); // 400 bytes: more than is left
  assert.notEqual(big.buffer, buffer);
  assert.equal(arena.usedBytes, 56);
  assert.equal(arena.int32(50).buffer, buffer); // 200 bytes still fit
  assert.equal(arena.usedBytes, 256);
});

function dialogsJson(bytes: Uint8Array, memory?: ColumnMemory): { json: string; columns: import('../../../src/core/index/messageColumns').MessageColumns } {
  const indexer = new PlainCaptureIndexer({ correlationHeaders: DEFAULT_CORRELATION_HEADERS, expectedMessages: bytes.length / 400, memory });
  for (let i = 0; i < bytes.length; i += 65536) if (!indexer.push(bytes.subarray(i, i + 65536))) break;
  const outcome = indexer.end();
  assert.ok(outcome.plain, outcome.plain ? '' : outcome.reason);
  const { dialogCount, dialogAt, writeDialog, ...rest } = correlateIndex({ path: 'load', format: outcome.format, packets: outcome.packets }, outcome.columns);
  const parts: Uint8Array[] = [];
  writePrettyJsonBytes({ ...rest, dialogs: new LazyArray(dialogCount, dialogAt, writeDialog) }, (b) => { parts.push(b.slice()); });
  return { json: Buffer.concat(parts).toString('utf8'), columns: outcome.columns };
}

test('a load capture indexed in the prefaulted arena (worker running) gives the same report as separate arrays', () => {
  for (const name of ['load-udp.pcap', 'load-udp-lost.pcapng']) {
    const bytes = new Uint8Array(readFileSync(join(repoRoot, 'test/captures/index', name)));
    const expected = dialogsJson(bytes).json;
    const arena = prefaultedArena(bytes.length, 0);
    const actual = dialogsJson(bytes, arena.memory);
    arena.release();
    assert.ok(arena.usedBytes() > 0, 'the index used the arena');
    assert.ok(actual.columns.callId.buffer instanceof SharedArrayBuffer, 'columns live in the shared arena');
    assert.ok(expected.length > 10000);
    assert.equal(actual.json, expected, name);
  }
});

test('a small trace, or one past 512 MiB, gets separate arrays and no worker', () => {
  for (const size of [1 << 20, 600 << 20]) {
    const arena = prefaultedArena(size);
    const column = arena.memory.int32(4);
    assert.ok(column.buffer instanceof ArrayBuffer && !(column.buffer instanceof SharedArrayBuffer), `${size}`);
    assert.equal(arena.usedBytes(), 0);
    arena.release();
  }
});

test('the correlation takes at least CORRELATION_BYTES_PER_MESSAGE of the arena a message (what the CLI has faulted in ahead)', () => {
  for (const name of ['load-udp.pcap', 'load-udp-lost.pcapng']) {
    const bytes = new Uint8Array(readFileSync(join(repoRoot, 'test/captures/index', name)));
    const memory = new ArenaMemory(new ArrayBuffer(bytes.length * 2));
    const indexer = new PlainCaptureIndexer({ correlationHeaders: DEFAULT_CORRELATION_HEADERS, expectedMessages: bytes.length / 400, memory });
    assert.ok(indexer.push(bytes));
    const outcome = indexer.end();
    assert.ok(outcome.plain, outcome.plain ? '' : outcome.reason);
    const before = memory.usedBytes;
    correlateIndex({ path: name, format: outcome.format, packets: outcome.packets }, outcome.columns);
    const perMessage = (memory.usedBytes - before) / outcome.columns.count;
    // At least: pages faulted in ahead are then all used, so the peak RSS does not grow; and not far above, or the
    // prefault would leave most of the correlation's pages to the main thread.
    assert.ok(perMessage >= CORRELATION_BYTES_PER_MESSAGE && perMessage < 1.25 * CORRELATION_BYTES_PER_MESSAGE, `${name}: ${perMessage.toFixed(1)} bytes a message`);
  }
});

test('prefaultTo: the worker faults in the arena up to the position asked (and its usual 1 MiB ahead), no further', async () => {
  const arena = prefaultedArena(96 << 20, 0);
  try {
    const rssAtStart = process.memoryUsage.rss();
    arena.memory.int32(1024); // 4 KiB allocated: the worker touches ~1 MiB past it
    arena.prefaultTo(32 << 20);
    const deadline = Date.now() + 30_000;
    let grown = 0;
    while (Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      grown = process.memoryUsage.rss() - rssAtStart;
      if (grown >= 32 << 20) break;
    }
    assert.ok(grown >= 32 << 20, `RSS grew by ${(grown / 1048576).toFixed(1)} MiB, expected the 32 MiB asked for`);
    await new Promise((resolve) => setTimeout(resolve, 300));
    grown = process.memoryUsage.rss() - rssAtStart;
    // 32 MiB + 1 MiB ahead, and a few MiB for the worker's own isolate and heap growth; far below the arena's 96 MiB.
    assert.ok(grown < 48 << 20, `RSS grew by ${(grown / 1048576).toFixed(1)} MiB: the worker went past the position asked`);
  } finally {
    arena.release();
  }
});
