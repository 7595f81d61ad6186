// Recognising SIP by content: real start lines (RFC 4475/5118 torture messages, captured messages) are
// recognised, real non-SIP payloads (HTTP, RTP, TLS, STUN-free UDP) are not, and partial lines ask for more.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkSipStartLine, findSipStartLine, looksLikeSipStartLine } from '../../../src/core/sip/startLine';
import { corpusDir } from '../../support/paths';
import { corpusFile, payloadsOf, tsharkPayloadHex } from './streamSupport';

const tortureDir = join(corpusDir, 'torture');
const torture = readdirSync(tortureDir).sort().map((name) => ({ name, bytes: new Uint8Array(readFileSync(join(tortureDir, name))) }));

test('every torture message with a SIP-Version in its first line is recognised', () => {
  assert.ok(torture.length >= 60);
  for (const { name, bytes } of torture) {
    // resiprocate's own test.dat has a request line without SIP-Version: not a start line
    assert.equal(looksLikeSipStartLine(bytes), name !== 'resiprocate__test.dat', name);
  }
});

test('every prefix of a real start line asks for more bytes, never says no', () => {
  for (const { name, bytes } of torture) {
    if (name === 'resiprocate__test.dat') continue;
    const lineEnd = bytes.indexOf(0x0a);
    for (let cut = 1; cut < lineEnd - 1; cut++) {
      const r = checkSipStartLine(bytes, 0, cut, false);
      // a status line is known once its code is followed by SP; requests need their whole line
      assert.notEqual(r, 'no', `${name} cut at ${cut}`);
    }
    assert.equal(checkSipStartLine(bytes, 0, lineEnd + 1, false), 'yes', name);
  }
});

test('a start line is recognised at an offset and within an end bound', () => {
  const invite = torture.find((t) => t.name === 'resiprocate__wsinv.dat')!.bytes;
  const rtp = rtpPayloads()[0];
  const joined = new Uint8Array(rtp.length + invite.length);
  joined.set(rtp);
  joined.set(invite, rtp.length);
  assert.equal(looksLikeSipStartLine(joined, rtp.length), true);
  assert.equal(looksLikeSipStartLine(joined, 0, rtp.length), false);
  const lineEnd = invite.indexOf(0x0a);
  assert.equal(checkSipStartLine(joined, rtp.length, rtp.length + lineEnd - 3, false), 'more');
});

function rtpPayloads(): Uint8Array[] {
  // pkts__sip_rtp.pcap: ~500 RTP packets of one SIPp call
  return payloadsOf(corpusFile('pkts__sip_rtp.pcap')).filter((p) => p.transport === 'UDP' && p.src.port !== 5060 && p.dst.port !== 5060).map((p) => p.payload);
}

test('real non-SIP payloads are not taken for SIP: RTP, HTTP Upgrade, TLS records', () => {
  const rtp = rtpPayloads();
  assert.ok(rtp.length > 400);
  for (const p of rtp) assert.equal(looksLikeSipStartLine(p), false);
  const ws = corpusFile('heplify__sip_tcp_websocket.pcap');
  assert.equal(looksLikeSipStartLine(tsharkPayloadHex(ws, 6, 'tcp.payload')), false, 'HTTP GET with Upgrade: websocket');
  assert.equal(looksLikeSipStartLine(tsharkPayloadHex(ws, 8, 'tcp.payload')), false, 'HTTP/1.1 101 Switching Protocols');
  const tls = payloadsOf(corpusFile('heplify__sip_ipv4_tcp_retrans.pcap')).filter((p) => p.transport === 'TCP' && (p.src.port === 443 || p.dst.port === 443) && p.payload.length > 0);
  assert.ok(tls.length > 0);
  for (const p of tls) assert.equal(looksLikeSipStartLine(p.payload), false);
});

test('bare-LF messages and a start line ended by a lone CR (as tshark splits lines) are recognised', () => {
  for (const name of ['pkts__issue-106_006.txt', 'pkts__issue-106_008.txt']) {
    const b = torture.find((t) => t.name === name)!.bytes;
    assert.equal(b.indexOf(0x0d), -1, `${name} is LF-only`);
    assert.equal(looksLikeSipStartLine(b), true);
  }
  // nDPI's fuzzed capture, frame 247: "CANCEL sip:... SIP/2.0\r7Via: ..." (tshark decodes it as a CANCEL)
  const fuzzed = tsharkPayloadHex(corpusFile('nDPI__fuzz-2006-06-26-2594.pcap'), 247, 'udp.payload');
  const cr = fuzzed.indexOf(0x0d);
  assert.notEqual(fuzzed[cr + 1], 0x0a);
  assert.equal(looksLikeSipStartLine(fuzzed), true);
});

test('findSipStartLine skips junk lines and finds the first start line; -1 when there is none', () => {
  const rtp = rtpPayloads().slice(0, 3);
  const message = torture.find((t) => t.name === 'resiprocate__esc01.dat')!.bytes;
  // junk of several RTP payloads, then a line break, then the message
  const parts = [...rtp, Uint8Array.of(0x0d, 0x0a), message];
  const total = parts.reduce((n, p) => n + p.length, 0);
  const buf = new Uint8Array(total);
  let o = 0;
  for (const p of parts) { buf.set(p, o); o += p.length; }
  const at = total - message.length;
  assert.equal(findSipStartLine(buf, 0, buf.length), at);
  assert.equal(findSipStartLine(buf, 0, at), -1);
  // Via headers contain "SIP/2.0/UDP" but are not start lines: searching from inside the message finds nothing
  const afterStart = at + message.indexOf(0x0a) + 1;
  assert.equal(findSipStartLine(buf, afterStart, buf.length), -1);
  // two messages back to back (RFC 4475 dblreq): the second is found after the first
  const dbl = torture.find((t) => t.name === 'resiprocate__dblreq.dat')!.bytes;
  const second = findSipStartLine(dbl, dbl.indexOf(0x0a) + 1, dbl.length);
  assert.ok(second > 0);
  assert.equal(Buffer.from(dbl.subarray(second, second + 8)).toString('latin1'), 'INVITE s');
});
