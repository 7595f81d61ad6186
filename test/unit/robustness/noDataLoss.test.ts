// Issue 8's "no data loss", per capture (the public corpus and ours): every SIP message tshark finds in a frame
// is either one of our messages from that frame or reported there by a finding (a message that would not parse,
// an ICMP error quoting it, ...). Messages in = messages shown + messages reported, never fewer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { readCapture } from '../../../src/core/capture/readCapture';
import { corpusCaptures, repoCaptures } from '../../support/paths';
import { hasTshark } from '../../support/tshark';
import { tsharkSipMessages } from '../../support/tsharkSip';

const captures = [...corpusCaptures(), ...repoCaptures()];

test('there are captures to count', () => {
  assert.ok(captures.length >= 40, `${captures.length} captures`);
});

for (const file of captures) {
  test(`no SIP message of ${basename(file)} is lost: tshark's count = shown + reported`, () => {
    hasTshark();
    const theirs = tsharkSipMessages(file);
    const r = readCapture([new Uint8Array(readFileSync(file))]);
    const frameOf = (s: unknown) => (s && typeof s === 'object' && 'frame' in s ? (s as { frame: number }).frame : -1);
    const shown = new Map<number, number>();
    for (const m of r.messages) shown.set(frameOf(m.source), (shown.get(frameOf(m.source)) ?? 0) + 1);
    // Messages that would not parse carry no message index: the parser's rejection, positioned at their frame.
    const unparseable = r.findings.filter((f) => f.code === 'sip.unrecognised-message' && f.messageIndex === undefined);
    const reportedFrames = new Set(r.findings.filter((f) => f.severity !== 'info' || f.code.startsWith('net.icmp')).map((f) => frameOf(f.source)));
    const inPerFrame = new Map<number, number>();
    for (const m of theirs) inPerFrame.set(m.frame, (inPerFrame.get(m.frame) ?? 0) + 1);
    const missing: string[] = [];
    for (const [frame, n] of inPerFrame) {
      const ours = shown.get(frame) ?? 0;
      if (ours < n && !reportedFrames.has(frame)) missing.push(`frame ${frame}: tshark ${n}, shown ${ours}, no finding there`);
    }
    assert.deepEqual(missing, []);
    const reportedNotShown = [...inPerFrame].filter(([frame, n]) => (shown.get(frame) ?? 0) < n).reduce((a, [frame, n]) => a + n - (shown.get(frame) ?? 0), 0);
    assert.ok(r.messages.length + unparseable.length + reportedNotShown >= theirs.length,
      `in ${theirs.length}, shown ${r.messages.length}, unparseable ${unparseable.length}, reported ${reportedNotShown}`);
  });
}
