// The arena the CLI puts a big capture's index in (columnMemory.ts, src/cli/prefaultedArena.ts): arrays that start
// zeroed and never overlap, separate arrays once it is used up, and — with the worker touching its pages while the
// index is written — the same dialogs report, byte for byte, as arrays of their own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ArenaMemory } from '../../../src/core/index/columnMemory';
import { PlainCaptureIndexer } from '../../../src/core/index/plainCaptureIndex';
import { correlateIndex } from '../../../src/core/index/indexedDialogs';
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
