import test from 'node:test';
import assert from 'node:assert/strict';
import { terminalProgress } from '../../../src/cli/progress';

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
