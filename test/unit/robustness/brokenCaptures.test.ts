// Issue 8's broken captures, each made by cutting or corrupting a real capture in code (SIPp on loopback, the
// public corpus) and read end to end through readCapture: every defect is a positioned finding and everything
// the damage did not touch is still read. The original capture's reading is the reference (it matches tshark,
// see test/unit/capture/tsharkOracle.test.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readCapture, type CaptureResult } from '../../../src/core/capture/readCapture';
import type { Finding } from '../../../src/core/model/finding';
import type { SipMessage } from '../../../src/core/model/sipMessage';
import { MAX_RECORD_BYTES } from '../../../src/core/pcap/limits';
import { joinCapture, splitCapture, withPacketData, type CaptureContainer } from '../../fuzz/captureContainer';
import { corpusDir, repoRoot } from '../../support/paths';

const udpFile = join(repoRoot, 'test/captures/replication-udp.pcap');
const tcpFile = join(repoRoot, 'test/captures/replication-tcp.pcap');
const pcapngFile = join(corpusDir, 'pcap/nDPI__sip_hello.pcapng');

const bytesOf = (file: string) => new Uint8Array(readFileSync(file));
function read(bytes: Uint8Array, chunk = 4096): CaptureResult {
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += chunk) chunks.push(bytes.subarray(i, i + chunk));
  return readCapture(chunks);
}
function container(file: string): CaptureContainer {
  const c = splitCapture(bytesOf(file));
  assert.ok(c, `${file} splits into records`);
  return c;
}
const frameOf = (m: SipMessage) => ('frame' in m.source ? m.source.frame : -1);
const describe = (m: SipMessage) => `${m.kind === 'request' ? m.method : m.status} ${m.callId} ${m.cseq?.seq}`;
const find = (r: CaptureResult, code: string): Finding => {
  const f = r.findings.find((x) => x.code === code);
  assert.ok(f, `expected ${code}, got ${r.findings.map((x) => x.code).join(', ') || 'no findings'}`);
  return f;
};
/** File offset of record i when the container is written out. */
function offsetOf(c: CaptureContainer, i: number): number {
  return c.header.length + c.records.slice(0, i).reduce((n, r) => n + r.length, 0);
}
const le = (c: CaptureContainer, r: Uint8Array) => new DataView(r.buffer, r.byteOffset, r.length);

test('the captures cut here read cleanly as they are', () => {
  for (const file of [udpFile, tcpFile, pcapngFile]) {
    const r = read(bytesOf(file));
    assert.deepEqual(r.findings.filter((f) => f.severity !== 'info'), [], file);
    assert.ok(r.messages.length > 0);
  }
});

test('pcap cut inside its last record: every earlier message read, pcap.truncated-record at that record', () => {
  const c = container(udpFile);
  const whole = read(joinCapture(c));
  const last = c.records.length - 1;
  const bytes = joinCapture(c);
  const cut = bytes.subarray(0, offsetOf(c, last) + 16 + 40);
  const r = read(cut, 7);
  assert.equal(r.packets, c.records.length - 1);
  assert.deepEqual(r.messages.map(describe), whole.messages.slice(0, -1).map(describe));
  const f = find(r, 'pcap.truncated-record');
  assert.equal(f.severity, 'warning');
  assert.deepEqual(f.source, { frame: last + 1, offset: offsetOf(c, last) });
});

test('pcap record whose length runs beyond the end of the file: the same finding, nothing before it lost', () => {
  const c = container(udpFile);
  const whole = read(joinCapture(c));
  const last = c.records.length - 1;
  le(c, c.records[last]).setUint32(8, c.records[last].length + 5000, true);
  const r = read(joinCapture(c));
  assert.deepEqual(r.messages.map(describe), whole.messages.slice(0, -1).map(describe));
  assert.deepEqual(find(r, 'pcap.truncated-record').source, { frame: last + 1, offset: offsetOf(c, last) });
});

test('pcap record length beyond the sane maximum: an error at that record; the records before it are read', () => {
  const c = container(udpFile);
  const whole = read(joinCapture(c));
  const bad = 6;
  le(c, c.records[bad]).setUint32(8, MAX_RECORD_BYTES + 1, true);
  const r = read(joinCapture(c));
  const f = find(r, 'pcap.record-too-large');
  assert.equal(f.severity, 'error');
  assert.deepEqual(f.source, { frame: bad + 1, offset: offsetOf(c, bad) });
  assert.match(f.message, new RegExp(`${MAX_RECORD_BYTES + 1}`));
  assert.deepEqual(r.messages.map(describe), whole.messages.filter((m) => frameOf(m) <= bad).map(describe));
});

test('snaplen-cut packets: the message is kept, marked truncated, with a finding naming it', () => {
  const c = container(udpFile);
  const whole = read(joinCapture(c));
  const i = 3;
  const full = c.records[i].subarray(16);
  const cut = withPacketData(c, c.records[i], full.slice(0, 200));
  le(c, cut).setUint32(12, full.length, true); // original length stays: the snaplen cut it
  c.records[i] = cut;
  const r = read(joinCapture(c));
  assert.equal(r.messages.length, whole.messages.length);
  const m = r.messages.find((x) => frameOf(x) === i + 1)!;
  const f = r.findings.find((x) => x.code === 'capture.message-truncated' && x.messageIndex === m.index);
  assert.ok(f, r.findings.map((x) => x.code).join());
  assert.ok(r.findings.some((x) => x.code === 'capture.snaplen-truncated' && x.source && 'frame' in x.source && x.source.frame === i + 1));
});

test('unknown link type: every record skipped, with one finding that counts them', () => {
  const c = container(udpFile);
  le(c, c.header).setUint32(20, 147, true); // LINKTYPE_USER0
  const r = read(joinCapture(c));
  assert.equal(r.messages.length, 0);
  const f = find(r, 'net.link.unsupported-link-type');
  assert.match(f.message, new RegExp(`${c.records.length} record\\(s\\) use link type 147`));
  assert.equal(r.findings.filter((x) => x.code === 'net.link.unsupported-link-type').length, 1);
});

test('zero-length packet records: a finding at that frame, the other messages unchanged', () => {
  const c = container(udpFile);
  const whole = read(joinCapture(c));
  const empty = c.records[2].slice(0, 16);
  le(c, empty).setUint32(8, 0, true);
  le(c, empty).setUint32(12, 0, true);
  c.records.splice(2, 0, empty);
  const r = read(joinCapture(c));
  assert.equal(r.packets, whole.packets + 1);
  assert.deepEqual(r.messages.map(describe), whole.messages.map(describe));
  assert.ok(r.findings.some((f) => f.source && 'frame' in f.source && f.source.frame === 3 && f.severity !== 'info'), r.findings.map((f) => f.code).join());
});

test('oversized packets (more bytes than the file\'s snaplen): read, and reported once with a count', () => {
  const c = container(udpFile);
  const whole = read(joinCapture(c));
  const snaplen = le(c, c.header).getUint32(16, true);
  for (const i of [4, 7]) {
    const padded = new Uint8Array(snaplen + 1000);
    padded.set(c.records[i].subarray(16));
    c.records[i] = withPacketData(c, c.records[i], padded);
  }
  const r = read(joinCapture(c));
  assert.deepEqual(r.messages.map(describe), whole.messages.map(describe));
  const f = find(r, 'pcap.record-beyond-snaplen');
  assert.equal(f.severity, 'warning');
  assert.deepEqual(f.source, { frame: 5, offset: offsetOf(c, 4) });
  assert.match(f.message, /2 record\(s\)/);
});

test('pcapng cut inside its last block: pcapng.truncated-block, the packets before it read', () => {
  const c = container(pcapngFile);
  const whole = read(joinCapture(c));
  const last = c.records.length - 1;
  const r = read(joinCapture(c).subarray(0, offsetOf(c, last) + 30), 13);
  assert.equal(r.packets, whole.packets - 1);
  assert.deepEqual(r.messages.map(describe), whole.messages.filter((m) => frameOf(m) < whole.packets).map(describe));
  assert.deepEqual(find(r, 'pcapng.truncated-block').source, { frame: whole.packets, offset: offsetOf(c, last) });
});

test('pcapng with blocks of unknown type: skipped and counted per type, nothing else changes', () => {
  const c = container(pcapngFile);
  const whole = read(joinCapture(c));
  // An unknown block is a copy of a real packet block with its type changed to one no spec assigns.
  const epb = c.records.findIndex((r) => le(c, r).getUint32(0, true) === 6);
  for (const at of [epb, epb + 3]) {
    const unknown = c.records[epb].slice();
    le(c, unknown).setUint32(0, 0x0000_0b0b, true);
    c.records.splice(at, 0, unknown);
  }
  const r = read(joinCapture(c));
  assert.deepEqual(r.messages.map(describe), whole.messages.map(describe));
  const f = find(r, 'pcapng.unknown-block');
  assert.match(f.message, /2 block\(s\) of unknown type 0xb0b/);
});

test('pcapng with a corrupt block: an error there, reading resynchronises at the next valid block', () => {
  const c = container(pcapngFile);
  const whole = read(joinCapture(c));
  const packetBlocks = c.records.map((r, i) => i).filter((i) => le(c, c.records[i]).getUint32(0, true) === 6);
  const bad = packetBlocks[2];
  le(c, c.records[bad]).setUint32(4, 0xdeadbeef, true);
  const r = read(joinCapture(c), 5);
  const f = find(r, 'pcapng.corrupt-block');
  assert.equal(f.severity, 'error');
  assert.equal((f.source as { offset: number }).offset, offsetOf(c, bad));
  const resync = find(r, 'pcapng.resynchronised');
  assert.equal((resync.source as { offset: number }).offset, offsetOf(c, bad + 1));
  // Every packet after the corrupt one is read again (one frame fewer, so frame numbers shift by one).
  const lostFrame = packetBlocks.indexOf(bad) + 1;
  assert.deepEqual(r.messages.map(describe), whole.messages.filter((m) => frameOf(m) !== lostFrame).map(describe));
});

test('pcapng blocks too short for their own fixed fields are corrupt blocks, never a crash (fuzz regression)', () => {
  for (const type of [1, 6]) {
    const c = container(pcapngFile);
    const i = c.records.findIndex((r) => le(c, r).getUint32(0, true) === type);
    const short = c.records[i].slice(0, 12);
    le(c, short).setUint32(4, 12, true);
    le(c, short).setUint32(8, 12, true);
    c.records[i] = short;
    const r = read(joinCapture(c));
    assert.ok(r.findings.some((f) => f.code === 'pcapng.corrupt-block'));
  }
});

test('TCP stream with a gap: the gap is reported and the messages after it are recovered at their start lines', () => {
  const c = container(tcpFile);
  const whole = read(joinCapture(c));
  // Drop one data segment in the middle of the capture: the one carrying a whole message of the client.
  const target = whole.messages[Math.floor(whole.messages.length / 2)];
  const frame = frameOf(target);
  assert.ok(target.source && 'frame' in target.source && (target.source.firstFrame ?? frame) === frame, 'the message sits in one segment');
  c.records.splice(frame - 1, 1);
  const r = read(joinCapture(c));
  find(r, 'capture.tcp-gap');
  // Every other message is still there (frame numbers after the cut move down by one).
  const expected = whole.messages.filter((m) => m !== target).map(describe);
  assert.deepEqual(r.messages.map(describe).sort(), expected.sort());
});
