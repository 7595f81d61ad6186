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

/** Captures committed in this repo under test/ (made by our scripts with SIPp, kamailio, tcpdump). */
export function repoCaptures(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    if (!existsSync(dir)) return;
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(pcap|pcapng|cap)$/.test(e.name)) out.push(p);
    }
  };
  walk(join(repoRoot, 'test'));
  return out.sort();
}
