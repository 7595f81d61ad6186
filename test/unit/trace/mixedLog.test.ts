// A log with other lines between SIP messages (the normal case): the messages are found, the other lines skipped,
// and the line ranges still point into the mixed text.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { readTextTrace } from '../../../src/core/trace/readTextTrace';
import { label, readFixture, tsharkRows } from './fixtures';

it('raw SIP messages interleaved with application log lines', () => {
  const chunks = readFixture('raw-crlf.sip').split('-----\r\n').filter(Boolean);
  const noise = ['2026-11-25 12:00:00.000 INFO  call-router: routing request to 127.0.2.2', 'DEBUG queue depth=3 (no SIP here: Via and Call-ID are words)', ''];
  let text = '';
  const startLines: number[] = [];
  for (const c of chunks) {
    text += noise.join('\n') + '\n';
    startLines.push(text.split(/\r\n|\n/).length);
    text += c + '\n';
  }
  const r = readTextTrace(text);
  if ('error' in r) assert.fail(r.error.message);
  assert.equal(r.dialect, 'raw');
  assert.deepEqual(r.messages.map(label), tsharkRows('sipp-udp.tshark-fields.tsv').map((x) => x.label));
  assert.deepEqual(r.messages.map((m) => ('line' in m.source ? m.source.line : 0)), startLines);
});
