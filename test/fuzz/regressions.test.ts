// Every input the fuzzer found failing (minimised, in test/fuzz/regressions/) runs again through its entry point
// and must now pass the oracle, with the findings its fix introduced.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OracleViolation, runEntry, type EntryName, type FuzzInput } from './entryPoints';
import { repoRoot } from '../support/paths';

interface Regression { entry: EntryName; kind: FuzzInput['kind']; bug: string; chunkSize?: number; optionsSeed?: number; dialect?: FuzzInput['dialect']; expectFindings?: string[] }

const dir = join(repoRoot, 'test/fuzz/regressions');
const cases = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();

test('there are regression inputs', () => {
  assert.ok(cases.length > 0);
});

for (const meta of cases) {
  const base = meta.slice(0, -'.json'.length);
  const r = JSON.parse(readFileSync(join(dir, meta), 'utf8')) as Regression;
  // Inputs are stored as <name>.input (never .pcap: the capture oracle tests read every .pcap under test/).
  const inputFile = `${base}.input`;
  test(`regression ${base}: ${r.bug}`, async () => {
    const bytes = new Uint8Array(readFileSync(join(dir, inputFile)));
    const input: FuzzInput = { entry: r.entry, kind: r.kind, bytes, chunkSize: r.chunkSize ?? 65536, dialect: r.dialect, optionsSeed: r.optionsSeed ?? 1 };
    try {
      const outcome = await runEntry(input);
      for (const code of r.expectFindings ?? []) assert.ok(outcome.findingCodes.includes(code), `expected a ${code} finding, got ${[...new Set(outcome.findingCodes)].join(', ')}`);
    } catch (e) {
      if (e instanceof OracleViolation) assert.fail(`${e.violation}: ${e.message}`);
      throw e;
    }
  });
}
