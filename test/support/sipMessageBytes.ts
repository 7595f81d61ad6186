// Every SIP message the full pipeline finds in the repo's captures and the public corpus's, plus the corpus's
// RFC 4475 / torture messages and the fuzz regressions: the inputs the fast scanners are compared on.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readCapture } from '../../src/core/capture/readCapture';
import { corpusCaptures, corpusDir, filesUnder, repoCaptures, repoRoot } from './paths';

export function* chunks(bytes: Uint8Array, size: number): Generator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

export const captures = [...repoCaptures(), ...corpusCaptures()];

export function allMessageBytes(): { where: string; bytes: Uint8Array }[] {
  const out: { where: string; bytes: Uint8Array }[] = [];
  for (const path of captures) {
    const full = readCapture(chunks(new Uint8Array(readFileSync(path)), 1 << 20));
    for (const m of full.messages) out.push({ where: `${path} #${m.index}`, bytes: m.raw });
  }
  for (const path of filesUnder(join(corpusDir, 'torture'), () => true)) out.push({ where: path, bytes: new Uint8Array(readFileSync(path)) });
  for (const path of filesUnder(join(repoRoot, 'test/fuzz/regressions'), () => true)) out.push({ where: path, bytes: new Uint8Array(readFileSync(path)) });
  return out;
}
