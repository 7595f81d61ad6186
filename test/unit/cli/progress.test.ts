import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { terminalProgress } from '../../../src/cli/progress';
import { repoRoot } from '../../support/paths';

function fakeStream(isTTY: boolean): { stream: NodeJS.WriteStream; written: string[] } {
  const written: string[] = [];
  const stream = { isTTY, columns: 60, write: (s: string) => { written.push(s); return true; } } as unknown as NodeJS.WriteStream;
  return { stream, written };
}

test('no progress at all when stderr is not a terminal (piped, redirected, JSON consumers)', () => {
  assert.equal(terminalProgress('big.pcap', fakeStream(false).stream), null);
});

test('on a terminal, the progress line is redrawn in place, fits the width and is cleared at the end', async () => {
  const { stream, written } = fakeStream(true);
  const progress = terminalProgress('big.pcap', stream);
  assert.ok(progress);
  progress.update(1 << 20, 4 << 20);
  assert.equal(written.length, 0, 'quiet during the first 300 ms');
  await new Promise((r) => setTimeout(r, 350));
  progress.update(2 << 20, 4 << 20);
  assert.equal(written.length, 1);
  assert.match(written[0], /^\rreading big\.pcap: 50% \(2 of 4 MiB\)\x1b\[K$/);
  assert.ok(written[0].length - '\r\x1b[K'.length <= 59);
  progress.done();
  assert.equal(written.at(-1), '\r\x1b[K');
});

test('the CLI\'s own check of stderr: a progress line on a real terminal (script(1) gives a pty), none when piped or sent to /dev/null', () => {
  const probe = join(repoRoot, 'test/support/progressProbe.ts');
  const command = `${JSON.stringify(process.execPath)} --import tsx ${JSON.stringify(probe)}`;
  const onTerminal = spawnSync('script', ['-qec', command, '/dev/null'], { cwd: repoRoot, encoding: 'utf8' });
  assert.equal(onTerminal.status, 0, onTerminal.stderr);
  assert.match(onTerminal.stdout, /\rreading probe\.pcap: 50% \(2 of 4 MiB\)\x1b\[K/);
  assert.match(onTerminal.stdout, /progress\r?\n/);
  const piped = spawnSync(process.execPath, ['--import', 'tsx', probe], { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  assert.equal(piped.stdout, 'none\n');
  assert.equal(piped.stderr, '');
  const devNull = openSync('/dev/null', 'w');
  try {
    const quiet = spawnSync(process.execPath, ['--import', 'tsx', probe], { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', devNull] });
    assert.equal(quiet.stdout, 'none\n');
  } finally {
    closeSync(devNull);
  }
});
