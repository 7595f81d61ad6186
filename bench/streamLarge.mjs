// Streaming pass over the ≥2 GB capture (bench/makeLargeCapture.mjs): the file is read in 1 MiB chunks through
// core's capture session and each chunk's messages are counted and dropped, so peak RSS shows what the reading
// pipeline itself holds. Run: node --import tsx bench/streamLarge.mjs [file]  (under /usr/bin/time -v for RSS).
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCaptureSession } from '../src/core/capture/readCapture.ts';

const path = process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), 'work', 'large.pcap');
const size = statSync(path).size;
const fd = openSync(path, 'r');
const session = createCaptureSession();
let messages = 0;
let peakRss = 0;
const started = Date.now();
for (let position = 0; ;) {
  // A fresh chunk each time: the reader may keep a view of the previous one for a record that spans both.
  const chunk = new Uint8Array(1 << 20);
  const n = readSync(fd, chunk, 0, chunk.length, position);
  if (n === 0) break;
  position += n;
  messages += session.push(n === chunk.length ? chunk : chunk.subarray(0, n)).length;
  if ((position & ((64 << 20) - 1)) < n) {
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
    process.stderr.write(`\n${(position / 1e9).toFixed(2)} of ${(size / 1e9).toFixed(2)} GB, ${messages} messages, RSS ${(process.memoryUsage.rss() / 1048576).toFixed(0)} MiB`);
  }
}
messages += session.end().length;
closeSync(fd);
process.stderr.write('\n');
console.log(`${path}: ${size} bytes, ${session.packets} packets, ${messages} SIP messages, ${session.findings.length} findings, ${((Date.now() - started) / 1000).toFixed(1)} s, sampled peak RSS ${(peakRss / 1048576).toFixed(0)} MiB`);
