// Whatever reassembly held back, the message list follows frame order and indexes are positions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { readCapture } from '../../../src/core/capture/readCapture';
import { corpusCaptures, repoCaptures } from '../../support/paths';

for (const file of [...corpusCaptures(), ...repoCaptures()]) {
  test(`messages of ${basename(file)} are in frame order with index = position`, () => {
    const { messages, findings } = readCapture([new Uint8Array(readFileSync(file))]);
    messages.forEach((m, i) => {
      assert.equal(m.index, i);
      if (i > 0) assert.ok((messages[i - 1].source as { frame: number }).frame <= (m.source as { frame: number }).frame, `message ${i} after a later frame`);
      if (m.duplicateOf !== undefined) assert.ok(m.duplicateOf < i && messages[m.duplicateOf].callId === m.callId, `duplicateOf of ${i}`);
    });
    for (const f of findings) if (f.messageIndex !== undefined) assert.ok(f.messageIndex >= 0 && f.messageIndex < messages.length);
  });
}

test('the first-fragment-only INVITE comes first, as its frame does', () => {
  const file = corpusCaptures().find((f) => f.endsWith('pkts__fragmented_udp_sip.pcap'));
  assert.ok(file);
  const { messages, findings } = readCapture([new Uint8Array(readFileSync(file))]);
  assert.equal(messages[0].method, 'INVITE');
  assert.equal((messages[0].source as { frame: number }).frame, 1);
  assert.ok(findings.some((f) => f.code === 'capture.message-truncated' && f.messageIndex === 0));
});
