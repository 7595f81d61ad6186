// The material the fuzzer mutates, read in place: our committed captures and text fixtures, the regressions found
// so far, and the public corpus beside the repo (captures, torture messages, log fixtures), never copied.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { readCapture } from '../../src/core/capture/readCapture';
import { corpusCaptures, corpusDir, filesUnder, repoCaptures, repoRoot } from '../support/paths';

export interface SeedFile { name: string; bytes: Uint8Array }

export interface Seeds {
  captures: SeedFile[];
  texts: SeedFile[];
  /** Single SIP messages: the torture set and messages cut out of the captures. */
  sipMessages: SeedFile[];
}

const TEXT_EXTENSIONS = /\.(txt|log|sip|siptrace)$/;

function load(path: string): SeedFile {
  return { name: path.startsWith(repoRoot) ? path.slice(repoRoot.length + 1) : path, bytes: new Uint8Array(readFileSync(path)) };
}

/** Captures bigger than this are left out as seeds: mutating them costs time better spent on more inputs. */
const MAX_SEED_BYTES = 3 << 20;

let cached: Seeds | null = null;

export function loadSeeds(): Seeds {
  if (cached) return cached;
  const small = (p: string) => statSync(p).size <= MAX_SEED_BYTES;
  const captures = [...repoCaptures(), ...corpusCaptures()].filter(small).map(load);
  const texts = [
    ...filesUnder(join(repoRoot, 'test/fixtures/traces'), (n) => TEXT_EXTENSIONS.test(n)),
    ...filesUnder(join(corpusDir, 'textlogs'), () => true),
    ...filesUnder(join(repoRoot, '../shared/seed'), (n) => n.endsWith('.txt')),
  ].filter(small).map(load);
  const sipMessages = filesUnder(join(corpusDir, 'torture'), () => true).map(load);
  // A few messages of every capture, cut out by the capture engine itself, so the parser sees real traffic too.
  for (const c of captures) {
    const messages = readCapture([c.bytes]).messages;
    const step = Math.max(1, Math.floor(messages.length / 4));
    for (let i = 0; i < messages.length; i += step) sipMessages.push({ name: `${c.name}#${i}`, bytes: messages[i].raw.slice() });
  }
  cached = { captures, texts, sipMessages };
  return cached;
}
