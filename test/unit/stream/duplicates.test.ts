// The same packet captured twice is marked as a copy; a retransmission never is. Checked against an
// oracle built here from tshark's own fields (addresses, IP Identification, payload, time).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TransportPayload } from '../../../src/core/model/packet';
import { join } from 'node:path';
import { tsharkFields } from '../../support/tshark';
import { repoRoot } from '../../support/paths';
import { corpusFile, describe, extract, payloadsOf } from './streamSupport';

/** Frames that repeat an earlier SIP/UDP frame's addresses, IP id and payload within 10 ms, mapped to that frame. */
function tsharkCopies(file: string): Map<number, number> {
  const rows = tsharkFields(file, ['frame.number', 'frame.time_epoch', 'ip.src', 'udp.srcport', 'ip.dst', 'udp.dstport', 'ip.id', 'udp.payload'], { filter: 'sip && udp' });
  const first = new Map<string, { frame: number; time: number }>();
  const copies = new Map<number, number>();
  for (const [frame, time, src, sport, dst, dport, id, payload] of rows) {
    const key = [src, sport, dst, dport, id, payload].join('|');
    const seen = first.get(key);
    if (seen && Number(time) - seen.time <= 0.010) copies.set(Number(frame), seen.frame);
    else first.set(key, { frame: Number(frame), time: Number(time) });
  }
  return copies;
}

test('SIP_MT_offnet: every message seen twice (before and after a router: other VLAN, TTL one less) is marked', () => {
  const file = corpusFile('cn-trace-analyzer__SIP_MT_offnet.pcap');
  const x = extract(payloadsOf(file));
  const marked = new Map(x.messages.filter((m) => m.duplicateOfFrame !== undefined).map((m) => [m.frame, m.duplicateOfFrame!]));
  const expected = tsharkCopies(file);
  assert.equal(expected.size, 23);
  assert.deepEqual([...marked].sort((a, b) => a[0] - b[0]), [...expected].sort((a, b) => a[0] - b[0]));
  // the copies differ below IP: VLAN tags and TTL
  const [a] = [...expected];
  const rows = tsharkFields(file, ['frame.number', 'vlan.id', 'ip.ttl'], { filter: `frame.number == ${a[0]} || frame.number == ${a[1]}` });
  assert.notEqual(rows[0][1], rows[1][1]);
  // the copies are kept in the list (as tshark lists them), each pointing at its first copy
  assert.equal(x.messages.length, 83);
  const byFrame = new Map(x.messages.map((m) => [m.frame, m]));
  for (const [copy, firstFrame] of marked) assert.deepEqual(byFrame.get(copy)!.bytes, byFrame.get(firstFrame)!.bytes);
  assert.ok(x.findings.some((f) => f.code === 'capture.duplicate-packets'));
});

test('SIP_failures: the 183 and 487 retransmitted by the far end (same bytes, same IP id 0, 2.1 s and 0.5 s later) are not copies', () => {
  const file = corpusFile('cn-trace-analyzer__SIP_failures.pcap');
  const x = extract(payloadsOf(file));
  assert.equal(x.messages.length, 26);
  assert.equal(x.messages.filter((m) => m.duplicateOfFrame !== undefined).length, 0);
  assert.equal(tsharkCopies(file).size, 0);
  const byFrame = new Map(x.messages.map((m) => [m.frame, m]));
  for (const [first, again] of [[20, 21], [25, 26]]) {
    assert.deepEqual(byFrame.get(again)!.bytes, byFrame.get(first)!.bytes, `frames ${first} and ${again} carry the same message`);
    const [[id1], [id2]] = tsharkFields(file, ['ip.id'], { filter: `frame.number == ${first} || frame.number == ${again}` });
    assert.equal(id1, id2);
  }
});

test('sngrep aaa.pcap: SIP retransmissions with new IP ids are not copies; nDPI FAX call: mirror copies 1.4 ms apart are', () => {
  const aaa = extract(payloadsOf(corpusFile('sngrep__aaa.pcap')));
  assert.equal(aaa.messages.filter((m) => m.duplicateOfFrame !== undefined).length, 0);
  const faxFile = corpusFile('nDPI__FAX-Call-t38-CA-TDM-SIP-FB-1.pcap');
  const fax = extract(payloadsOf(faxFile));
  const marked = new Map(fax.messages.filter((m) => m.duplicateOfFrame !== undefined).map((m) => [m.frame, m.duplicateOfFrame!]));
  assert.deepEqual([...marked].sort((a, b) => a[0] - b[0]), [...tsharkCopies(faxFile)].sort((a, b) => a[0] - b[0]));
  assert.ok(marked.size > 0);
});

test('TCP segments captured twice stay out of reassembly: same messages, no retransmission counted', () => {
  const file = corpusFile('pkts__fragmented_tcp_sip.pcap');
  const original = payloadsOf(file);
  const doubled: TransportPayload[] = [];
  for (const p of original) {
    doubled.push(p);
    // the copy a second interface sees 50 µs later (same IP id, same bytes)
    doubled.push({ ...p, time: (p.time ?? 0) + 0.00005, frame: p.frame + 1000 });
  }
  doubled.sort((a, b) => (a.time ?? 0) - (b.time ?? 0));
  const reference = extract(original);
  const x = extract(doubled);
  assert.deepEqual(x.messages.map(describe), reference.messages.map(describe));
  assert.equal(x.stats.tcp.retransmittedSegments, 0);
  assert.equal(x.stats.duplicatePackets, original.filter((p) => p.payload.length > 0).length);
  // copies that arrive first (the other interface's clock runs ahead) work the same
  const early = extract(original.flatMap((p) => [{ ...p, time: (p.time ?? 0) - 0.00005, frame: p.frame + 1000 }, p]));
  assert.equal(early.messages.length, reference.messages.length);
  assert.deepEqual(early.messages.map((m) => m.bytes), reference.messages.map((m) => m.bytes));
});

test('a message kamailio mirrored over HEP and the same packet off the wire are one packet captured twice', () => {
  // test/fixtures/pcap/hep3-kamailio.pcap: a SIPp call through kamailio on loopback, siptrace sending HEPv3
  const payloads = payloadsOf(join(repoRoot, 'test/fixtures/pcap/hep3-kamailio.pcap'));
  const x = extract(payloads);
  const hepFrames = new Set(payloads.filter((p) => p.hep !== undefined).map((p) => p.frame));
  const wire = x.messages.filter((m) => !hepFrames.has(m.frame));
  const viaHep = x.messages.filter((m) => hepFrames.has(m.frame));
  assert.ok(viaHep.length >= 10);
  for (const m of viaHep) {
    const twin = wire.find((w) => w.frame === m.duplicateOfFrame);
    assert.ok(twin, `HEP copy in frame ${m.frame} points at its wire copy`);
    assert.deepEqual([twin.src, twin.dst, twin.bytes], [m.src, m.dst, m.bytes]);
    assert.ok(Math.abs((twin.time ?? 0) - (m.time ?? 0)) < 0.1);
  }
  assert.ok(wire.every((m) => m.duplicateOfFrame === undefined));
});
