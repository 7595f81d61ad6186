// One SIPp call, captured as pcap and logged as text by several tools: every text reader gives the message
// sequence tshark lists for the capture (one parameterised test).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readTextTrace, type TextDialect } from '../../../src/core/trace/readTextTrace';
import { label, readFixture, tsharkRows } from './fixtures';

const reference = tsharkRows('sipp-udp.tshark-fields.tsv');

const READERS: { file: string; dialect: TextDialect }[] = [
  { file: 'sipp-ue1.log', dialect: 'sipp-trace' },
  { file: 'ngrep-live.txt', dialect: 'ngrep' },
  { file: 'ngrep-file.txt', dialect: 'ngrep' },
  { file: 'tshark-V.txt', dialect: 'tshark-verbose' },
  { file: 'tshark-O-sip.txt', dialect: 'tshark-verbose' },
  { file: 'tshark-x.txt', dialect: 'tshark-hex' },
  { file: 'follow-udp.txt', dialect: 'follow-stream' },
  { file: 'sngrep-export.txt', dialect: 'sngrep' },
];

describe('the same SIPp call through every text reader', () => {
  for (const { file, dialect } of READERS) {
    it(`${file} (${dialect}) gives tshark's message sequence of sipp-udp.pcap`, () => {
      const r = readTextTrace(readFixture(file), { dialect });
      if ('error' in r) assert.fail(r.error.message);
      assert.deepEqual(
        r.messages.map((m) => [label(m), m.callId, m.cseq?.seq]),
        reference.map((x) => [x.label, x.callId, x.cseq]),
      );
    });
  }

  it('the readers agree with each other on the message bytes where the tool kept them', () => {
    const bytesOf = (file: string) => {
      const r = readTextTrace(readFixture(file));
      if ('error' in r) assert.fail(r.error.message);
      return r.messages.map((m) => Buffer.from(m.raw).toString('hex'));
    };
    const sipp = bytesOf('sipp-ue1.log');
    for (const file of ['ngrep-live.txt', 'tshark-x.txt', 'follow-udp.txt', 'sngrep-export.txt']) assert.deepEqual(bytesOf(file), sipp, file);
  });
});
