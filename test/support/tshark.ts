// tshark is the reference dissector; tests compare our output with its field output.
import { execFileSync } from 'node:child_process';

let tsharkPresent: boolean | undefined;

/** The oracle is required: a missing tshark fails the oracle tests (scripts/install-test-tools.sh installs it). */
export function hasTshark(): boolean {
  if (tsharkPresent === undefined) {
    try { execFileSync('tshark', ['--version'], { stdio: 'ignore' }); tsharkPresent = true; } catch { tsharkPresent = false; }
  }
  if (!tsharkPresent) throw new Error('tshark is not installed: run scripts/install-test-tools.sh (Debian package tshark)');
  return true;
}

/** Runs `tshark -r file [-Y filter] -T fields -e f1 -e f2 …` and returns one string[] per output line. */
export function tsharkFields(file: string, fields: string[], options: { filter?: string; extra?: string[] } = {}): string[][] {
  const args = ['-r', file, '-n', ...(options.extra ?? [])];
  if (options.filter) args.push('-Y', options.filter);
  args.push('-T', 'fields', '-E', 'separator=/t', '-E', 'occurrence=a', '-E', 'aggregator=\u0001');
  for (const f of fields) args.push('-e', f);
  const out = execFileSync('tshark', args, { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024, stdio: ['ignore', 'pipe', 'ignore'] });
  return out.split('\n').filter((l) => l.length > 0).map((l) => l.split('\t'));
}
