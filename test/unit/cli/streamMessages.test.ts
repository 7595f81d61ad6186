// The streamed `messages` output against the whole-trace output (loadTraceFile + messagesDocument/messagesTable)
// on real captures: same document, same order, same table; small windows force the reorder and batch paths.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { corpusCaptures, corpusDir, repoRoot } from '../../support/paths';
import { loadTraceFile } from '../../../src/cli/loadTrace';
import { messagesDocument, messagesTable } from '../../../src/cli/commands/messages';
import { streamCaptureFile, streamCaptureMessages, type StreamMessagesOptions } from '../../../src/cli/streamMessages';

const named = [
  join(repoRoot, 'test/captures/replication-udp.pcap'),
  join(repoRoot, 'test/captures/replication-tcp.pcap'),
  join(repoRoot, 'test/captures/replication-ipv6.pcap'),
  join(repoRoot, 'test/captures/replication-kamailio.pcap'),
  join(repoRoot, 'test/fixtures/pcap/ip-fragments.pcap'),
  join(corpusDir, 'pcap/cn-trace-analyzer__SIP_MT_offnet.pcap'),
  join(repoRoot, 'examples/session-replication-push.pcap'),
];
const captures = [...new Set([...named, ...corpusCaptures()])];

function chunksOf(path: string, size: number): Uint8Array[] {
  const bytes = new Uint8Array(readFileSync(path));
  const out: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.slice(i, i + size));
  return out;
}

function streamed(path: string, opts: StreamMessagesOptions, chunkSize = 4096): { text: string; writes: number } {
  let text = '';
  let writes = 0;
  streamCaptureMessages(path, chunksOf(path, chunkSize), (s) => { text += s; writes++; }, opts);
  return { text, writes };
}

const whole = (path: string) => loadTraceFile(path, { onProgress: () => {} });

test('streamed JSON equals the whole-trace document on every capture (several reorder windows)', async () => {
  let compared = 0;
  for (const path of captures) {
    const expected = messagesDocument(await whole(path));
    for (const reorderWindow of [4096, 64]) {
      const doc = JSON.parse(streamed(path, { format: 'json', reorderWindow }).text);
      assert.deepEqual(doc, expected, `${path} (window ${reorderWindow})`);
      compared++;
    }
  }
  assert.ok(compared >= 2 * named.length);
});

test('the named captures include the cases that matter: TCP, IP fragments, duplicates, reordered reassembly', async () => {
  const docs = await Promise.all(named.map(async (p) => messagesDocument(await whole(p))));
  assert.ok(docs.some((d) => d.messages.some((m) => m.transport === 'TCP')));
  assert.ok(docs.some((d) => d.messages.some((m) => m.duplicateOf !== undefined)));
  assert.ok(docs.every((d) => d.messages.length > 0));
});

test('streamed JSON is laid out as JSON.stringify(…, null, 2), trace last', async () => {
  const path = named[0];
  const expected = messagesDocument(await whole(path));
  const { trace, ...rest } = expected;
  assert.equal(streamed(path, { format: 'json' }).text, JSON.stringify({ ...rest, trace }, null, 2) + '\n');
});

test('a window of one message: nothing dropped, every late message has a finding, the rest in frame order', async () => {
  let lateSeen = 0;
  for (const path of captures) {
    const expected = JSON.parse(JSON.stringify(messagesDocument(await whole(path))));
    const doc = JSON.parse(streamed(path, { format: 'json', reorderWindow: 1 }).text);
    assert.equal(doc.messages.length, expected.messages.length, path);
    const frames = (d: { messages: { source: { frame: number } }[] }) => d.messages.map((m) => m.source.frame);
    assert.deepEqual([...frames(doc)].sort((a, b) => a - b), frames(expected), path);
    const late = doc.findings.filter((f: { code: string }) => f.code === 'cli.message-out-of-order');
    lateSeen += late.length;
    // Each late message is listed before a smaller-or-equal frame that came before it; the others are sorted.
    const lateIndexes = new Set(late.map((f: { message_index: number }) => f.message_index));
    const inOrder = doc.messages.filter((m: { index: number }) => !lateIndexes.has(m.index)).map((m: { source: { frame: number } }) => m.source.frame);
    for (let i = 1; i < inOrder.length; i++) assert.ok(inOrder[i - 1] <= inOrder[i], path);
    if (late.length === 0) assert.deepEqual(doc, expected, path);
  }
  assert.ok(lateSeen > 0, 'some capture reassembles a message late (IP fragments or a TCP gap)');
});

test('streamed text equals the whole-trace table when the trace fits one batch', async () => {
  for (const path of captures) {
    assert.equal(streamed(path, { format: 'text', reorderWindow: 8 }).text, messagesTable(await whole(path)), path);
  }
});

test('streamed text beyond one batch: same rows, counts on the last line, columns widened when needed', async () => {
  for (const path of named) {
    const expectedLines = messagesTable(await whole(path)).split('\n');
    const lines = streamed(path, { format: 'text', textBatch: 2 }).text.split('\n');
    assert.match(lines[0], / streaming \(counts at the end\)$/);
    assert.equal(lines.at(-1), '');
    assert.equal(lines.at(-2), expectedLines[0], path);
    const squeeze = (l: string) => l.replace(/ +/g, ' ');
    assert.deepEqual(lines.slice(1, -3).map(squeeze), expectedLines.slice(1, -1).map(squeeze), path);
    for (const line of lines.slice(2, -3)) if (line && !line.startsWith('findings:') && !line.startsWith('  ')) assert.ok(line.split(/ {2,}/).length >= 7, `${path}: ${line}`);
  }
});

test('output is written in pieces, and a file that is not a capture is left to the whole-trace path', () => {
  const big = join(corpusDir, 'pcap/cn-trace-analyzer__SIP_MT_offnet.pcap');
  assert.ok(streamed(big, { format: 'json' }, 512).writes >= 1);
  let written = '';
  assert.equal(streamCaptureFile(join(repoRoot, 'README.md'), (s) => { written += s; }, { format: 'json' }), false);
  assert.equal(streamCaptureFile(join(repoRoot, 'no/such/file.pcap'), (s) => { written += s; }, { format: 'json' }), false);
  assert.equal(written, '');
  assert.equal(streamCaptureFile(named[0], (s) => { written += s; }, { format: 'json' }), true);
  assert.ok(JSON.parse(written).messages.length > 0);
});

// Big text logs take the same streaming pass through the windowed text session; forced here on the small fixtures
// (streamTextAbove 0) so every dialect's output is compared with the whole-trace path.
test('streamed text logs give the whole-trace document and table; a log with no SIP fails the same way', async () => {
  const { filesUnder } = await import('../../support/paths');
  const { streamTextMessages } = await import('../../../src/cli/streamMessages');
  const logs = filesUnder(join(repoRoot, 'test/fixtures/traces'), (n) => /\.(txt|log|sip|siptrace)$/.test(n));
  let compared = 0;
  for (const path of logs) {
    let expected;
    try {
      expected = await whole(path);
    } catch {
      continue; // not a trace of its own (e.g. a fixture's notes); the error case is checked below
    }
    let json = '';
    streamTextMessages(path, chunksOf(path, 4096), (s) => { json += s; }, { format: 'json' });
    assert.deepEqual(JSON.parse(json), messagesDocument(expected), path);
    let table = '';
    streamTextMessages(path, chunksOf(path, 4096), (s) => { table += s; }, { format: 'text' });
    if (expected.messages.length <= 1000) assert.equal(table, messagesTable(expected), path);
    compared++;
  }
  assert.ok(compared >= 15, `${compared} logs compared`);
  const readme = join(repoRoot, 'README.md');
  let message = '';
  try {
    await whole(readme);
  } catch (e) {
    message = (e as Error).message;
  }
  assert.ok(message.length > 0, 'the README is not a trace');
  let written = '';
  assert.throws(() => streamTextMessages(readme, chunksOf(readme, 4096), (s) => { written += s; }, { format: 'json' }), (e: Error) => e.message === message);
  assert.equal(written, '', 'nothing is written before the error');
  // The file-level entry streams text only above the threshold: a small log is left to the whole-trace path.
  assert.equal(streamCaptureFile(logs[0], () => {}, { format: 'json' }), false);
});
