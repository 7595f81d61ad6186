// The trace worker the extension host parses and renders in (src/extension/traceWorker.ts, bundled by esbuild
// exactly as esbuild.mjs bundles it), driven through the same client the extension uses. No VS Code needed.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { CancelledError, TraceWorkerClient } from '../../../src/extension/traceWorkerClient';
import { repoRoot } from '../../support/paths';
import { hasTshark, tsharkFields } from '../../support/tshark';

const capture = join(repoRoot, 'test/captures/replication-udp.pcap');
const textTrace = join(repoRoot, 'test/fixtures/traces/sipp-ue1.log');
let dir: string;
let workerPath: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'siptrail-worker-'));
  workerPath = join(dir, 'traceWorker.js');
  await esbuild.build({
    entryPoints: [join(repoRoot, 'src/extension/traceWorker.ts')], outfile: workerPath,
    bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'silent',
  });
});

after(() => rmSync(dir, { recursive: true, force: true }));

const options = { page: 0, pageSize: 300, filter: {}, names: {}, showTimeOffsets: true };

test('a capture is parsed and drawn in a worker thread; details give the exact message text', async () => {
  hasTshark();
  const logged: string[] = [];
  const client = new TraceWorkerClient(workerPath, (l) => logged.push(l));
  try {
    assert.equal(client.threaded, true);
    const fractions: number[] = [];
    const opened = await client.request(
      { op: 'openCapture', traceId: 't', fileName: 'replication-udp.pcap', bytes: new Uint8Array(readFileSync(capture)) },
      { onProgress: (f) => fractions.push(f) },
    );
    const frames = tsharkFields(capture, ['frame.number', 'sip.Call-ID'], { filter: 'sip' });
    assert.equal(opened.info.messageCount, frames.length);
    assert.equal(opened.info.format, 'pcap');
    assert.equal(fractions.at(-1), 1);
    const diagram = await client.request({ op: 'render', traceId: 't', options });
    assert.equal(diagram.arrows.length, frames.length);
    assert.match(diagram.text, /^sequenceDiagram\n/);
    const details = await client.request({ op: 'details', traceId: 't', messageIndex: 0 });
    assert.ok(details);
    assert.equal(details.location, `frame ${frames[0][0]}`);
    assert.equal(details.lines, null);
    assert.match(details.text, new RegExp(`^Call-ID: ${frames[0][1].replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\r?$`, 'm'));
    assert.equal(details.encoding, 'utf-8');
    assert.equal(await client.request({ op: 'details', traceId: 't', messageIndex: 9999 }), null);
    assert.deepEqual(logged, []);
  } finally {
    client.dispose();
  }
});

test('a text trace opens in the worker; details carry its source lines', async () => {
  const client = new TraceWorkerClient(workerPath, () => undefined);
  try {
    const text = readFileSync(textTrace, 'utf8');
    const opened = await client.request({ op: 'openText', traceId: 't', fileName: 'sipp-ue1.log', text });
    // The log's own structure: a "UDP message sent/received" line, a blank line, then the start line.
    const lines = text.split('\n');
    const starts = lines.flatMap((l, i) => (/^(UDP|TCP) message (sent|received)/.test(l) ? [i + 3] : []));
    assert.equal(opened.info.messageCount, starts.length);
    const details = await client.request({ op: 'details', traceId: 't', messageIndex: 1 });
    assert.equal(details?.lines?.first, starts[1]);
    assert.equal(details?.text.split(/\r?\n/)[0], lines[starts[1] - 1].trim());
  } finally {
    client.dispose();
  }
});

test('cancelling stops the worker: the pending request rejects with CancelledError, the next one starts afresh', async () => {
  const client = new TraceWorkerClient(workerPath, () => undefined);
  try {
    // Many copies of a real capture's records: long enough to be cancelled mid-way.
    const one = new Uint8Array(readFileSync(capture));
    const records = one.subarray(24);
    const big = new Uint8Array(24 + records.length * 4000);
    big.set(one.subarray(0, 24));
    for (let i = 0; i < 4000; i++) big.set(records, 24 + i * records.length);
    const abort = new AbortController();
    const pending = client.request({ op: 'openCapture', traceId: 'big', fileName: 'big.pcap', bytes: big }, { signal: abort.signal });
    setTimeout(() => abort.abort(), 50);
    await assert.rejects(pending, CancelledError);
    const again = await client.request({ op: 'openCapture', traceId: 't', fileName: 'x.pcap', bytes: one });
    assert.ok(again.info.messageCount > 0);
  } finally {
    client.dispose();
  }
});

test('without the worker bundle the same requests run on the calling thread', async () => {
  const logged: string[] = [];
  const client = new TraceWorkerClient(join(dir, 'missing.js'), (l) => logged.push(l));
  try {
    assert.equal(client.threaded, false);
    const opened = await client.request({ op: 'openCapture', traceId: 't', fileName: 'x.pcap', bytes: new Uint8Array(readFileSync(capture)) });
    const diagram = await client.request({ op: 'render', traceId: 't', options: { ...options, pageSize: 5, page: 1 } });
    assert.equal(diagram.page, 1);
    assert.equal(diagram.arrows.length, Math.min(5, opened.info.messageCount - 5));
    assert.match(logged.join('\n'), /missing\.js is missing/);
  } finally {
    client.dispose();
  }
});
