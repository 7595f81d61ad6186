// The fuzz smoke run of `npm test`: about a minute over every entry point with a fixed seed (so a failure here
// reproduces with `npm run fuzz -- --seed 20261125 --seconds 55`). Zero crashes, hangs, swallowed exceptions,
// broken invariants, over-time inputs or unbounded memory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ENTRY_NAMES } from './entryPoints';
import { formatFuzzResult, runFuzz } from './engine';

test('fuzz smoke run: 55 s over every entry point, no failure', async () => {
  const outDir = mkdtempSync(join(tmpdir(), 'siptrail-fuzz-smoke-'));
  const result = await runFuzz({ seconds: 55, seed: 20261125, outDir });
  const summary = formatFuzzResult(result);
  for (const entry of ENTRY_NAMES) assert.ok(result.stats[entry].inputs > 0, `${entry} ran no input\n${summary}`);
  assert.deepEqual(result.failures.map((f) => `${f.violation} in ${f.entry} #${f.index} (${f.origin}): ${f.message.split('\n')[0]}${f.savedAs ? ` [${f.savedAs}]` : ''}`), [], summary);
});
