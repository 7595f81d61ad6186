// `npm run fuzz -- --seconds N [--seed S] [--entry name] [--out dir] [--json file]`: the fuzzer's command line.
// `--replay --entry name --index I` runs one input of a seed again and prints what it did.
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ENTRY_NAMES, runEntry, type EntryName } from './entryPoints';
import { formatFuzzResult, runFuzz } from './engine';
import { generateInput } from './generateInput';
import { loadSeeds } from './seedInputs';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const seed = Number(arg('seed') ?? 1);
  const entries = process.argv.flatMap((a, i) => (a === '--entry' ? [process.argv[i + 1]] : [])) as EntryName[];
  for (const e of entries) {
    if (!ENTRY_NAMES.includes(e)) throw new Error(`unknown entry point ${e}; one of ${ENTRY_NAMES.join(', ')}`);
  }
  if (process.argv.includes('--replay')) {
    const input = generateInput(entries[0], seed, Number(arg('index')), loadSeeds());
    console.log(`${input.entry} #${arg('index')}: ${input.bytes.length} bytes from ${input.origin}`);
    const t = performance.now();
    console.log(await runEntry(input).then((o) => ({ ...o, findingCodes: [...new Set(o.findingCodes)] }), (e: Error) => `${e.name}: ${e.message}`));
    console.log(`${(performance.now() - t).toFixed(0)} ms`);
    return;
  }
  const seconds = Number(arg('seconds') ?? 60);
  const outDir = arg('out') ?? join(tmpdir(), 'siptrail-fuzz');
  const result = await runFuzz({ seconds, seed, entries: entries.length ? entries : undefined, outDir, log: (l) => console.log(l) });
  const table = formatFuzzResult(result);
  console.log(table);
  const json = arg('json');
  if (json) writeFileSync(json, JSON.stringify(result, null, 2));
  console.log(`failing inputs (if any) are in ${outDir}`);
  process.exitCode = result.failures.length ? 1 : 0;
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 2;
});
