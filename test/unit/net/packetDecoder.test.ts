// Decoder behaviour beyond the tshark comparison: reassembly bounds and attribution, truncation,
// malformed headers, link types the corpus lacks, and robustness. Inputs are real captured records,
// altered in place where a malformation is needed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPacketDecoder } from '../../../src/core/net/packetDecoder';
import type { CaptureRecord, TransportPayload } from '../../../src/core/model/packet';
import type { Finding } from '../../../src/core/model/finding';
import { copyRecord, corpusFile, fixtureFile, readRecords } from './captureRecords';

const text = (p: TransportPayload, n = 8) => Buffer.from(p.payload.subarray(0, n)).toString('latin1');
const frameOf = (f: Finding) => (f.source && 'frame' in f.source ? f.source.frame : undefined);

function decodeAll(records: CaptureRecord[], options?: Parameters<typeof createPacketDecoder>[0]) {
  const decoder = createPacketDecoder(options);
  const payloads: TransportPayload[] = [];
  const findings: Finding[] = [];
  for (const r of records) {
    const out = decoder.decode(r);
    payloads.push(...out.payloads);
    findings.push(...out.findings);
  }
  const tail = decoder.end();
  return { payloads, findings, endPayloads: tail.payloads, endFindings: tail.findings };
}

const fragments = readRecords(fixtureFile('ip-fragments.pcap'));
// Frames 1+2: IPv4 INVITE in two fragments; 8+9: the IPv6 one (see tshark -r ip-fragments.pcap).
const [v4first, v4last] = [fragments[0], fragments[1]];
const [v6first, v6last] = [fragments[7], fragments[8]];

test('fragmented INVITEs are reassembled and attributed to the completing frame', () => {
  const { payloads, findings } = decodeAll(fragments);
  assert.deepEqual(findings, []);
  const invites = payloads.filter((p) => text(p, 6) === 'INVITE');
  assert.deepEqual(invites.map((p) => p.frame), [2, 9]);
  for (const p of invites) {
    assert.ok(p.payload.length > 2000 && p.payload.length < 2600, `${p.payload.length} bytes`);
    assert.equal(p.time, fragments[p.frame - 1].time);
    assert.ok(p.frameOffset > 0 && p.frameOffset < fragments[p.frame - 1].data.length);
    assert.equal(p.truncated, undefined);
  }
  assert.equal(typeof invites[0].ipId, 'number');
  assert.equal(invites[1].ipId, undefined, 'IPv6 has no identification to report');
});

test('fragments arriving out of order or twice still give one datagram', () => {
  for (const order of [[v4last, v4first], [v6last, v6first]]) {
    const { payloads, findings } = decodeAll(order);
    assert.deepEqual(findings, []);
    assert.equal(payloads.length, 1);
    assert.equal(payloads[0].frame, order[1].frame, 'attributed to the frame that completed it');
  }
  const repeatedFirst = decodeAll([v4first, v4first, v4last]);
  assert.equal(repeatedFirst.payloads.length, 1);
  assert.deepEqual(repeatedFirst.findings, []);
  const repeatedLast = decodeAll([v4first, v4last, v4last]);
  assert.equal(repeatedLast.payloads.length, 1);
  assert.deepEqual(repeatedLast.findings.map((f) => [f.code, frameOf(f)]), [['net.ip.duplicate-fragment', 2]]);
});

test('a lone first fragment expires by capture time: finding, and its start passed up truncated', () => {
  const later = copyRecord(fragments[2], { time: (v4first.time ?? 0) + 31 });
  const { payloads, findings } = decodeAll([v4first, later]);
  const incomplete = findings.filter((f) => f.code === 'net.ip.reassembly-incomplete');
  assert.equal(incomplete.length, 1);
  assert.equal(frameOf(incomplete[0]), v4first.frame);
  assert.match(incomplete[0].message, /timeout/);
  const partial = payloads.find((p) => p.frame === v4first.frame);
  assert.ok(partial, 'the received start is emitted');
  assert.equal(partial.truncated, true);
  assert.equal(text(partial, 6), 'INVITE');
});

test('pending reassemblies are bounded: the oldest is dropped with a finding', () => {
  const other = readRecords(corpusFile('pkts__fragmented_udp_sip.pcap'))[0]; // another IPv4 first fragment
  const limits = { maxPendingDatagrams: 1, maxPendingBytes: 1 << 20, timeoutSeconds: 30 };
  const { findings, payloads } = decodeAll([v4first, other], { reassemblyLimits: limits });
  const dropped = findings.filter((f) => f.code === 'net.ip.reassembly-incomplete');
  assert.equal(dropped.length, 1);
  assert.match(dropped[0].message, /too many datagrams/);
  assert.equal(frameOf(dropped[0]), v4first.frame);
  assert.equal(payloads.filter((p) => p.truncated).length, 1);
  const byBytes = decodeAll([v4first, other], { reassemblyLimits: { ...limits, maxPendingDatagrams: 100, maxPendingBytes: 1000 } });
  assert.equal(byBytes.findings.filter((f) => f.code === 'net.ip.reassembly-incomplete').length, 2);
});

test('end() reports a reassembly the capture never completed (first fragment of an INVITE only)', () => {
  const { payloads, findings, endPayloads, endFindings } = decodeAll(readRecords(corpusFile('pkts__fragmented_udp_sip.pcap')));
  assert.equal(payloads.filter((p) => p.frame === 1).length, 0);
  assert.deepEqual(findings, []);
  assert.deepEqual(endFindings.map((f) => [f.code, frameOf(f)]), [['net.ip.reassembly-incomplete', 1]]);
  assert.equal(endPayloads.length, 1);
  assert.equal(text(endPayloads[0], 6), 'INVITE');
  assert.equal(endPayloads[0].truncated, true);
  assert.equal(endPayloads[0].payload.length, 1500 - 20 - 8, 'IP total length 1500 minus IP and UDP headers');
});

test('snaplen-cut frames: truncated payloads and one capture.snaplen-truncated finding per frame', () => {
  const records = readRecords(fixtureFile('snaplen-200.pcap'));
  assert.ok(records.every((r) => r.data.length === 200 && r.origLen > 200));
  const { payloads, findings } = decodeAll(records);
  assert.equal(payloads.length, records.length);
  assert.ok(payloads.every((p) => p.truncated === true && p.payload.length === 200 - 14 - 20 - 8));
  assert.deepEqual(findings.map((f) => [f.code, frameOf(f), f.severity]), records.map((r) => ['capture.snaplen-truncated', r.frame, 'warning']));
});

test('SCTP user messages split over DATA chunks are reassembled (RFC 9260 §6.9)', () => {
  const { payloads, findings } = decodeAll(readRecords(corpusFile('heplify__sip_sctp.pcap')));
  assert.deepEqual(findings, []);
  assert.deepEqual(payloads.map((p) => [p.frame, text(p, 7)]), [[2, 'INVITE '], [3, 'SIP/2.0'], [4, 'SIP/2.0'], [5, 'ACK sip']]);
  // tshark: DATA chunk lengths 1468 and 328, each with a 16-byte chunk header.
  assert.equal(payloads[0].payload.length, 1468 - 16 + 328 - 16);
  assert.deepEqual(payloads[0].sctp, { streamId: 0, ppid: 0 });
});

test('malformed headers in real records become positioned findings, never exceptions', () => {
  const sip = readRecords(corpusFile('pkts__sipp.pcap'))[0]; // Ethernet, IPv4, UDP INVITE
  const badIhl = copyRecord(sip);
  badIhl.data[14] = 0x43; // IHL 3
  let out = createPacketDecoder().decode(badIhl);
  assert.deepEqual(out.payloads, []);
  assert.deepEqual(out.findings.map((f) => [f.code, f.source]), [['net.ipv4.bad-header-length', { frame: sip.frame, offset: 14 }]]);

  // Cut without a snaplen (origLen agrees): the IP length is wrong, the payload still goes up marked truncated.
  const cut = copyRecord(sip);
  cut.data = cut.data.subarray(0, 300);
  cut.origLen = 300;
  out = createPacketDecoder().decode(cut);
  assert.equal(out.payloads.length, 1);
  assert.equal(out.payloads[0].truncated, true);
  assert.deepEqual(out.findings.map((f) => f.code), ['net.ipv4.length-beyond-data', 'net.udp.length-beyond-data']);

  // IPv6 whose Next Header claims Destination Options: the UDP header read as one runs past the packet.
  const v6 = copyRecord(readRecords(corpusFile('heplify__sip_ipv6_udp.pcap'))[0]);
  v6.data[14 + 6] = 60;
  out = createPacketDecoder().decode(v6);
  assert.deepEqual(out.payloads, []);
  assert.equal(out.findings.length, 1);
  assert.equal(out.findings[0].code, 'net.ipv6.extension-header-truncated');
  assert.deepEqual(out.findings[0].source, { frame: v6.frame, offset: 14 + 40 });
});

test('BSD loopback in network order (LOOP, 108) and big-endian NULL (0) headers', () => {
  const raw = readRecords(corpusFile('heplify__ipip0.pcap')); // LINKTYPE_RAW
  const rawPayloads = decodeAll(raw).payloads;
  const expected = rawPayloads.map((p) => `${p.src.ip}:${p.src.port}>${p.dst.ip}:${p.dst.port}`);
  for (const [linkType, littleEndian] of [[108, false], [0, false], [0, true]] as const) {
    const wrapped = raw.map((r) => {
      const data = new Uint8Array(r.data.length + 4);
      new DataView(data.buffer).setUint32(0, 2 /* AF_INET */, littleEndian);
      data.set(r.data, 4);
      return { ...r, linkType, data, origLen: r.origLen + 4 };
    });
    const { payloads, findings } = decodeAll(wrapped);
    assert.deepEqual(findings, []);
    assert.deepEqual(payloads.map((p) => `${p.src.ip}:${p.src.port}>${p.dst.ip}:${p.dst.port}`), expected);
    assert.deepEqual(payloads.map((p) => p.frameOffset), rawPayloads.map((p) => p.frameOffset + 4), 'offsets count the loopback header');
  }
});

test('an unknown link type gives one finding whose count grows, not one per packet', () => {
  const records = readRecords(corpusFile('pkts__sipp.pcap')).slice(0, 5).map((r) => ({ ...r, linkType: 147 }));
  const { payloads, findings } = decodeAll(records);
  assert.deepEqual(payloads, []);
  assert.equal(findings.length, 1);
  assert.equal(findings[0].code, 'net.link.unsupported-link-type');
  assert.equal(frameOf(findings[0]), 1);
  assert.match(findings[0].message, /5 record\(s\) use link type 147/);
});

test('IPsec ESP (IMS Gm) is reported once per SA with a count', () => {
  const { findings } = decodeAll(readRecords(corpusFile('cn-trace-analyzer__volte_calls_2.pcapng')));
  const esp = findings.filter((f) => f.code === 'net.ipsec.esp-not-decoded');
  assert.ok(esp.length >= 1);
  assert.ok(esp.every((f) => /packet\(s\) from .* are IPsec ESP \(RFC 4303, SPI 0x[0-9a-f]{8}\)/.test(f.message)));
});

test('random corruption of real records never throws nor hits an internal error', () => {
  const sources = ['sngrep__ipv6frag.pcap', 'arkime__gtp-iphone.pcap', 'nDPI__gre.pcapng', 'heplify__sip_sctp.pcap', 'sngrep__ipip.pcap']
    .flatMap((n) => readRecords(corpusFile(n)))
    .concat(['vxlan.pcap', 'hep3-kamailio.pcap', 'vlan.pcap', 'erspan.pcap', 'gtpu.pcap'].flatMap((n) => readRecords(fixtureFile(n))));
  let seed = 12345;
  const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const decoder = createPacketDecoder();
  let findings = 0;
  for (let i = 0; i < 4000; i++) {
    const r = copyRecord(sources[Math.floor(random() * sources.length)], { frame: i + 1 });
    const flips = 1 + Math.floor(random() * 4);
    for (let k = 0; k < flips; k++) r.data[Math.floor(random() * Math.min(r.data.length, 120))] = Math.floor(random() * 256);
    if (random() < 0.3) r.data = r.data.subarray(0, Math.floor(random() * r.data.length));
    const out = decoder.decode(r);
    assert.ok(!out.findings.some((f) => f.code === 'net.decoder-internal-error'), out.findings.map((f) => f.message).join('; '));
    findings += out.findings.length;
    for (const p of out.payloads) assert.ok(p.payload.length <= 65535);
  }
  assert.ok(findings > 0);
  decoder.end();
});
