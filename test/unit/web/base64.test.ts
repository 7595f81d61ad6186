// src/extension/base64.ts replaces Buffer and node:crypto in code shared by the Node and web builds; Node's Buffer
// is the independent reference here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { base64ToBytes, bytesToBase64, randomNonce } from '../../../src/extension/base64';
import { repoRoot } from '../../support/paths';

test('base64 round-trips a real PNG and agrees with Buffer both ways', () => {
  // Bigger than one 0x8000-byte chunk, so the chunked encoder's seams are covered.
  const png = new Uint8Array(readFileSync(join(repoRoot, 'media/replication-flow.png')));
  assert.ok(png.length > 0x8000 * 2);
  const text = Buffer.from(png).toString('base64');
  assert.equal(bytesToBase64(png), text);
  assert.deepEqual(base64ToBytes(text), png);
  assert.deepEqual(base64ToBytes(''), new Uint8Array(0));
});

test('randomNonce gives 18 random bytes as base64, different each time', () => {
  const nonces = new Set(Array.from({ length: 50 }, () => randomNonce()));
  assert.equal(nonces.size, 50);
  for (const n of nonces) assert.equal(Buffer.from(n, 'base64').length, 18);
});

test('text that is not base64 throws (the export reports it) instead of giving wrong bytes', () => {
  assert.throws(() => base64ToBytes('not base64!'));
});
