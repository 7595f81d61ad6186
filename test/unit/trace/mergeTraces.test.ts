// Two logs of the same call, one per UE, whose clocks differ: SIPp UE-2 ran under faketime 2.5 s ahead
// (make-fixtures.sh). The skew is estimated from the messages both logs hold, corrected, and reported.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { mergeTraces } from '../../../src/core/trace/mergeTraces';
import { readTextTrace } from '../../../src/core/trace/readTextTrace';
import { label, readFixture } from './fixtures';

function read(file: string) {
  const r = readTextTrace(readFixture(file), { fileName: file });
  if ('error' in r) assert.fail(r.error.message);
  return { name: file, messages: r.messages };
}

it('two UE logs with a clock offset: skew estimated, corrected and reported as trace.clock-skew', () => {
  const ue1 = read('sipp-ue1.log');
  const ue2 = read('sipp-ue2.log');
  // The raw logs disagree by about the faketime offset.
  assert.ok(Math.abs(((ue2.messages[0].time ?? 0) - (ue1.messages[0].time ?? 0)) - 2.5) < 0.05);
  const merged = mergeTraces([ue1, ue2]);
  const skew = merged.findings.filter((f) => f.code === 'trace.clock-skew');
  assert.equal(skew.length, 1);
  assert.equal(skew[0].severity, 'info');
  assert.match(skew[0].message, /sipp-ue2\.log" runs 2\.\d{3} s ahead of "sipp-ue1\.log"/);
  const estimated = Number(/runs (\d+\.\d+) s/.exec(skew[0].message)![1]);
  assert.ok(Math.abs(estimated - 2.5) < 0.05, `estimate ${estimated}`);

  assert.equal(merged.messages.length, ue1.messages.length + ue2.messages.length);
  assert.deepEqual(merged.messages.map((m) => m.index), merged.messages.map((_, i) => i));
  // Every message of UE-2's log is matched to UE-1's copy, and after correction the two copies are close in time.
  const copies = merged.messages.filter((m) => m.duplicateOf !== undefined);
  assert.equal(copies.length, ue2.messages.length);
  for (const c of copies) {
    const first = merged.messages[c.duplicateOf!];
    assert.equal(label(first), label(c));
    assert.equal(first.callId, c.callId);
    assert.ok(Math.abs((c.time ?? 0) - (first.time ?? 0)) < 0.05, 'corrected times agree');
    assert.ok('line' in c.source && 'line' in first.source && c.source.file !== first.source.file, 'copies come from different logs');
  }
  // Time order after correction; the first-seen copies give the call flow in order.
  const times = merged.messages.map((m) => m.time ?? 0);
  assert.deepEqual([...times].sort((a, b) => a - b), times);
  assert.deepEqual(merged.messages.filter((m) => m.duplicateOf === undefined).map(label), ue1.messages.map(label));
});

it('logs of the same clock need no correction; logs with nothing in common are reported', () => {
  // Run 1 (UDP) and run 2 (TCP over IPv6) are different calls: nothing in common (other Call-ID).
  const unrelated = mergeTraces([read('sipp-ue1.log'), read('sipp-tcp6-ue1.log')]);
  assert.ok(unrelated.findings.some((f) => f.code === 'trace.no-common-messages'));
  assert.ok(!unrelated.findings.some((f) => f.code === 'trace.clock-skew'));
  assert.ok(unrelated.messages.every((m) => m.duplicateOf === undefined));
  // UE-1's SIPp log and sngrep's export of the capture: one machine clock, so no correction.
  const sameClock = mergeTraces([read('sipp-ue1.log'), read('sngrep-export.txt')]);
  assert.ok(!sameClock.findings.some((f) => f.code === 'trace.clock-skew'), 'one clock');
  assert.equal(sameClock.messages.filter((m) => m.duplicateOf !== undefined).length, 11);
});
