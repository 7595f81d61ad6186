// tshark as the oracle at message level: SIP payloads of real captures (public corpus, read in place) are
// taken from tshark's own dissection (`udp.payload`), parsed here, and compared with the Call-ID, CSeq and
// method/status tshark reports for the same frame.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { parseSipMessage } from '../../../src/core/sip/parseSipMessage';
import { corpusDir } from '../../support/paths';
import { hasTshark, tsharkFields } from '../../support/tshark';

const AGG = '\u0001'; // tsharkFields joins repeated occurrences of a field with this

/** UDP captures whose SIP datagrams tshark dissects, chosen for variety. */
const CAPTURES = [
  'sngrep__aaa.pcap',                          // 81 messages: REGISTER/INVITE/CANCEL with auth challenges
  'nDPI__FAX-Call-t38-CA-TDM-SIP-FB-1.pcap',   // 92 messages: INVITE/OPTIONS/BYE, re-INVITE to T.38
  'cn-trace-analyzer__SIP_MT_offnet.pcap',     // operator multi-hop trace over 802.1Q, every message twice
  'cn-trace-analyzer__volte_calls_2.pcapng',   // open5gs/Kamailio IMS CSCFs
  'sngrep__ipv6frag.pcap',                     // SIP over IPv6 with fragmented INVITE/200
  'pkts__sipp.pcap',                           // SIPp-generated call
  'suricata-verify__sip_compact_form.pcap',    // compact header names (i:, f:, t:, v: ...)
  'heplify__sip_ipv6_udp.pcap',                // IPv6 literals written without "[" "]"
  'zeek__invalid-content-length.pcap',         // Content-Length: bad / xyz
];

const FIELDS = ['frame.number', 'udp.payload', 'sip.Call-ID', 'sip.CSeq.seq', 'sip.CSeq.method', 'sip.Status-Code', 'sip.Method'];

function hexToBytes(hex: string): Uint8Array {
  return Uint8Array.from(Buffer.from(hex, 'hex'));
}

for (const capture of CAPTURES) {
  test(`every SIP datagram of ${capture} parses with tshark's Call-ID, CSeq and method/status`, () => {
    hasTshark();
    const rows = tsharkFields(join(corpusDir, 'pcap', capture), FIELDS, { filter: 'sip && udp' });
    assert.ok(rows.length > 0, 'tshark lists SIP datagrams');
    let compared = 0;
    for (const [frame, payloads, callId, seq, cseqMethod, status, method] of rows) {
      // A tunnelled datagram lists the outer UDP payload first: the SIP is in the innermost one.
      const inner = payloads.split(AGG).pop() ?? '';
      const first = (v: string) => v.split(AGG)[0];
      const r = parseSipMessage(hexToBytes(inner));
      assert.ok(r.ok, `frame ${frame}: ${r.ok ? '' : r.issue.message}`);
      const m = r.message;
      assert.equal(m.callId ?? '', first(callId), `frame ${frame} Call-ID`);
      assert.equal(m.cseq === null ? '' : String(m.cseq.seq), first(seq), `frame ${frame} CSeq number`);
      assert.equal(m.cseq?.method ?? '', first(cseqMethod), `frame ${frame} CSeq method`);
      assert.equal(m.status === null ? '' : String(m.status), first(status), `frame ${frame} status`);
      assert.equal(m.kind === 'request' ? m.method : '', first(method), `frame ${frame} method`);
      if (m.kind === 'response') assert.equal(m.method, m.cseq?.method, `frame ${frame}: a response's method is its CSeq method`);
      compared++;
    }
    assert.equal(compared, rows.length);
  });
}

test('a fuzzed real capture (nDPI fuzz-2006-06-26-2594): every datagram gets an outcome, never an exception', () => {
  hasTshark();
  const rows = tsharkFields(join(corpusDir, 'pcap', 'nDPI__fuzz-2006-06-26-2594.pcap'), ['frame.number', 'udp.payload'], { filter: 'sip && udp' });
  assert.ok(rows.length > 40);
  let withErrors = 0;
  for (const [frame, payload] of rows) {
    const bytes = hexToBytes(payload.split(AGG)[0]);
    const r = parseSipMessage(bytes);
    if (!r.ok) {
      assert.equal(r.issue.severity, 'error', `frame ${frame}`);
      continue;
    }
    const lines = Buffer.from(bytes).toString('latin1').split('\n').length;
    for (const i of r.message.issues) {
      assert.ok(i.line >= 0 && i.line < lines, `frame ${frame}: ${i.code} on line ${i.line} of ${lines}`);
      if (i.offset !== undefined) assert.ok(i.offset >= 0 && i.offset <= bytes.length, `frame ${frame}: ${i.code} offset`);
    }
    if (r.message.issues.some((i) => i.severity === 'error')) withErrors++;
  }
  assert.ok(withErrors > 0, 'the corrupted messages are flagged');
});
