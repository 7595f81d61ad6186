// The RFC 4475 torture messages (plus RFC 5118's IPv6 set and the sofia-sip / pkts parser tests) from the
// public corpus, read in place and checked against what the RFCs say about each one.
//
// About the bytes: the resiprocate .dat files carry no resiprocate-specific preamble or trailer; each one
// starts with its start line (checked below). One differs from the RFC: baddn.dat lacks the empty line
// that ends the header section (its last line is "l: 0" CRLF), so it also draws
// sip.unterminated-header-section. The RFC 5118 files are ersip's CRLF re-encoding of the RFC's LF-only
// archive: the three with SDP keep Content-Length values that count the LF-only body, so their bodies
// are longer than declared (sip.body-beyond-content-length, a warning, as RFC 3261 §18.3 says to ignore
// the excess). sofia-sip 10052.txt ends without the last CRLF of its SDP (178 of the declared 180 bytes).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseSipMessage } from '../../../src/core/sip/parseSipMessage';
import { parseSipUri } from '../../../src/core/sip/sipUri';
import { getHeaders } from '../../../src/core/sip/headerLookup';
import type { ParsedSip } from '../../../src/core/model/sipMessage';
import { corpusDir } from '../../support/paths';

type Group = 'valid' | 'invalid' | 'transaction' | 'application' | 'rfc5118' | 'other';
interface Row { file: string; methodOrStatus: string; notes: string; group: Group }

function manifestRows(): Row[] {
  const lines = readFileSync(join(corpusDir, 'MANIFEST.tsv'), 'utf8').split('\n');
  const header = lines[0].split('\t');
  const col = (name: string) => header.indexOf(name);
  const rows: Row[] = [];
  for (const line of lines.slice(1)) {
    const cells = line.split('\t');
    const file = cells[col('file')];
    if (!file?.startsWith('torture/')) continue;
    const notes = cells[col('notes')];
    const group: Group = notes.includes('RFC 4475 3.1.1') ? 'valid'
      : notes.includes('RFC 4475 3.1.2') ? 'invalid'
        : notes.includes('RFC 4475 3.2') ? 'transaction'
          : notes.includes('RFC 4475 3.3') ? 'application'
            : notes.includes('RFC 5118') ? 'rfc5118'
              : 'other';
    rows.push({ file: file.slice('torture/'.length), methodOrStatus: cells[col('methods_seen')], notes, group });
  }
  return rows;
}

const rows = manifestRows();
const bytesOf = (file: string) => new Uint8Array(readFileSync(join(corpusDir, 'torture', file)));
const name = (file: string) => file.replace(/^[a-z-]+__/, '').replace(/\.(dat|txt)$/, '');

function parsed(file: string): ParsedSip {
  const r = parseSipMessage(bytesOf(file));
  assert.ok(r.ok, `${file}: expected a parsed message, got ${r.ok ? '' : `${r.issue.code}: ${r.issue.message}`}`);
  return r.message;
}
const errors = (m: ParsedSip) => m.issues.filter((i) => i.severity === 'error');
const codes = (m: ParsedSip) => [...new Set(m.issues.map((i) => i.code))].sort();
const describe = (m: ParsedSip) => m.issues.map((i) => `${i.severity} ${i.code} @${i.line}: ${i.message}`).join('\n');

/**
 * RFC 4475 §3.1.2: each invalid message, the code that names its defect, and the 0-based line of the
 * message where the defect is (counted by reading the file).
 */
const INVALID: Record<string, { code: string; line: number }> = {
  badinv01: { code: 'sip.malformed-header', line: 6 },         // §3.1.2.1 extraneous ";" and "," separators in Via (and Contact)
  clerr: { code: 'sip.content-length-mismatch', line: 9 },     // §3.1.2.2 Content-Length 9999, far more than the body
  ncl: { code: 'sip.malformed-header', line: 9 },              // §3.1.2.3 negative Content-Length: -999
  scalar02: { code: 'sip.value-out-of-range', line: 4 },       // §3.1.2.4 CSeq number above 2**32-1 (and Max-Forwards 300)
  scalarlg: { code: 'sip.value-out-of-range', line: 4 },       // §3.1.2.5 response CSeq number far above 2**31
  quotbal: { code: 'sip.malformed-header', line: 1 },          // §3.1.2.6 To display name: unterminated quoted string
  ltgtruri: { code: 'sip.malformed-uri', line: 0 },            // §3.1.2.7 Request-URI enclosed in <>
  lwsruri: { code: 'sip.malformed-start-line', line: 0 },      // §3.1.2.8 Request-URI with embedded LWS ("; lr")
  lwsstart: { code: 'sip.malformed-start-line', line: 0 },     // §3.1.2.9 multiple SP between Request-Line elements
  trws: { code: 'sip.malformed-start-line', line: 0 },         // §3.1.2.10 SP characters after SIP-Version
  escruri: { code: 'sip.malformed-uri', line: 0 },             // §3.1.2.11 escaped headers (?Route=) in the Request-URI
  baddate: { code: 'sip.malformed-header', line: 7 },          // §3.1.2.12 Date in EST instead of GMT
  regbadct: { code: 'sip.malformed-header', line: 7 },         // §3.1.2.13 Contact URI with "?" not enclosed in <>
  badaspec: { code: 'sip.malformed-header', line: 4 },         // §3.1.2.14 spaces inside <> around the To addr-spec
  baddn: { code: 'sip.malformed-header', line: 3 },            // §3.1.2.15 unquoted display name with "," (From, and To)
  badvers: { code: 'sip.unknown-version', line: 0 },           // §3.1.2.16 SIP/7.0
  mismatch01: { code: 'sip.cseq-method-mismatch', line: 5 },   // §3.1.2.17 OPTIONS with CSeq INVITE
  mismatch02: { code: 'sip.cseq-method-mismatch', line: 5 },   // §3.1.2.18 NEWMETHOD with CSeq INVITE
  bigcode: { code: 'sip.bad-status-code', line: 0 },           // §3.1.2.19 Status-Code 4294967301
};

/**
 * RFC 4475 §3.2 and §3.3 (the corpus files §3.4's inv2543 under 3.3): syntactically valid messages whose
 * trouble is for the transaction or application layer. Each parses; these are all the issues each draws.
 */
const SEMANTIC: Record<string, string[]> = {
  badbranch: ['sip.via-branch-no-cookie'],                     // §3.2.1 branch is the bare cookie "z9hG4bK"
  insuf: ['sip.missing-header'],                               // §3.3.1 no To, From, Call-ID, Max-Forwards
  unkscm: [],                                                  // §3.3.2 Request-URI of an unknown scheme: well-formed
  novelsc: [],                                                 // §3.3.3 soap.beep: Request-URI: well-formed
  unksm2: [],                                                  // §3.3.4 isbn:, http:, name: URIs in To/From/Contact
  bext01: [],                                                  // §3.3.5 unknown Require / Proxy-Require options
  invut: [],                                                   // §3.3.6 unknown Content-Type
  regaut01: [],                                                // §3.3.7 unknown Authorization scheme
  multi01: ['sip.duplicate-header'],                           // §3.3.8 two CSeq, Call-ID, To, From, Max-Forwards
  mcl01: ['sip.duplicate-header'],                             // §3.3.9 two conflicting Content-Length values
  bcast: [],                                                   // §3.3.10 Via sent-by 255.255.255.255
  zeromf: [],                                                  // §3.3.11 Max-Forwards: 0
  cparam01: [],                                                // §3.3.12 Contact addr-spec with a header parameter
  cparam02: [],                                                // §3.3.13 Contact <URI;uri-param>
  regescrt: [],                                                // §3.3.14 Contact <URI?escaped header> inside <>
  sdp01: [],                                                   // §3.3.15 Accept: text/nobodyKnowsThis
  // §3.4.1 RFC 2543 syntax: no branch, no Max-Forwards, no From tag.
  inv2543: ['sip.missing-from-tag', 'sip.missing-header', 'sip.via-branch-no-cookie'],
};

/** RFC 5118 §4: only §4.2 is invalid; §4.3 is "well-formed" and §4.10 says to tolerate the three-colon form. */
const RFC5118: Record<string, { errors: string[]; warnings: string[] }> = {
  'ipv6-good': { errors: [], warnings: [] },                                  // §4.1
  'ipv6-bad': { errors: ['sip.malformed-uri'], warnings: [] },                 // §4.2 Request-URI sip:2001:db8::10
  'port-ambiguous': { errors: [], warnings: [] },                             // §4.3 [2001:db8::10:5070] is an address
  'port-unambiguous': { errors: [], warnings: [] },                           // §4.4
  'via-received-param-with-delim': { errors: [], warnings: [] },              // §4.5 received=[...]
  'via-received-param-no-delim': { errors: [], warnings: [] },                // §4.5 received=2001:db8::9:255
  'ipv6-in-sdp': { errors: [], warnings: ['sip.body-beyond-content-length'] }, // §4.6 (LF-counted Content-Length)
  'mult-ip-in-header': { errors: [], warnings: [] },                          // §4.7
  'mult-ip-in-sdp': { errors: [], warnings: ['sip.body-beyond-content-length'] }, // §4.8 (LF-counted Content-Length)
  'ipv4-mapped-ipv6': { errors: [], warnings: ['sip.body-beyond-content-length'] }, // §4.9 (LF-counted Content-Length)
  'ipv6-bug-abnf-3-colons': { errors: [], warnings: ['sip.ipv6-three-colon'] }, // §4.10 tolerated
  'ipv6-correct-abnf-2-colons': { errors: [], warnings: [] },                 // §4.10
};

/** The other parser tests in the torture folder, with every issue each must draw (read from the bytes). */
const OTHER: Record<string, string[]> = {
  // resiprocate's own test.dat: no SIP-Version, a line without ":", scheme-less To/From, no Via/CSeq.
  test: ['sip.malformed-header', 'sip.malformed-start-line', 'sip.malformed-uri', 'sip.missing-header'],
  // sofia-sip: From URI folded across lines (LWS inside the host) and 178 of the declared 180 body bytes.
  '10052': ['sip.content-length-mismatch', 'sip.malformed-uri'],
  // sofia-sip: RFC 2543-style Vias without branch, a "(NTA 1.0)" Via comment, From without tag.
  own0: ['sip.missing-from-tag', 'sip.via-branch-no-cookie', 'sip.via-comment'],
  // sofia-sip: IPv6 everywhere, folded Via parameters; it has no Max-Forwards.
  own5: ['sip.missing-header'],
  // pkts issue 106 set (LF-only lines, branch=asdf, no Max-Forwards, one trailing LF after the empty line):
  'issue-106_006': ['sip.bare-lf', 'sip.missing-from-tag', 'sip.missing-header', 'sip.trailing-empty-lines', 'sip.via-branch-no-cookie'],
  'issue-106_008': ['sip.bare-lf', 'sip.malformed-uri', 'sip.missing-header', 'sip.trailing-empty-lines', 'sip.via-branch-no-cookie'],
  'issue-106_011': ['sip.bare-lf', 'sip.missing-from-tag', 'sip.missing-header', 'sip.trailing-empty-lines', 'sip.via-branch-no-cookie'],
  'issue-106_012': ['sip.bare-lf', 'sip.malformed-header', 'sip.missing-header', 'sip.trailing-empty-lines', 'sip.via-branch-no-cookie'],
};

test('the manifest lists the torture set: 13 valid, 19 invalid, 17 semantic, 12 RFC 5118, 8 others', () => {
  const count = (g: Group) => rows.filter((r) => r.group === g).length;
  assert.equal(count('valid'), 13);
  assert.equal(count('invalid'), 19);
  assert.equal(count('transaction') + count('application'), 17);
  assert.equal(count('rfc5118'), 12);
  assert.equal(count('other'), 8);
  // Every file has a verdict in one of the tables above.
  for (const r of rows) {
    const n = name(r.file);
    const known = r.group === 'valid' || (r.group === 'invalid' && n in INVALID) || ((r.group === 'transaction' || r.group === 'application') && n in SEMANTIC)
      || (r.group === 'rfc5118' && n in RFC5118) || (r.group === 'other' && n in OTHER);
    assert.ok(known, `${r.file} (${r.group}) has no expected verdict`);
  }
});

test('resiprocate .dat files carry no preamble: each starts with its start line', () => {
  for (const r of rows.filter((row) => row.file.startsWith('resiprocate__'))) {
    const first = Buffer.from(bytesOf(r.file)).toString('latin1').split('\r\n')[0];
    const expected = /^\d+$/.test(r.methodOrStatus) ? `SIP/2.0 ${r.methodOrStatus}` : `${r.methodOrStatus} `;
    assert.ok(first.startsWith(expected), `${r.file} starts with "${first.slice(0, 30)}"`);
  }
});

for (const r of rows) {
  const n = name(r.file);
  if (r.group === 'valid') {
    test(`RFC 4475 §3.1.1 valid: ${n} parses with no error`, () => {
      const m = parsed(r.file);
      assert.deepEqual(errors(m), [], describe(m));
      assert.equal(m.kind === 'request' ? m.method : String(m.status), r.methodOrStatus);
    });
  } else if (r.group === 'invalid') {
    test(`RFC 4475 §3.1.2 invalid: ${n} yields ${INVALID[n]?.code}`, () => {
      const m = parsed(r.file);
      const want = INVALID[n];
      const hit = m.issues.find((i) => i.code === want.code && i.severity === 'error');
      assert.ok(hit, `expected ${want.code}; got:\n${describe(m)}`);
      assert.equal(hit.line, want.line, `${want.code} should point at line ${want.line}`);
      assert.match(hit.message, /RFC \d+/, 'the message cites its RFC');
    });
  } else if (r.group === 'transaction' || r.group === 'application') {
    test(`RFC 4475 §${r.group === 'transaction' ? '3.2' : '3.3'}: ${n} parses; issues ${JSON.stringify(SEMANTIC[n])}`, () => {
      const m = parsed(r.file);
      assert.deepEqual(codes(m), SEMANTIC[n], describe(m));
    });
  } else if (r.group === 'rfc5118') {
    test(`RFC 5118: ${n} ${RFC5118[n]?.errors.length ? `yields ${RFC5118[n].errors}` : 'parses without error'}`, () => {
      const m = parsed(r.file);
      const want = RFC5118[n];
      assert.deepEqual([...new Set(errors(m).map((i) => i.code))].sort(), want.errors, describe(m));
      assert.deepEqual([...new Set(m.issues.filter((i) => i.severity !== 'error').map((i) => i.code))].sort(), want.warnings, describe(m));
    });
  } else {
    test(`other parser test: ${n} draws ${JSON.stringify(OTHER[n])}`, () => {
      const m = parsed(r.file);
      assert.deepEqual(codes(m), OTHER[n], describe(m));
    });
  }
}

test('every issue of every torture message sits on a line of that message and cites an RFC', () => {
  for (const r of rows) {
    const bytes = bytesOf(r.file);
    const lineCount = Buffer.from(bytes).toString('latin1').split('\n').length;
    const m = parsed(r.file);
    for (const i of m.issues) {
      assert.ok(i.line >= 0 && i.line < lineCount, `${r.file}: ${i.code} at line ${i.line} of ${lineCount}`);
      assert.ok(i.column === undefined || i.column >= 0);
      assert.match(i.message, /RFC \d+/, `${r.file}: ${i.code} message cites an RFC`);
    }
  }
});

// What RFC 4475 says about the content of some valid messages, checked field by field.

test('wsinv (§3.1.1.1): folding, LWS, compact and case-mixed names', () => {
  const m = parsed('resiprocate__wsinv.dat');
  assert.equal(m.callId, 'wsinv.ndaksdj@192.0.2.1');
  assert.deepEqual(m.cseq, { seq: 9, method: 'INVITE' });
  assert.equal(m.to?.tag, '1918181833n');
  assert.equal(m.from?.tag, '98asjd8');
  assert.equal(m.from?.display, 'J Rosenberg \\"');
  assert.equal(m.contentLength, 150);
  assert.equal(m.body.length, 150);
  assert.deepEqual(m.vias.map((v) => [v.transport, v.sentBy, v.branch]), [
    ['UDP', '192.0.2.2', '390skdjuw'],
    ['TCP', 'spindle.example.com', 'z9hG4bK9ikj8'],
    ['UDP', '192.168.255.111', 'z9hG4bK30239'],
  ]);
  // Positions: "cseq: 0009" + "  INVITE" is one header over two lines; the folded Via spans three.
  const cseq = m.headers.find((h) => h.key === 'cseq');
  assert.deepEqual(cseq && [cseq.name, cseq.line, cseq.lineCount, cseq.value], ['cseq', 9, 2, '0009 INVITE']);
  const firstVia = m.headers.find((h) => h.key === 'via');
  assert.deepEqual(firstVia && [firstVia.name, firstVia.line, firstVia.lineCount], ['Via', 11, 3]);
  const text = Buffer.from(bytesOf('resiprocate__wsinv.dat')).toString('latin1');
  for (const h of m.headers) {
    assert.equal(text.slice(h.offset).split('\r\n')[0].slice(0, h.name.length), h.name, `offset of ${h.name}`);
    assert.equal(text.slice(0, h.offset).split('\r\n').length - 1, h.line, `line of ${h.name}`);
  }
  assert.equal(getHeaders(m, 'm')[0].value, '"Quoted string \\"\\"" <sip:jdrosen@example.com> ; newparam = newvalue ; secondparam ; q = 0.33');
});

test('intmeth (§3.1.1.2): unusual but valid method, URI, display names and Call-ID', () => {
  const m = parsed('resiprocate__intmeth.dat');
  assert.equal(m.method, "!interesting-Method0123456789_*+`.%indeed'~");
  assert.equal(m.cseq?.method, m.method);
  assert.equal(m.callId, 'intmeth.word%ZK-!.*_+\'@word`~)(><:\\/"][?}{');
  assert.equal(m.from?.tag, "_token~1'+`*%!-.");
  const ruri = parseSipUri(m.requestUri ?? '');
  assert.equal(ruri?.user, "1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*");
  assert.equal(ruri?.password, "&it+has=1,weird!*pas$wo~d_too.(doesn't-it)");
  assert.equal(ruri?.host, 'example.com');
});

test('esc02 (§3.1.1.5): "%" in a method is not an escape; C%6Fntact is not Contact', () => {
  const m = parsed('resiprocate__esc02.dat');
  assert.equal(m.method, 'RE%47IST%45R');
  assert.equal(getHeaders(m, 'contact').length, 2);
  assert.equal(getHeaders(m, 'C%6Fntact').length, 1);
});

test('dblreq (§3.1.1.8): only the REGISTER is the message; the rest of the datagram is ignored', () => {
  const m = parsed('resiprocate__dblreq.dat');
  assert.equal(m.method, 'REGISTER');
  assert.equal(m.callId, 'dblreq.0ha0isndaksdj99sdfafnl3lk233412');
  assert.equal(m.body.length, 0);
  assert.deepEqual(codes(m), ['sip.body-beyond-content-length']);
});

test('semiuri (§3.1.1.9), transports (§3.1.1.10), lwsdisp (§3.1.1.6)', () => {
  assert.equal(parseSipUri(parsed('resiprocate__semiuri.dat').requestUri ?? '')?.user, 'user;par=u%40example.net');
  assert.deepEqual(parsed('resiprocate__transports.dat').vias.map((v) => v.transport), ['UDP', 'SCTP', 'TLS', 'UNKNOWN', 'TCP']);
  assert.equal(parsed('resiprocate__lwsdisp.dat').from?.display, 'caller');
});

test('mpart01 (§3.1.1.11): the multipart body is kept byte for byte with its content type', () => {
  const bytes = bytesOf('resiprocate__mpart01.dat');
  const r = parseSipMessage(bytes);
  assert.ok(r.ok);
  const m = r.message;
  const bodyStart = Buffer.from(bytes).indexOf('\r\n\r\n') + 4;
  assert.equal(m.bodyOffset, bodyStart);
  assert.equal(m.contentType, 'multipart/mixed;boundary=7a9cbec02ceef655');
  assert.deepEqual(m.body, bytes.subarray(bodyStart, bodyStart + 553));
  assert.equal(m.body.buffer, bytes.buffer, 'the body is a view, not a copy');
});

test('unreason (§3.1.1.12) and noreason (§3.1.1.13): UTF-8 and empty reason phrases', () => {
  const bytes = bytesOf('resiprocate__unreason.dat');
  const firstLine = Buffer.from(bytes).toString('utf8').split('\r\n')[0];
  const m = parsed('resiprocate__unreason.dat');
  assert.equal(m.status, 200);
  assert.equal(m.reason, firstLine.slice('SIP/2.0 200 '.length));
  assert.equal(m.method, 'INVITE', 'a response takes its method from CSeq');
  const n = parsed('resiprocate__noreason.dat');
  assert.equal(n.status, 100);
  assert.equal(n.reason, '');
});

test('longreq (§3.1.1.7): 34 Via values in mixed case and compact form, all kept in order', () => {
  const m = parsed('resiprocate__longreq.dat');
  const text = Buffer.from(bytesOf('resiprocate__longreq.dat')).toString('latin1');
  const viaLines = text.split('\r\n').filter((l) => /^(via|v)\s*:/i.test(l)).length;
  assert.equal(viaLines, 34);
  assert.equal(m.vias.length, 34);
  assert.equal(m.vias[0].sentBy, 'sip33.example.com');
  assert.equal(m.vias[33].sentBy, 'host.example.com');
});

test('baddn.dat lacks the empty line after its headers; the parser says so and still reads it', () => {
  const bytes = bytesOf('resiprocate__baddn.dat');
  assert.equal(Buffer.from(bytes).indexOf('\r\n\r\n'), -1);
  const m = parsed('resiprocate__baddn.dat');
  assert.ok(codes(m).includes('sip.unterminated-header-section'));
  assert.equal(m.contentLength, 0);
  assert.equal(m.body.length, 0);
});

test('mcl01 (§3.3.9): with conflicting Content-Length values every byte after the headers is kept', () => {
  const bytes = bytesOf('resiprocate__mcl01.dat');
  const m = parsed('resiprocate__mcl01.dat');
  assert.equal(m.body.length, bytes.length - (Buffer.from(bytes).indexOf('\r\n\r\n') + 4));
});
