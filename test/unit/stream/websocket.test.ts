// SIP over WebSocket (RFC 7118) in heplify's capture (browser → kamailio on TCP 8080, masked client frames
// with 16-bit lengths), and frames re-encoded here from its real messages to cover fragmentation,
// interleaved control frames, 64-bit lengths and permessage-deflate (RFC 6455 §5.2-5.5, RFC 7692).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TransportPayload } from '../../../src/core/model/packet';
import { corpusFile, describe, extract, payloadsOf, text } from './streamSupport';

const file = corpusFile('heplify__sip_tcp_websocket.pcap');
const original = payloadsOf(file);
const reference = extract(original);
const refWs = reference.messages.filter((m) => m.transport === 'WS');
const clientPort = 43380;
const client = original.filter((p) => p.transport === 'TCP' && p.src.port === clientPort);

test('the reference run: 11 WebSocket messages, no findings', () => {
  assert.equal(refWs.length, 11);
  assert.deepEqual(reference.findings, []);
  // client messages start where the first frame's payload starts (after the 8-byte masked header)
  const invite = refWs[0];
  assert.equal(invite.firstFrame, 10);
  assert.equal(invite.frame, 11);
  assert.equal(invite.frameOffset, original.find((p) => p.frame === 10)!.frameOffset + 8);
});

test('WebSocket frames cut into 5-byte TCP segments decode the same', () => {
  const recut: TransportPayload[] = [];
  for (const p of original) {
    if (p.transport !== 'TCP' || p.payload.length <= 5) { recut.push(p); continue; }
    for (let o = 0; o < p.payload.length; o += 5) {
      recut.push({ ...p, payload: p.payload.slice(o, o + 5), frameOffset: p.frameOffset + o, tcp: { ...p.tcp!, seq: (p.tcp!.seq + o) >>> 0 } });
    }
  }
  const x = extract(recut);
  const ws = x.messages.filter((m) => m.transport === 'WS');
  assert.deepEqual(ws.map((m) => [m.frame, m.firstFrame, m.frameOffset]), refWs.map((m) => [m.frame, m.firstFrame, m.frameOffset]));
  ws.forEach((m, i) => assert.deepEqual(m.bytes, refWs[i].bytes));
});

test('a capture that starts after the handshake: the frames are still recognised by their SIP content', () => {
  const x = extract(original.filter((p) => p.frame >= 10));
  const ws = x.messages.filter((m) => m.transport === 'WS');
  assert.deepEqual(ws.map(describe), refWs.map(describe));
  assert.ok(x.findings.some((f) => f.code === 'capture.ws-without-handshake'));
});

/** One frame, encoded as RFC 6455 §5.2 lays it out (7-bit, 16-bit or 64-bit length; masked with `mask` if given). */
function wsFrame(opcode: number, fin: boolean, payload: Uint8Array, mask: Uint8Array | null, lengthForm: 7 | 16 | 64, rsv1 = false): Uint8Array {
  const head: number[] = [(fin ? 0x80 : 0) | (rsv1 ? 0x40 : 0) | opcode];
  const m = mask ? 0x80 : 0;
  const n = payload.length;
  if (lengthForm === 7) head.push(m | n);
  else if (lengthForm === 16) head.push(m | 126, n >> 8, n & 0xff);
  else head.push(m | 127, 0, 0, 0, 0, (n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);
  if (mask) head.push(...mask);
  const body = mask ? payload.map((b, i) => b ^ mask[i & 3]) : payload;
  return new Uint8Array([...head, ...body]);
}

/** The client's stream: the real HTTP Upgrade request, then `frames`, cut into 1000-byte segments. */
function clientStream(frames: Uint8Array[]): TransportPayload[] {
  const syn = client.find((p) => (p.tcp!.flags & 0x02) !== 0)!;
  const get = client.find((p) => text(p.payload).startsWith('GET '))!;
  const bytes = new Uint8Array([...get.payload, ...frames.flatMap((f) => [...f])]);
  const out: TransportPayload[] = [syn];
  let frame = 100;
  for (let o = 0; o < bytes.length; o += 1000) {
    out.push({ ...get, frame: frame++, time: (get.time ?? 0) + o / 1e6, payload: bytes.slice(o, o + 1000), frameOffset: 66, tcp: { ...get.tcp!, seq: (get.tcp!.seq + o) >>> 0 } });
  }
  return out;
}

const clientSip = refWs.filter((m) => m.src.port === clientPort).map((m) => m.bytes);
// a real masking key, taken from the first client frame's header
const realMask = original.find((p) => p.frame === 10)!.payload.slice(4, 8);

test('fragmented messages with a ping between fragments and a 64-bit length reassemble into the same SIP', () => {
  assert.equal(clientSip.length, 5);
  const frames: Uint8Array[] = [];
  for (const sip of clientSip) {
    const a = Math.floor(sip.length / 3), b = Math.floor((2 * sip.length) / 3);
    frames.push(wsFrame(0x1, false, sip.subarray(0, a), realMask, 16));
    frames.push(wsFrame(0x9, true, sip.subarray(0, 4), realMask, 7)); // ping: control frames may interleave (§5.4)
    frames.push(wsFrame(0x0, false, sip.subarray(a, b), realMask, 64));
    frames.push(wsFrame(0x0, true, sip.subarray(b), realMask, 16));
  }
  const x = extract(clientStream(frames));
  assert.deepEqual(x.messages.map((m) => m.bytes), clientSip);
  assert.ok(x.messages.every((m) => m.transport === 'WS'));
  assert.deepEqual(x.findings, []);
});

test('permessage-deflate frames (RSV1) cannot be read: one warning, the other messages still come through', () => {
  const frames = clientSip.map((sip, i) => wsFrame(0x1, true, sip, realMask, 16, i === 1));
  const x = extract(clientStream(frames));
  assert.deepEqual(x.messages.map((m) => m.bytes), clientSip.filter((_, i) => i !== 1));
  const warn = x.findings.filter((f) => f.code === 'capture.ws-compressed');
  assert.equal(warn.length, 1);
});

test('a WebSocket message that is not SIP is skipped with one note', () => {
  const notSip = text(client.find((p) => text(p.payload).startsWith('GET '))!.payload).split('\r\n')[1];
  const frames = [wsFrame(0x1, true, new TextEncoder().encode(notSip), realMask, 7), ...clientSip.map((sip) => wsFrame(0x2, true, sip, realMask, 16))];
  const x = extract(clientStream(frames));
  assert.deepEqual(x.messages.map((m) => m.bytes), clientSip);
  assert.deepEqual(x.findings.map((f) => f.code), ['capture.ws-non-sip']);
  assert.equal(x.stats.wsNonSipMessages, 1);
});

test('a lost segment in the middle of a WebSocket stream: framing is found again at the next SIP frame', () => {
  // frame 10 holds the first INVITE's frame header and first 1448 bytes
  const x = extract(original.filter((p) => p.frame !== 10));
  const ws = x.messages.filter((m) => m.transport === 'WS');
  assert.deepEqual(ws.map(describe), refWs.slice(1).map(describe));
  assert.ok(x.findings.some((f) => f.code === 'capture.tcp-gap'));
  assert.ok(!x.findings.some((f) => f.code === 'capture.ws-invalid-frame'));
  // frame 11 (the rest of the INVITE) is cut mid-frame: lost as well, the ACK in frame 15 is the first read
  // and a cut in the middle of a frame (the 183's second segment, frame 34) passes up what came before it
  const y = extract(original.filter((p) => p.frame !== 34));
  const cut = y.messages.find((m) => m.truncated);
  assert.ok(cut);
  assert.equal(cut.transport, 'WS');
  assert.equal(cut.firstFrame, 33);
  assert.deepEqual(y.messages.filter((m) => !m.truncated).map(describe), reference.messages.filter((m) => m.frame !== 34).map(describe));
});
