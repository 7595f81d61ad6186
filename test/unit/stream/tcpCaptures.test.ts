// SIP over TCP (and WebSocket) in real captures: the messages our stream reassembly cuts out are the ones
// tshark reports, at the same frames (the frame completing each message), starting where tshark's
// reassembled PDU starts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { corpusFile, describe, extract, payloadsOf, tsharkDescribed } from './streamSupport';
import { tsharkFields } from '../../support/tshark';

/** TCP captures of the corpus, with the decode-as rules tshark needs for SIP on a non-standard port. */
const tcpCaptures: { name: string; decodeAs?: string[]; messages: number }[] = [
  { name: 'suricata-verify__sip-body-large.pcap', messages: 2 },
  { name: 'heplify__sip_ipv4_tcp_fragmented.pcap', decodeAs: ['tcp.port==6060,sip'], messages: 406 },
  { name: 'pkts__fragmented_tcp_sip.pcap', messages: 6 },
  { name: 'sngrep__ipip.pcap', messages: 4 },
  { name: 'PcapPlusPlus__sip_resp.pcap', messages: 7 },
  { name: 'suricata-verify__sip-tcp.pcap', messages: 2 },
  { name: 'suricata-verify__sip-tcp-pattern-matching_sip.pcap', messages: 2 },
  { name: 'heplify__sip_ipv4_tcp.pcap', messages: 7 },
  { name: 'heplify__sip_ipv4_tcp_retrans.pcap', messages: 8 },
  { name: 'arkime__gtp-iphone.pcap', messages: 17 },
  { name: 'cn-trace-analyzer__SIP_MT_offnet.pcap', messages: 83 },
  // kamailio S-CSCF on TCP 6060: tshark only sees it with decode-as, we see it by content
  { name: 'cn-trace-analyzer__volte_calls_2.pcapng', decodeAs: ['tcp.port==6060,sip'], messages: 24 },
  { name: 'heplify__sip_tcp_websocket.pcap', messages: 39 },
];

/** Per frame, the sorted list of what it completes: messages of one frame come out in stream order, tshark's fields do not keep it. */
function perFrame(lines: string[]): string[] {
  const byFrame = new Map<string, string[]>();
  for (const l of lines) {
    const frame = l.slice(0, l.indexOf(' '));
    if (!byFrame.has(frame)) byFrame.set(frame, []);
    byFrame.get(frame)!.push(l);
  }
  return [...byFrame.values()].map((v) => v.sort().join(' | '));
}

for (const c of tcpCaptures) {
  test(`${c.name}: same SIP messages at the same frames as tshark`, () => {
    const file = corpusFile(c.name);
    const ours = extract(payloadsOf(file));
    const theirs = tsharkDescribed(file, c.decodeAs);
    assert.equal(theirs.length, c.messages, 'tshark message count as recorded in the corpus MANIFEST');
    assert.deepEqual(perFrame(ours.messages.map(describe)), perFrame(theirs));
    for (const m of ours.messages) {
      assert.ok(m.firstFrame <= m.frame, `message at frame ${m.frame} starts in frame ${m.firstFrame}`);
      assert.notEqual(m.truncated, true);
    }
  });
}

test('a message over several segments starts in the frame where tshark\'s reassembled PDU starts', () => {
  for (const c of [
    { name: 'pkts__fragmented_tcp_sip.pcap', decodeAs: [] as string[] },
    { name: 'suricata-verify__sip-body-large.pcap', decodeAs: [] },
    { name: 'heplify__sip_ipv4_tcp_fragmented.pcap', decodeAs: ['-d', 'tcp.port==6060,sip'] },
  ]) {
    const file = corpusFile(c.name);
    const firstSegment = new Map<number, number>();
    for (const [frame, segments] of tsharkFields(file, ['frame.number', 'tcp.segment'], { filter: 'sip', extra: c.decodeAs })) {
      if (segments) firstSegment.set(Number(frame), Math.min(...segments.split(/[\u0001,]/).map(Number)));
    }
    assert.ok(firstSegment.size > 0, `${c.name} has messages over several segments`);
    const ours = extract(payloadsOf(file)).messages;
    const byFrame = new Map<number, number[]>();
    for (const m of ours) byFrame.set(m.frame, [...(byFrame.get(m.frame) ?? []), m.firstFrame]);
    for (const [frame, first] of firstSegment) {
      // the first message a frame completes is the reassembled one (any others lie wholly in the frame)
      assert.equal(byFrame.get(frame)?.[0], first, `${c.name} frame ${frame}`);
    }
  }
});

test('the 64 KiB body of sip-body-large arrives whole: Content-Length bytes after the header section', () => {
  const ours = extract(payloadsOf(corpusFile('suricata-verify__sip-body-large.pcap'))).messages;
  const invite = ours[0];
  const text = Buffer.from(invite.bytes).toString('latin1');
  const headerEnd = text.indexOf('\r\n\r\n') + 4;
  const declared = Number(/^Content-Length:\s*(\d+)/im.exec(text)![1]);
  assert.equal(declared, 65536);
  assert.equal(invite.bytes.length - headerEnd, declared);
  const [[reassembled]] = tsharkFields(corpusFile('suricata-verify__sip-body-large.pcap'), ['tcp.reassembled.length'], { filter: 'frame.number == 9' });
  assert.equal(invite.bytes.length, Number(reassembled));
});

test('SIP over WebSocket: each text frame is one message, transport WS, at the frames tshark decodes', () => {
  const file = corpusFile('heplify__sip_tcp_websocket.pcap');
  const ours = extract(payloadsOf(file));
  const ws = ours.messages.filter((m) => m.transport === 'WS');
  const frames = tsharkFields(file, ['frame.number', 'websocket.mask'], { filter: 'websocket && sip' });
  assert.equal(ws.length, 11);
  assert.deepEqual(ws.map((m) => m.frame), frames.map(([f]) => Number(f)));
  // client → server frames are masked (RFC 6455 §5.3): unmasked text still starts with a start line
  assert.ok(frames.some(([, mask]) => mask === '1' || mask === 'True'));
  for (const m of ws) assert.match(Buffer.from(m.bytes.subarray(0, 8)).toString('latin1'), /^(INVITE|ACK|BYE|SIP\/2\.0) /);
  assert.ok(ours.messages.filter((m) => m.transport === 'UDP').length === 28);
});
