// Streams a text trace through the core session and only counts what comes out (no message kept), so the peak
// memory of `/usr/bin/time -v` shows what reading costs apart from holding the messages. Used by
// make-big-text-trace.sh; not part of npm test.
import { closeSync, openSync, readSync } from 'node:fs';
import { createTextTraceSession } from '../../src/core/trace/textTraceSession';

const file = process.argv[2];
const fd = openSync(file, 'r');
const session = createTextTraceSession({ fileName: file });
const chunk = new Uint8Array(1 << 20);
let messages = 0;
let bytes = 0;
const started = Date.now();
for (;;) {
  const n = readSync(fd, chunk, 0, chunk.length, null);
  if (n === 0) break;
  bytes += n;
  messages += session.push(chunk.subarray(0, n)).length;
}
messages += session.end().length;
closeSync(fd);
const seconds = (Date.now() - started) / 1000;
console.log(JSON.stringify({ file, bytes, dialect: session.dialect, messages, findings: session.findings.length, error: session.error?.message ?? null, peakRetainedChars: session.peakRetainedChars, windowsRead: session.windowsRead, seconds }));
