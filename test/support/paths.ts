// Paths shared by tests: the repo root and the public corpus beside it (../shared, read in place, never copied).
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const repoRoot = resolve(__dirname, '../..');
export const corpusDir = resolve(repoRoot, '../shared/corpus/public');

/** Every capture of the public corpus (sorted), or [] when ../shared is absent. */
export function corpusCaptures(): string[] {
  const dir = join(corpusDir, 'pcap');
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => /\.(pcap|pcapng|cap)$/.test(f)).sort().map((f) => join(dir, f));
}

/** Files below `dir` (recursively, sorted) whose name `accept`s, or [] when `dir` is absent. */
export function filesUnder(dir: string, accept: (name: string) => boolean): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    if (!existsSync(d)) return;
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (accept(e.name)) out.push(p);
    }
  };
  walk(dir);
  return out.sort();
}

/** Captures committed in this repo under test/ (made by our scripts with SIPp, kamailio, tcpdump). */
export function repoCaptures(): string[] {
  return filesUnder(join(repoRoot, 'test'), (name) => /\.(pcap|pcapng|cap)$/.test(name));
}
