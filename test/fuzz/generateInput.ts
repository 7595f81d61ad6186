// Input number `index` of an entry point, made from (seed, entry, index) alone, so any input of any run can be
// rebuilt (to minimise a crasher, or to save the input a hung worker was running).
import { detectTextDialect, type TextDialect } from '../../src/core/trace/readTextTrace';
import { DIALECTS, type EntryName, type FuzzInput } from './entryPoints';
import { mutateCapture, mutateSipText } from './mutate';
import { inputSeed, Prng } from './prng';
import type { SeedFile, Seeds } from './seedInputs';

export interface GeneratedInput extends FuzzInput {
  /** Seed file and mutations applied, for the report. */
  origin: string;
}

const CHUNK_SIZES = [1, 7, 64, 1500, 4096, 65536, 1 << 20];
const detected = new Map<string, TextDialect | null>();

function dialectOf(seed: SeedFile): TextDialect | null {
  if (!detected.has(seed.name)) detected.set(seed.name, detectTextDialect(new TextDecoder().decode(seed.bytes)));
  return detected.get(seed.name)!;
}

export function generateInput(entry: EntryName, seed: number, index: number, seeds: Seeds): GeneratedInput {
  const rng = new Prng(inputSeed(seed, entry, index));
  const donors = seeds.sipMessages.map((s) => s.bytes);
  const applied: string[] = [];
  const mutate = entry === 'capture' || entry === 'text' || entry === 'text-forced' || entry === 'sip' ? rng.chance(0.95) : rng.chance(0.7);
  const kind: FuzzInput['kind'] = entry === 'sip' ? 'sip'
    : entry === 'capture' ? 'capture'
      : entry === 'text' || entry === 'text-forced' ? 'text'
        : rng.chance(0.5) ? 'capture' : 'text';
  let source: SeedFile;
  let bytes: Uint8Array;
  if (kind === 'capture') {
    source = rng.pick(seeds.captures);
    bytes = mutate ? mutateCapture(source.bytes, rng, donors, applied) : source.bytes;
  } else if (kind === 'sip') {
    source = rng.pick(seeds.sipMessages);
    bytes = mutate ? mutateSipText(source.bytes, rng, donors, applied) : source.bytes;
  } else {
    // Text traces: the text fixtures, and now and then bare SIP messages (raw dialect) or a log's worth of them.
    source = rng.chance(0.8) ? rng.pick(seeds.texts) : rng.pick(seeds.sipMessages);
    bytes = mutate ? mutateSipText(source.bytes, rng, donors, applied) : source.bytes;
  }
  let dialect: TextDialect | undefined;
  if (kind === 'text' && (entry === 'text-forced' || rng.chance(0.2))) {
    dialect = rng.chance(0.5) ? (dialectOf(source) ?? rng.pick(DIALECTS)) : rng.pick(DIALECTS);
  }
  if (entry === 'text') dialect = undefined;
  const chunkSize = Math.max(rng.pick(CHUNK_SIZES), Math.ceil(bytes.length / 20_000));
  return {
    entry, kind, bytes, chunkSize, dialect, optionsSeed: rng.nextU32(),
    origin: `${source.name}${applied.length ? ` + ${applied.join(', ')}` : ''}${dialect ? ` as ${dialect}` : ''}`,
  };
}
