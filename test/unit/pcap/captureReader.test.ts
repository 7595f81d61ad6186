import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { createCaptureReader } from '../../../src/core/pcap/captureReader';
import type { CaptureRecord } from '../../../src/core/model/packet';
import { corpusCaptures, repoCaptures } from '../../support/paths';
import { hasTshark, tsharkFields } from '../../support/tshark';

function readInChunks(bytes: Uint8Array, chunkSize: number) {
  const reader = createCaptureReader();
  const records: CaptureRecord[] = [];
  for (let i = 0; i < bytes.length; i += chunkSize) records.push(...reader.push(bytes.subarray(i, i + chunkSize)));
  records.push(...reader.end());
  return { reader, records };
}

const captures = [...corpusCaptures(), ...repoCaptures()];

test('there are captures to read', () => {
  assert.ok(captures.length > 10, `expected the public corpus beside the repo, found ${captures.length} captures`);
});

for (const file of captures) {
  test(`records of ${basename(file)} match tshark's frames (count, time, length), whatever the chunk size`, () => {
    hasTshark();
    const bytes = new Uint8Array(readFileSync(file));
    const oracle = tsharkFields(file, ['frame.number', 'frame.time_epoch', 'frame.cap_len', 'frame.len']);
    const whole = readInChunks(bytes, bytes.length);
    const small = readInChunks(bytes, 7);
    assert.equal(whole.records.length, oracle.length, 'frame count');
    assert.equal(small.records.length, oracle.length, 'frame count with 7-byte chunks');
    for (let i = 0; i < oracle.length; i++) {
      const [num, epoch, capLen, len] = oracle[i];
      const r = whole.records[i];
      const s = small.records[i];
      assert.equal(r.frame, Number(num));
      assert.equal(r.data.length, Number(capLen), `frame ${num} captured length`);
      assert.equal(r.origLen, Number(len), `frame ${num} original length`);
      assert.deepEqual(s.data, r.data, `frame ${num} bytes independent of chunking`);
      if (r.time !== null) assert.ok(Math.abs(r.time - Number(epoch)) < 1e-5, `frame ${num} time ${r.time} vs ${epoch}`);
    }
    assert.deepEqual(whole.reader.findings.filter((f) => f.severity === 'error'), []);
  });
}

test('a non-capture file is rejected with a positioned error', () => {
  const reader = createCaptureReader();
  reader.push(new TextEncoder().encode('INVITE sip:bob@example.com SIP/2.0\r\n'));
  reader.end();
  assert.equal(reader.format, null);
  assert.equal(reader.findings[0].code, 'capture.unknown-format');
  assert.deepEqual(reader.findings[0].source, { frame: 0, offset: 0 });
});

test('a capture cut in the middle of a record reports the truncated record', () => {
  const file = corpusCaptures().find((f) => f.endsWith('sngrep__aaa.pcap'));
  if (!file) return;
  const bytes = new Uint8Array(readFileSync(file));
  const { reader, records } = readInChunks(bytes.subarray(0, bytes.length - 10), 4096);
  const truncated = reader.findings.find((f) => f.code === 'pcap.truncated-record');
  assert.ok(truncated, 'finding for the cut record');
  assert.deepEqual(truncated.source, { frame: records.length + 1, offset: (truncated.source as { offset: number }).offset });
});
