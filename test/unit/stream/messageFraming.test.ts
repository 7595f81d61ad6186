// Framing on streams (RFC 3261 §18.3): real messages from the corpus, cut and concatenated here the way
// TCP segments cut them, end exactly where Content-Length says.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { frameSipMessage, frameSipMessageDetail, MAX_HEADER_BYTES } from '../../../src/core/sip/messageFraming';
import { corpusDir } from '../../support/paths';
import { corpusFile, tsharkPayloadHex } from './streamSupport';

const tortureDir = join(corpusDir, 'torture');
function torture(name: string): Uint8Array {
  return new Uint8Array(readFileSync(join(tortureDir, name)));
}
function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}
const crlfcrlf = (b: Uint8Array) => Buffer.from(b).indexOf('\r\n\r\n');

/** Torture messages whose declared Content-Length is exactly their body: they frame to their own length. */
const wellFramed = readdirSync(tortureDir).sort().filter((name) => {
  const b = torture(name);
  const f = frameSipMessage(b, 0, b.length);
  return f.kind === 'complete' && f.end === b.length;
});

test('well-framed corpus messages end at their length, and every shorter prefix is incomplete', () => {
  assert.ok(wellFramed.length >= 45, `only ${wellFramed.length}`);
  for (const name of wellFramed) {
    const b = torture(name);
    for (let cut = 0; cut < b.length; cut++) {
      assert.equal(frameSipMessage(b, 0, cut).kind, 'incomplete', `${name} cut at ${cut}`);
    }
    const f = frameSipMessage(b, 0, b.length);
    assert.ok(f.kind === 'complete');
    // the header section ends with an empty line, and no earlier line is empty
    const head = Buffer.from(b.subarray(0, f.headerEnd)).toString('latin1');
    assert.match(head, /\n\r?\n$/, name);
    assert.doesNotMatch(head.slice(0, -2), /\n\r?\n/, name);
  }
});

test('messages back to back: each ends where the next begins, at any offset into the buffer', () => {
  const a = torture('resiprocate__sdp01.dat');
  const b = torture('resiprocate__esc01.dat');
  const c = torture('resiprocate__noreason.dat');
  const buf = concat(a, b, c, a);
  let at = 0;
  for (const m of [a, b, c, a]) {
    const f = frameSipMessage(buf, at, buf.length);
    assert.ok(f.kind === 'complete');
    assert.equal(f.end - at, m.length);
    at = f.end;
  }
  assert.equal(at, buf.length);
  // the `end` bound hides what follows
  assert.equal(frameSipMessage(buf, 0, a.length - 1).kind, 'incomplete');
});

test('RFC 4475 dblreq: REGISTER, a stray CRLF, then an INVITE with a body', () => {
  const b = torture('resiprocate__dblreq.dat');
  const first = frameSipMessage(b, 0, b.length);
  assert.ok(first.kind === 'complete');
  assert.equal(Buffer.from(b.subarray(first.end, first.end + 2)).toString('latin1'), '\r\n');
  const second = frameSipMessageDetail(b, first.end + 2, b.length);
  assert.ok(second.kind === 'complete');
  assert.equal(second.contentLength, 150);
  assert.equal(second.end - second.headerEnd, 150);
});

test('compact form `l:` gives the body length (captured INVITE with compact headers)', () => {
  const invite = tsharkPayloadHex(corpusFile('suricata-verify__sip_compact_form.pcap'), 1, 'udp.payload');
  assert.match(Buffer.from(invite).toString('latin1'), /\r\nl: 272\r\n/);
  const f = frameSipMessageDetail(invite, 0, invite.length);
  assert.ok(f.kind === 'complete');
  assert.equal(f.contentLength, 272);
  // the capture's body is longer than declared (suricata flags it): framing follows the declaration
  assert.equal(f.end, f.headerEnd + 272);
  assert.ok(f.end < invite.length);
});

test('bare-LF line endings: the header section ends at LF LF', () => {
  for (const name of ['pkts__issue-106_006.txt', 'pkts__issue-106_011.txt']) {
    const b = torture(name);
    const f = frameSipMessageDetail(b, 0, b.length);
    assert.ok(f.kind === 'complete', name);
    assert.equal(f.headerEnd, Buffer.from(b).indexOf('\n\n') + 2);
  }
  // a CRLF message turned LF-only here still frames (no body, so Content-Length stays right)
  const crlf = torture('resiprocate__regaut01.dat');
  const lf = Uint8Array.from(Buffer.from(Buffer.from(crlf).toString('latin1').replace(/\r\n/g, '\n'), 'latin1'));
  const f = frameSipMessage(lf, 0, lf.length);
  assert.ok(f.kind === 'complete');
  assert.equal(f.end, lf.length);
});

test('no Content-Length (RFC 2543-style INVITE): the message ends at its empty line', () => {
  const b = torture('resiprocate__inv2543.dat');
  const f = frameSipMessageDetail(b, 0, b.length);
  assert.ok(f.kind === 'complete');
  assert.equal(f.contentLength, null);
  assert.equal(f.end, f.headerEnd);
  assert.ok(f.end < b.length);
});

test('a Content-Length larger than what follows keeps the message incomplete, with the total needed', () => {
  const b = torture('resiprocate__clerr.dat');
  const f = frameSipMessageDetail(b, 0, b.length);
  assert.ok(f.kind === 'incomplete');
  assert.equal(f.contentLength, 9999);
  assert.equal(f.needed, (f.headerEnd ?? 0) + 9999);
});

test('unusable Content-Length values are invalid, and the header section end is still given', () => {
  const cases: [Uint8Array, RegExp][] = [
    [torture('resiprocate__ncl.dat'), /-999/],
    [torture('resiprocate__mcl01.dat'), /disagree/],
    // zeek's invalid-content-length capture: "Content-Length: bad"
    [tsharkPayloadHex(corpusFile('zeek__invalid-content-length.pcap'), 1, 'udp.payload'), /"bad"/],
  ];
  for (const [b, reason] of cases) {
    const f = frameSipMessageDetail(b, 0, b.length);
    assert.ok(f.kind === 'invalid');
    assert.match(f.reason, reason);
    assert.equal(f.headerEnd, crlfcrlf(b) + 4);
    const plain = frameSipMessage(b, 0, b.length);
    assert.deepEqual(Object.keys(plain).sort(), ['kind', 'reason']);
  }
});

test('a header section that never ends is invalid once it exceeds the limit, not waited for forever', () => {
  const b = torture('resiprocate__longreq.dat');
  const headerEnd = crlfcrlf(b);
  // repeat the real header lines of longreq (no empty line among them) past the limit
  const lines = b.subarray(b.indexOf(0x0a) + 1, headerEnd + 2);
  const parts: Uint8Array[] = [b.subarray(0, b.indexOf(0x0a) + 1)];
  let n = 0;
  while (n <= MAX_HEADER_BYTES) { parts.push(lines); n += lines.length; }
  const huge = concat(...parts);
  const f = frameSipMessageDetail(huge, 0, huge.length);
  assert.equal(f.kind, 'invalid');
  assert.equal(frameSipMessageDetail(huge, 0, MAX_HEADER_BYTES - 10).kind, 'incomplete');
});
