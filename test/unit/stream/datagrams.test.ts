// Datagram transports: one message per UDP payload / SCTP DATA chunk, recognised by its first line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TransportPayload } from '../../../src/core/model/packet';
import { corpusFile, describe, extract, payloadsOf, text, tsharkDescribed } from './streamSupport';

test('zeek junk-before-request: the 4 NUL bytes before the REGISTER are a keep-alive, the REGISTER is read', () => {
  const file = corpusFile('zeek__sip-junk-before-request.pcap');
  const payloads = payloadsOf(file);
  assert.deepEqual([...payloads[0].payload], [0, 0, 0, 0]);
  const x = extract(payloads);
  assert.deepEqual(x.messages.map(describe), tsharkDescribed(file));
  assert.equal(x.stats.keepAliveDatagrams, 1);
  assert.deepEqual(x.findings.map((f) => f.code), ['capture.keep-alives']);
});

test('junk lines before the start line inside one datagram: not a message (as tshark), but a finding at the start line', () => {
  const zeek = payloadsOf(corpusFile('zeek__sip-junk-before-request.pcap'))[1];
  const rtp = payloadsOf(corpusFile('pkts__sip_rtp.pcap')).find((p) => p.transport === 'UDP' && p.payload.length > 100 && p.src.port !== 5060)!;
  const lineBreak = zeek.payload.subarray(zeek.payload.indexOf(0x0d), zeek.payload.indexOf(0x0d) + 2);
  for (const junk of [rtp.payload.subarray(0, 40), lineBreak]) {
    const payload = new Uint8Array([...junk, ...lineBreak, ...zeek.payload]);
    const x = extract([{ ...zeek, payload }]);
    assert.equal(x.messages.length, 0);
    const [f] = x.findings;
    assert.equal(f.code, 'capture.sip-after-junk');
    assert.equal(f.severity, 'warning');
    assert.deepEqual(f.source, { frame: zeek.frame, offset: zeek.frameOffset + junk.length + 2 });
  }
});

test('RTP and other non-SIP datagrams are counted, not reported', () => {
  const file = corpusFile('pkts__sip_rtp.pcap');
  const x = extract(payloadsOf(file));
  assert.deepEqual(x.messages.map(describe), tsharkDescribed(file));
  assert.ok(x.stats.nonSipDatagrams > 400);
  assert.deepEqual(x.findings, []);
});

test('a snaplen-cut datagram is passed up marked truncated, even when the cut is inside the start line', () => {
  const payloads = payloadsOf(corpusFile('pkts__cancel.pcap'));
  const invite = payloads.find((p) => text(p.payload).startsWith('INVITE '))!;
  for (const keep of [300, 20]) {
    const cut: TransportPayload = { ...invite, payload: invite.payload.slice(0, keep), truncated: true };
    const x = extract([cut]);
    assert.equal(x.messages.length, 1, `cut at ${keep}`);
    assert.equal(x.messages[0].truncated, true);
    assert.deepEqual(x.messages[0].bytes, invite.payload.subarray(0, keep));
  }
});

test('SIP over SCTP: each DATA chunk is a message, transport SCTP', () => {
  const file = corpusFile('heplify__sip_sctp.pcap');
  const x = extract(payloadsOf(file));
  assert.deepEqual(x.messages.map(describe), tsharkDescribed(file));
  assert.ok(x.messages.every((m) => m.transport === 'SCTP'));
});

test('messages keep their position: frame, offset of the payload in the frame, time, endpoints', () => {
  const payloads = payloadsOf(corpusFile('heplify__sip_ipv6_udp.pcap'));
  const x = extract(payloads);
  for (const m of x.messages) {
    const p = payloads.find((q) => q.frame === m.frame)!;
    assert.equal(m.firstFrame, m.frame);
    assert.equal(m.frameOffset, p.frameOffset);
    assert.equal(m.time, p.time);
    assert.deepEqual([m.src, m.dst, m.transport], [p.src, p.dst, 'UDP']);
    assert.ok(m.src.ip.includes(':'));
  }
});
