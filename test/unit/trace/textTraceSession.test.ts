// The streaming text session against readTextTrace on the whole text: every text fixture (and the seed), fed in
// tiny and ordinary chunks and read in tiny windows, must give the very same messages and findings.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { detectTextDialect, readTextTrace } from '../../../src/core/trace/readTextTrace';
import { createTextTraceSession, readTextTraceChunks, type TextTraceSessionOptions } from '../../../src/core/trace/textTraceSession';
import type { SipMessage } from '../../../src/core/model/sipMessage';
import { fixtureDir, repoRoot } from './fixtures';

const seedDir = path.resolve(repoRoot, '../shared/seed');
const textFiles = [
  ...readdirSync(fixtureDir).filter((f) => /\.(txt|log|sip)$/.test(f)).sort().map((f) => path.join(fixtureDir, f)),
  ...readdirSync(seedDir).filter((f) => f.endsWith('.txt')).sort().map((f) => path.join(seedDir, f)),
];

function* chunksOf(bytes: Uint8Array, size: number): Generator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, Math.min(bytes.length, i + size));
}

const windows: { label: string; options: TextTraceSessionOptions }[] = [
  { label: 'default window', options: {} },
  { label: 'tiny window (8 lines)', options: { windowLines: 8, windowChars: 64, maxWindowChars: 1 << 20 } },
  { label: 'small window (40 lines)', options: { windowLines: 40, windowChars: 2048, maxWindowChars: 1 << 20 } },
];

it('finds the text fixtures and the seed', () => {
  assert.ok(textFiles.length >= 20, `only ${textFiles.length} text fixtures found`);
});

for (const file of textFiles) {
  const name = path.basename(file);
  const bytes = new Uint8Array(readFileSync(file));
  const whole = readTextTrace(Buffer.from(bytes).toString('utf8'), { fileName: name });
  for (const size of [1, 7, 4096]) {
    for (const w of windows) {
      if (size === 1 && w.label === 'default window' && bytes.length > 30_000) continue; // 1-byte chunks: the tiny windows cover it
      it(`${name}: ${size}-byte chunks, ${w.label} equal readTextTrace on the whole text`, () => {
        const streamed = readTextTraceChunks(chunksOf(bytes, size), { ...w.options, fileName: name });
        if ('error' in whole) {
          assert.ok('error' in streamed);
          assert.deepStrictEqual(streamed.error, whole.error);
          return;
        }
        if ('error' in streamed) assert.fail(streamed.error.message);
        assert.equal(streamed.dialect, whole.dialect);
        assert.equal(streamed.messages.length, whole.messages.length);
        for (let i = 0; i < whole.messages.length; i++) {
          const a: SipMessage = streamed.messages[i];
          const b: SipMessage = whole.messages[i];
          assert.equal(a.index, i);
          assert.deepStrictEqual(a.source, b.source, `message ${i} source lines`);
          assert.deepStrictEqual(a.raw, b.raw, `message ${i} bytes`);
          assert.equal(a.callId, b.callId);
          assert.deepStrictEqual(a, b, `message ${i}`);
        }
        assert.deepStrictEqual(streamed.findings, whole.findings);
        if (w.label !== 'default window') {
          // The small windows really cut the file: it is read in many windows, not at once.
          const session = createTextTraceSession({ ...w.options, fileName: name });
          for (const c of chunksOf(bytes, size)) session.push(c);
          session.end();
          assert.ok(session.windowsRead >= 3, `read in ${session.windowsRead} windows`);
        }
      });
    }
  }
}

it('a non-SIP text is still the whole-file error, with the whole line range', () => {
  const text = readFileSync(path.join(repoRoot, 'README.md'));
  const whole = readTextTrace(text.toString('utf8'), { fileName: 'README.md' });
  const streamed = readTextTraceChunks(chunksOf(new Uint8Array(text), 97), { fileName: 'README.md', windowLines: 8, windowChars: 64 });
  assert.ok('error' in whole && 'error' in streamed);
  assert.deepStrictEqual(streamed.error, whole.error);
});

it('a multibyte character and a CR LF split across chunks decode as in the whole text', () => {
  const text = 'INVITE sip:b@example.com SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK1\r\nFrom: "Jürgen 日本" <sip:a@example.com>;tag=1\r\nTo: <sip:b@example.com>\r\nCall-ID: é1@x\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n';
  const bytes = new Uint8Array(Buffer.from(text, 'utf8'));
  const whole = readTextTrace(text);
  for (const size of [1, 2, 3, 5]) {
    const streamed = readTextTraceChunks(chunksOf(bytes, size), { windowLines: 8, windowChars: 64 });
    assert.deepStrictEqual(streamed, whole);
  }
});

/**
 * sipp-ue1.log repeated `copies` times, each copy's Call-IDs made unique (the part before "@" becomes the copy number
 * at the same width, so SIPp's byte counts stay true): the log grows but stays real SIPp text.
 */
function bigSippLog(copies: number): { bytes: Uint8Array; text: string } {
  const one = readFileSync(path.join(fixtureDir, 'sipp-ue1.log'), 'utf8');
  const parts: string[] = [];
  for (let c = 0; c < copies; c++) parts.push(one.replace(/(Call-ID: *)([^@\r\n]+)@/gi, (_, name: string, id: string) => `${name}${String(c).padStart(id.length, '0')}@`));
  const text = parts.join('');
  return { bytes: new Uint8Array(Buffer.from(text, 'utf8')), text };
}

it('a large generated SIPp log keeps the retained text bounded by the window, not by the file', () => {
  const { bytes, text } = bigSippLog(400); // ~2 MB, ~67k lines
  const windowChars = 64 << 10;
  const chunk = 16 << 10;
  const session = createTextTraceSession({ windowLines: 1024, windowChars, fileName: 'big.log' });
  const messages: SipMessage[] = [];
  let pushesWithMessages = 0;
  for (const c of chunksOf(bytes, chunk)) {
    const out = session.push(c);
    messages.push(...out);
    if (out.length > 0) pushesWithMessages++;
  }
  const last = session.end();
  messages.push(...last);
  assert.equal(session.error, null);
  // Messages come out while the file is still being fed (after the detection lines), not all at the end.
  assert.ok(pushesWithMessages > 10 && last.length < messages.length / 4, `messages came out on ${pushesWithMessages} pushes only`);
  // The detection window (the first 50 000 lines, as readTextTrace) is the largest; after it, windows of 64 kB.
  const detectChars = text.split('\n').slice(0, 50_000).join('\n').length;
  assert.ok(session.peakRetainedChars <= detectChars + chunk, `peak ${session.peakRetainedChars} chars`);
  assert.ok(session.peakRetainedChars < text.length * 0.9);
  const whole = readTextTrace(text, { fileName: 'big.log' });
  if ('error' in whole) assert.fail(whole.error.message);
  assert.equal(messages.length, whole.messages.length);
  assert.deepStrictEqual(messages.map((m) => [m.index, m.callId, m.source]), whole.messages.map((m) => [m.index, m.callId, m.source]));
  assert.deepStrictEqual(session.findings, whole.findings);
  assert.equal(whole.findings.length, 0, 'the generated log is clean SIPp text');
  assert.equal(new Set(messages.map((m) => m.callId)).size, new Set(whole.messages.map((m) => m.callId)).size);
});

it('past the detection window the retained text stays near the window size', () => {
  const { bytes } = bigSippLog(1200); // ~6 MB, ~200k lines: most of it read after detection
  const windowChars = 64 << 10;
  const chunk = 16 << 10;
  const session = createTextTraceSession({ windowLines: 1024, windowChars });
  let count = 0;
  let peakAfterDetection = 0;
  for (const c of chunksOf(bytes, chunk)) {
    count += session.push(c).length;
    if (count > 0) peakAfterDetection = Math.max(peakAfterDetection, session.retainedChars);
  }
  count += session.end().length;
  assert.equal(session.error, null);
  const oneCopy = readTextTrace(readFileSync(path.join(fixtureDir, 'sipp-ue1.log'), 'utf8'));
  if ('error' in oneCopy) assert.fail(oneCopy.error.message);
  assert.equal(count, 1200 * oneCopy.messages.length);
  // Window (64 kB) + one chunk + the tail carried over: far below the 6 MB file.
  assert.ok(peakAfterDetection <= windowChars * 2 + chunk, `retained ${peakAfterDetection} chars`);
});

it('a message longer than the largest window is read with a positioned finding, not dropped', () => {
  const body = 'a=x-' + 'y'.repeat(200) + '\r\n';
  const sdp = body.repeat(400); // ~80 kB body
  const msg = `INVITE sip:b@example.com SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK1\r\nFrom: <sip:a@example.com>;tag=1\r\nTo: <sip:b@example.com>\r\nCall-ID: big@x\r\nCSeq: 1 INVITE\r\nContent-Type: application/sdp\r\nContent-Length: ${sdp.length}\r\n\r\n${sdp}`;
  const text = msg + '\r\n' + msg.replace('big@x', 'big2@x');
  const bytes = new Uint8Array(Buffer.from(text, 'utf8'));
  const streamed = readTextTraceChunks(chunksOf(bytes, 4096), { windowLines: 16, windowChars: 1024, maxWindowChars: 32 << 10 });
  if ('error' in streamed) assert.fail(streamed.error.message);
  const cut = streamed.findings.filter((f) => f.code === 'trace.window-limit');
  assert.ok(cut.length > 0);
  assert.ok(cut.every((f) => f.source && 'line' in f.source && f.source.line > 1));
  // Within the maximum, the same message grows the window and is read whole.
  const grown = readTextTraceChunks(chunksOf(bytes, 4096), { windowLines: 16, windowChars: 1024, maxWindowChars: 1 << 20 });
  assert.deepStrictEqual(grown, readTextTrace(text));
});

it('long stretches of other log lines between messages are skipped window by window, still equal to the whole read', () => {
  const noise = Array.from({ length: 20_000 }, (_, i) => `2026-11-25 12:00:00.000 [DEBUG] worker ${i}: nothing SIP here\n`).join('');
  for (const file of ['sipp-ue1.log', 'raw-lf.txt', 'pjsua.txt']) {
    const one = readFileSync(path.join(fixtureDir, file), 'utf8');
    const text = one + noise + one + noise;
    const bytes = new Uint8Array(Buffer.from(text, 'utf8'));
    // The dialect is given, so no detection buffers the first 50 000 lines: only the windows hold text.
    const dialect = detectTextDialect(text) ?? assert.fail('not detected');
    const whole = readTextTrace(text, { dialect });
    if ('error' in whole) assert.fail(whole.error.message);
    const session = createTextTraceSession({ dialect, windowLines: 8, windowChars: 64 });
    const messages: SipMessage[] = [];
    for (const c of chunksOf(bytes, 4096)) messages.push(...session.push(c));
    messages.push(...session.end());
    assert.deepStrictEqual(messages, whole.messages, file);
    assert.deepStrictEqual(session.findings, whole.findings, file);
    // The noise is not held at once: a window grows to at most twice the 4096-line floor for skipping, then moves on.
    assert.ok(session.peakRetainedChars < text.length / 3, `${file}: peak ${session.peakRetainedChars} of ${text.length}`);
  }
});

it('a line longer than the largest window is cut with a positioned finding; the messages around it keep their lines', () => {
  const one = readFileSync(path.join(fixtureDir, 'sipp-ue1.log'), 'utf8');
  const oneLines = one.split(/\r\n|\n|\r/).length - 1;
  const text = one + 'x'.repeat(3 << 20) + '\n' + one;
  const bytes = new Uint8Array(Buffer.from(text, 'utf8'));
  const whole = readTextTrace(text);
  if ('error' in whole) assert.fail(whole.error.message);
  const session = createTextTraceSession({ dialect: 'sipp-trace', windowLines: 64, windowChars: 4096, maxWindowChars: 1 << 20 });
  const messages: SipMessage[] = [];
  for (const c of chunksOf(bytes, 64 << 10)) messages.push(...session.push(c));
  messages.push(...session.end());
  assert.deepStrictEqual(messages, whole.messages);
  const long = session.findings.filter((f) => f.code === 'trace.line-too-long');
  assert.equal(long.length, 1);
  assert.deepStrictEqual(long[0].source, { line: oneLines + 1, endLine: oneLines + 1 });
  assert.ok(session.peakRetainedChars < 2 * (1 << 20) + (64 << 10), `peak ${session.peakRetainedChars}`);
});
