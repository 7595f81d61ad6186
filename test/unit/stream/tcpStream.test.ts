// TCP reassembly under the conditions real captures produce, made from real segments (pkts'
// fragmented_tcp_sip: INVITE over frames 4, 6, 8, then 180, 200, ACK, BYE, 200) by reordering,
// re-cutting, shifting sequence numbers, dropping and truncating them here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TransportPayload } from '../../../src/core/model/packet';
import { describe, extract, payloadsOf, corpusFile, text, tsharkDescribed, type Extraction } from './streamSupport';

const file = corpusFile('pkts__fragmented_tcp_sip.pcap');
const original = payloadsOf(file);
const reference = extract(original);
const byFrame = (frame: number) => original.find((p) => p.frame === frame)!;

function summary(x: Extraction): string[] {
  return x.messages.map((m) => `${describe(m)} from ${m.firstFrame} (${m.bytes.length} bytes${m.truncated ? ', truncated' : ''})`);
}
function codes(x: Extraction): string[] {
  return x.findings.map((f) => f.code);
}

/** Cuts every TCP payload into pieces of `size` bytes, same frame, consecutive sequence numbers. */
function recut(payloads: TransportPayload[], size: number): TransportPayload[] {
  const out: TransportPayload[] = [];
  for (const p of payloads) {
    if (p.transport !== 'TCP' || p.payload.length <= size) { out.push(p); continue; }
    for (let o = 0; o < p.payload.length; o += size) {
      const last = o + size >= p.payload.length;
      out.push({
        ...p, payload: p.payload.slice(o, o + size), frameOffset: p.frameOffset + o,
        tcp: { ...p.tcp!, seq: (p.tcp!.seq + o) >>> 0, flags: last ? p.tcp!.flags : p.tcp!.flags & ~0x01 },
      });
    }
  }
  return out;
}

test('the reference run agrees with tshark (the baseline the variations below are held to)', () => {
  assert.deepEqual(reference.messages.map(describe), tsharkDescribed(file));
  assert.equal(reference.messages[0].firstFrame, 4);
  assert.equal(reference.messages[0].frame, 8);
  assert.deepEqual(codes(reference), []);
});

test('out of order: the INVITE\'s last segment arrives before its middle one; the frame filling the gap completes it', () => {
  // capture order 4, 6, 8 kept, but frame 6 now carries the third segment and frame 8 the second
  const seg2 = byFrame(6), seg3 = byFrame(8);
  const order = original.map((p) => p.frame === 6 ? { ...seg3, frame: 6, time: seg2.time } : p.frame === 8 ? { ...seg2, frame: 8, time: seg3.time } : p);
  const x = extract(order);
  assert.equal(x.messages.length, 6);
  assert.deepEqual(x.messages[0].bytes, reference.messages[0].bytes);
  assert.equal(x.messages[0].frame, 8);
  assert.equal(x.messages[0].firstFrame, 4);
  assert.deepEqual(x.messages.slice(1).map(describe), reference.messages.slice(1).map(describe));
  assert.deepEqual(codes(x), []);
});

test('tiny segments (7 bytes, and 1 byte) give the same messages, byte for byte, at the same frames', () => {
  for (const size of [7, 1]) {
    const x = extract(recut(original, size));
    assert.deepEqual(summary(x), summary(reference), `size ${size}`);
    x.messages.forEach((m, i) => assert.deepEqual(m.bytes, reference.messages[i].bytes));
  }
});

test('sequence numbers that wrap past 2^32 inside the INVITE (RFC 9293 §3.4)', () => {
  const client = original[0].src;
  const isn = original[0].tcp!.seq;
  const delta = (2 ** 32 - 2000 - isn) >>> 0; // byte 2000 of the client's stream sits at sequence 0
  const shifted = original.map((p) => {
    const fromClient = p.src.port === client.port && p.src.ip === client.ip;
    const tcp = { ...p.tcp! };
    if (fromClient) tcp.seq = (tcp.seq + delta) >>> 0;
    else tcp.ack = (tcp.ack + delta) >>> 0;
    return { ...p, tcp };
  });
  assert.ok(shifted.some((p) => p.tcp!.seq < 1000) && shifted.some((p) => p.tcp!.seq > 2 ** 32 - 3000));
  const x = extract(shifted);
  assert.deepEqual(summary(x), summary(reference));
});

test('retransmissions and overlapping segments are dropped and counted, never read twice', () => {
  // every client segment sent again 600 ms later (a new IP id, as a real retransmission has)
  const withRetransmissions: TransportPayload[] = [];
  for (const p of original) {
    withRetransmissions.push(p);
    if (p.payload.length > 0 && p.src.port === 41190) withRetransmissions.push({ ...p, ipId: (p.ipId ?? 0) + 1000, time: (p.time ?? 0) + 0.6 });
  }
  const r = extract(withRetransmissions);
  assert.deepEqual(summary(r), summary(reference));
  assert.equal(r.stats.tcp.retransmittedSegments, 5);
  assert.equal(r.stats.duplicatePackets, 0);
  // the INVITE's middle segment re-cut so that it overlaps both neighbours by 100 bytes
  const mid = byFrame(6);
  const overlapping = original.map((p) => p.frame !== 6 ? p : {
    ...p, payload: new Uint8Array([...byFrame(4).payload.subarray(-100), ...mid.payload, ...byFrame(8).payload.subarray(0, 100)]),
    tcp: { ...mid.tcp!, seq: (mid.tcp!.seq - 100) >>> 0 },
  });
  const o = extract(overlapping);
  assert.deepEqual(o.messages.map((m) => m.bytes), reference.messages.map((m) => m.bytes));
  assert.equal(o.stats.tcp.overlapBytes, 200);
});

test('a segment the capture missed: the cut INVITE is passed up marked truncated, the rest of the call still reads', () => {
  const x = extract(original.filter((p) => p.frame !== 6));
  const [invite, ...rest] = x.messages;
  assert.equal(invite.truncated, true);
  assert.equal(invite.firstFrame, 4);
  assert.deepEqual(invite.bytes, byFrame(4).payload);
  assert.deepEqual(rest.map(describe), reference.messages.slice(1).map(describe));
  const gap = x.findings.find((f) => f.code === 'capture.tcp-gap');
  assert.ok(gap, codes(x).join());
  assert.match(gap.message, /1448 bytes/);
  assert.deepEqual(gap.source, { frame: 8 });
  // what was left of the INVITE after the gap (frame 8) is skipped up to the ACK, and said so
  assert.ok(x.findings.some((f) => f.code === 'capture.stream-junk'));
});

test('a capture that joins the stream mid-message skips to the first start line, with a finding', () => {
  const x = extract(original.filter((p) => p.frame !== 4));
  assert.deepEqual(x.messages.map(describe), reference.messages.slice(1).map(describe));
  const mid = x.findings.find((f) => f.code === 'capture.stream-mid-message');
  assert.ok(mid, codes(x).join());
  assert.match(mid.message, /1448 bytes before frame 6 were never captured/);
  // no SYN either: the stream is met mid-way, same result
  const noSyn = extract(original.filter((p) => p.frame !== 4 && p.frame !== 1 && p.frame !== 2));
  assert.deepEqual(noSyn.messages.map(describe), reference.messages.slice(1).map(describe));
  assert.ok(noSyn.findings.some((f) => f.code === 'capture.stream-mid-message'));
});

test('the capture ends inside a message: a finding at flush, no message invented', () => {
  const x = extract(original.filter((p) => p.frame < 8));
  assert.equal(x.messages.length, 0);
  const f = x.findings.find((g) => g.code === 'capture.incomplete-message');
  assert.ok(f);
  assert.deepEqual(f.source, { frame: 4, offset: byFrame(4).frameOffset });
  assert.match(f.message, /end of capture/);
});

test('a snaplen-cut segment: the message is passed up truncated at that frame, the stream reads on', () => {
  const cut = original.map((p) => p.frame !== 6 ? p : { ...p, payload: p.payload.slice(0, 100), truncated: true });
  const x = extract(cut);
  const [invite, ...rest] = x.messages;
  assert.equal(invite.truncated, true);
  assert.equal(invite.frame, 6);
  assert.equal(invite.bytes.length, byFrame(4).payload.length + 100);
  assert.deepEqual(rest.map(describe), reference.messages.slice(1).map(describe));
  assert.ok(x.findings.some((f) => f.code === 'capture.tcp-gap' && /snaplen/.test(f.message)));
});

test('CRLF keep-alives between messages (RFC 5626 §3.5.1) are skipped and counted', () => {
  // the double CRLF that ends the INVITE's header section, sent again before the ACK: later client
  // sequence numbers (and the server's acknowledgments of them) move on by 4
  const invite = reference.messages[0].bytes;
  const at = Buffer.from(invite).indexOf('\r\n\r\n');
  const ping = invite.slice(at, at + 4);
  const inviteEnd = (byFrame(8).tcp!.seq + byFrame(8).payload.length) >>> 0;
  const client = original[0].src.port;
  const withPing = original.map((p) => {
    const tcp = { ...p.tcp! };
    if (p.src.port === client && p.frame > 8) tcp.seq = (tcp.seq + 4) >>> 0;
    if (p.src.port !== client && p.tcp!.ack === inviteEnd) return { ...p, tcp };
    if (p.src.port !== client && p.frame > 8) tcp.ack = (tcp.ack + 4) >>> 0;
    const payload = p.frame === 14 ? new Uint8Array([...ping, ...p.payload]) : p.payload;
    return { ...p, tcp: p.frame === 14 ? { ...tcp, seq: (tcp.seq - 4) >>> 0 } : tcp, payload };
  });
  const x = extract(withPing);
  assert.deepEqual(x.messages.map(describe), reference.messages.map(describe));
  assert.equal(x.stats.keepAliveStreamBytes, 4);
  assert.deepEqual(codes(x), ['capture.keep-alives']);
});

test('a connection reusing its ports (new SYN) starts a fresh stream: arkime\'s iPhone re-registers on new connections', () => {
  const x = extract(payloadsOf(corpusFile('arkime__gtp-iphone.pcap')));
  const tcp = x.messages.filter((m) => m.transport === 'TCP');
  assert.ok(tcp.length >= 4);
  assert.ok(x.stats.tcp.connections >= 3);
  assert.ok(!x.findings.some((f) => f.severity === 'error'));
});

test('RST ends the stream: the message in progress becomes a finding', () => {
  const upTo6 = original.filter((p) => p.frame <= 6);
  const fin = byFrame(17);
  const rst: TransportPayload = { ...fin, tcp: { ...fin.tcp!, seq: (byFrame(6).tcp!.seq + byFrame(6).payload.length) >>> 0, flags: 0x14 } };
  const x = extract([...upTo6, rst]);
  assert.equal(x.messages.length, 0);
  const f = x.findings.find((g) => g.code === 'capture.incomplete-message');
  assert.ok(f);
  assert.match(f.message, /RST/);
});

/** The capture without frame 6 and without the server's acknowledgments (which would tell the gap is lost). */
function gapWithoutAcks(): TransportPayload[] {
  return original.filter((p) => p.frame !== 6).map((p) => p.src.port === 5060 ? { ...p, tcp: { ...p.tcp!, flags: p.tcp!.flags & ~0x10 } } : p);
}

test('a gap nobody acknowledges is given up after the timeout; until then later data waits', () => {
  const quick = extract(gapWithoutAcks(), { gapTimeoutSeconds: 0.0003 });
  assert.deepEqual(quick.messages.map(describe), extract(original.filter((p) => p.frame !== 6)).messages.map(describe));
  assert.ok(quick.findings.some((f) => f.code === 'capture.tcp-gap' && /not retransmitted within 0\.0003 s/.test(f.message)));
  // with the default 3 s the capture ends first: the gap is given up at the end, nothing is lost
  const slow = extract(gapWithoutAcks());
  assert.deepEqual(slow.messages.map(describe).sort(), quick.messages.map(describe).sort());
  assert.ok(slow.findings.some((f) => f.code === 'capture.tcp-gap' && /end of capture/.test(f.message)));
});

test('out-of-order buffers are bounded per stream and overall, with a finding when a bound is hit', () => {
  for (const [options, why] of [
    [{ maxWaitingBytesPerStream: 1000 }, /in this stream/],
    [{ maxWaitingBytesTotal: 1000 }, /across all streams/],
  ] as const) {
    const x = extract(gapWithoutAcks(), options);
    const limit = x.findings.find((f) => f.code === 'capture.stream-buffer-limit');
    assert.ok(limit);
    assert.match(limit.message, why);
    assert.deepEqual(limit.source, { frame: 8 });
    assert.deepEqual(x.messages.map(describe), extract(original.filter((p) => p.frame !== 6)).messages.map(describe));
  }
});

test('a segment overtaken by the next message is still read when it turns up (capture order kept)', () => {
  // the server's 180 (frame 10) and 200 (frame 11) captured the other way round
  const r180 = byFrame(10), r200 = byFrame(11);
  const swapped = original.map((p) => p.frame === 10 ? { ...r200, frame: 10, time: r180.time } : p.frame === 11 ? { ...r180, frame: 11, time: r200.time } : p);
  const x = extract(swapped);
  const statuses = x.messages.map((m) => `${m.frame} ${text(m.bytes).split(' ')[1]}`);
  assert.deepEqual(statuses.slice(1, 3), ['10 200', '11 180']);
  assert.equal(x.messages.length, 6);
  assert.ok(x.findings.some((f) => f.code === 'capture.tcp-late-segment' && f.severity === 'info'));
});
