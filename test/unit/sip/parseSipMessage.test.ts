// parseSipMessage behaviours beyond the torture verdicts: line endings, leading CRLF, positions, bodies,
// ok:false, and robustness (mutated torture messages, pathological sizes). Inputs are corpus messages,
// transformed in the test where a behaviour needs it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseSipMessage } from '../../../src/core/sip/parseSipMessage';
import type { ParsedSip } from '../../../src/core/model/sipMessage';
import { corpusDir } from '../../support/paths';

const torture = (file: string) => new Uint8Array(readFileSync(join(corpusDir, 'torture', file)));
const latin1 = (b: Uint8Array) => Buffer.from(b).toString('latin1');
const bytes = (s: string) => new Uint8Array(Buffer.from(s, 'latin1'));

function ok(b: Uint8Array): ParsedSip {
  const r = parseSipMessage(b);
  assert.ok(r.ok, r.ok ? '' : r.issue.message);
  return r.message;
}

/** The message with its header section's CRLFs turned into bare LFs (the body left as it is). */
function withLfHeaders(b: Uint8Array, onlyFirst = Infinity): Uint8Array {
  const text = latin1(b);
  const end = text.indexOf('\r\n\r\n') + 4;
  let n = 0;
  const head = text.slice(0, end).replace(/\r\n/g, (m) => (n++ < onlyFirst ? '\n' : m));
  return bytes(head + text.slice(end));
}

test('bare-LF header lines are read like CRLF ones, with one sip.bare-lf warning', () => {
  const crlf = ok(torture('resiprocate__esc01.dat'));
  const lf = ok(withLfHeaders(torture('resiprocate__esc01.dat')));
  assert.equal(crlf.lineEnding, 'CRLF');
  assert.equal(lf.lineEnding, 'LF');
  assert.deepEqual(lf.headers.map((h) => [h.name, h.value, h.line, h.lineCount]), crlf.headers.map((h) => [h.name, h.value, h.line, h.lineCount]));
  assert.deepEqual([lf.callId, lf.cseq, lf.from, lf.to, lf.vias], [crlf.callId, crlf.cseq, crlf.from, crlf.to, crlf.vias]);
  assert.deepEqual(lf.body, crlf.body);
  const bare = lf.issues.filter((i) => i.code === 'sip.bare-lf');
  assert.equal(bare.length, 1);
  assert.equal(bare[0].severity, 'warning');
  assert.equal(bare[0].line, 0);
  assert.deepEqual(lf.issues.filter((i) => i.code !== 'sip.bare-lf'), crlf.issues);
  const mixed = ok(withLfHeaders(torture('resiprocate__esc01.dat'), 3));
  assert.equal(mixed.lineEnding, 'mixed');
  assert.equal(mixed.issues.filter((i) => i.code === 'sip.bare-lf').length, 1);
});

test('CRLFs before the start line are skipped (RFC 3261 §7.5) and counted in line numbers', () => {
  const plain = ok(torture('resiprocate__lwsdisp.dat'));
  const padded = ok(bytes(`\r\n\r\n${latin1(torture('resiprocate__lwsdisp.dat'))}`));
  assert.equal(padded.method, 'OPTIONS');
  assert.deepEqual(padded.headers.map((h) => h.line), plain.headers.map((h) => h.line + 2));
  assert.deepEqual(padded.headers.map((h) => h.offset), plain.headers.map((h) => h.offset + 4));
  assert.deepEqual(padded.issues.map((i) => [i.code, i.severity]), [['sip.leading-empty-lines', 'info']]);
});

test('header offsets, lines and folded line counts point into the message bytes', () => {
  for (const file of ['resiprocate__esc01.dat', 'resiprocate__semiuri.dat', 'sofia-sip__own5.txt', 'resiprocate__longreq.dat']) {
    const b = torture(file);
    const text = latin1(b);
    const m = ok(b);
    for (const h of m.headers) {
      assert.equal(text.slice(h.offset, h.offset + h.name.length), h.name, `${file}: offset of ${h.name}`);
      assert.equal(text.slice(0, h.offset).split('\n').length - 1, h.line, `${file}: line of ${h.name}`);
      const physical = text.slice(h.offset).split('\r\n');
      let count = 1;
      while (/^[ \t]/.test(physical[count])) count++;
      assert.equal(h.lineCount, count, `${file}: line count of ${h.name}`);
    }
  }
  // esc01: "Contact:" followed by its value on the next line.
  const contact = ok(torture('resiprocate__esc01.dat')).headers.find((h) => h.key === 'contact');
  assert.deepEqual(contact && [contact.lineCount, contact.value], [2, '<sip:cal%6Cer@host5.example.net;%6C%72;n%61me=v%61lue%25%34%31>']);
});

test('an issue inside a folded header points at the physical line holding the problem', () => {
  // sofia-sip 10052: the From URI's host is folded over three lines; the host starts on line 2.
  const m = ok(torture('sofia-sip__10052.txt'));
  const uri = m.issues.find((i) => i.code === 'sip.malformed-uri');
  assert.ok(uri);
  const lines = latin1(torture('sofia-sip__10052.txt')).split('\r\n');
  assert.equal(lines[uri.line].slice(uri.column ?? 0, (uri.column ?? 0) + 8), 'testaaaa');
  // badinv01: the Via problem's column points at the extra ";".
  const via = ok(torture('resiprocate__badinv01.dat')).issues.find((i) => i.code === 'sip.malformed-header');
  const viaLine = latin1(torture('resiprocate__badinv01.dat')).split('\r\n')[6];
  assert.equal(viaLine[via?.column ?? -1], ';');
  assert.equal(via?.offset, latin1(torture('resiprocate__badinv01.dat')).indexOf(';;') + 1, 'the second ";" is where a parameter name was due');
});

test('body: bounded by Content-Length, shorter is an error, absent means the rest of the datagram', () => {
  const clerr = ok(torture('resiprocate__clerr.dat'));
  const clerrText = latin1(torture('resiprocate__clerr.dat'));
  assert.equal(clerr.contentLength, 9999);
  assert.equal(clerr.body.length, clerrText.length - (clerrText.indexOf('\r\n\r\n') + 4));
  assert.equal(clerr.issues.find((i) => i.code === 'sip.content-length-mismatch')?.severity, 'error');
  const inv2543 = ok(torture('resiprocate__inv2543.dat'));
  const text = latin1(torture('resiprocate__inv2543.dat'));
  assert.equal(inv2543.contentLength, null);
  assert.equal(inv2543.bodyOffset, text.indexOf('\r\n\r\n') + 4);
  assert.equal(latin1(inv2543.body), text.slice(inv2543.bodyOffset));
  assert.equal(inv2543.contentType, 'application/sdp');
  // A body without Content-Type is flagged (RFC 3261 §20.15).
  const noType = ok(bytes(text.replace('Content-Type: application/sdp\r\n', '')));
  assert.ok(noType.issues.some((i) => i.code === 'sip.missing-content-type' && i.severity === 'warning'));
});

test('ok:false only when there is no SIP start line at all', () => {
  const reject = (b: Uint8Array) => {
    const r = parseSipMessage(b);
    assert.ok(!r.ok);
    assert.equal(r.issue.code, 'sip.unrecognised-message');
    assert.equal(r.issue.severity, 'error');
  };
  reject(new Uint8Array(0));
  reject(bytes('\r\n\r\n'));
  reject(bytes('GET / HTTP/1.1\r\nHost: example.com\r\n\r\n'));
  reject(bytes(`\0\0\0\0${latin1(torture('resiprocate__lwsdisp.dat'))}`));
  reject(torture('resiprocate__mpart01.dat').subarray(1000)); // the binary part of a body
  // A start line with defects is still a message.
  const noVersion = parseSipMessage(torture('resiprocate__test.dat'));
  assert.ok(noVersion.ok && noVersion.message.kind === 'request' && noVersion.message.version === '');
});

test('status lines: responses take their method from CSeq; malformed codes are flagged', () => {
  const text = latin1(torture('resiprocate__noreason.dat'));
  const variants: Array<[string, string, number | null]> = [
    ['SIP/2.0 100 ', '', 100],
    ['SIP/2.0 100', '', 100],
    ['sip/2.0 180 Ringing', 'Ringing', 180],
    ['SIP/2.0 1000 Trying', 'sip.bad-status-code', null],
    ['SIP/2.0 099 Low', 'sip.bad-status-code', null],
    ['SIP/2.0 700 High', 'sip.bad-status-code', null],
    ['SIP/2.0 200OK', 'sip.bad-status-code', null],
    ['SIP/2.0  200 OK', 'sip.malformed-start-line', 200],
    ['SIP/3.0 200 OK', 'sip.unknown-version', 200],
    ['SIP/2 200 OK', 'sip.malformed-start-line', 200],
  ];
  for (const [line, expected, status] of variants) {
    const m = ok(bytes(text.replace('SIP/2.0 100 ', line)));
    assert.equal(m.kind, 'response', line);
    assert.equal(m.status, status, line);
    assert.equal(m.method, 'INVITE', line);
    if (expected.startsWith('sip.')) assert.ok(m.issues.some((i) => i.code === expected && i.line === 0), `${line}: ${expected}`);
    else {
      assert.equal(m.reason, expected, line);
      assert.deepEqual(m.issues, [], line);
    }
  }
});

test('request lines: the method parameter and headers are not allowed in a Request-URI (RFC 3261 §19.1.1)', () => {
  const text = latin1(torture('resiprocate__lwsdisp.dat'));
  const m = ok(bytes(text.replace('OPTIONS sip:user@example.com SIP/2.0', 'OPTIONS sip:user@example.com;method=INVITE SIP/2.0')));
  assert.ok(m.issues.some((i) => i.code === 'sip.malformed-uri' && i.line === 0));
  const tab = ok(bytes(text.replace('OPTIONS sip:user@example.com SIP/2.0', 'OPTIONS\tsip:user@example.com SIP/2.0')));
  assert.equal(tab.requestUri, 'sip:user@example.com');
  assert.ok(tab.issues.some((i) => i.code === 'sip.malformed-start-line'));
});

test('mandatory headers: requests need Max-Forwards, responses do not (RFC 3261 §8.1.1)', () => {
  const response = ok(torture('resiprocate__bcast.dat'));
  assert.ok(!response.headers.some((h) => h.key === 'max-forwards'));
  assert.deepEqual(response.issues, []);
  const insuf = ok(torture('resiprocate__insuf.dat'));
  const missing = insuf.issues.filter((i) => i.code === 'sip.missing-header').map((i) => i.message.match(/no (\S+) header/)?.[1]).sort();
  assert.deepEqual(missing, ['Call-ID', 'From', 'Max-Forwards', 'To']);
});

/** Deterministic PRNG (xorshift32) so the mutation test is reproducible. */
function prng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    return x / 0x100000000;
  };
}

test('mutated torture messages never throw and every issue is positioned inside the message', () => {
  const files = ['resiprocate__wsinv.dat', 'resiprocate__intmeth.dat', 'resiprocate__esc01.dat', 'resiprocate__mpart01.dat', 'sofia-sip__own5.txt', 'ersip__ipv4-mapped-ipv6', 'resiprocate__unreason.dat'];
  const interesting = [0x0d, 0x0a, 0x20, 0x09, 0x3a, 0x3b, 0x2c, 0x22, 0x5c, 0x3c, 0x3e, 0x5b, 0x5d, 0x40, 0x25, 0x3d, 0x00, 0xff, 0xc3];
  const rand = prng(4475);
  let outcomes = 0;
  const started = Date.now();
  for (const file of files) {
    const original = torture(file);
    for (let k = 0; k < 300; k++) {
      const b = Uint8Array.from(original);
      const edits = 1 + Math.floor(rand() * 6);
      let view: Uint8Array = b;
      for (let e = 0; e < edits; e++) {
        const at = Math.floor(rand() * view.length);
        const kind = rand();
        if (kind < 0.6) view[at] = interesting[Math.floor(rand() * interesting.length)];
        else if (kind < 0.8) view = view.subarray(0, at);
        else view = Uint8Array.from([...view.subarray(0, at), ...view.subarray(at, at + 40), ...view.subarray(at)]);
      }
      const r = parseSipMessage(view);
      outcomes++;
      if (!r.ok) continue;
      const lines = latin1(view).split('\n').length;
      for (const i of r.message.issues) {
        assert.ok(i.line >= 0 && i.line < lines, `${file} mutation ${k}: ${i.code} at line ${i.line} of ${lines}`);
        assert.ok(i.offset === undefined || (i.offset >= 0 && i.offset <= view.length), `${file} mutation ${k}: ${i.code} offset ${i.offset}`);
        assert.ok(!i.message.includes('parser defect'), `${file} mutation ${k}: ${i.message}`);
      }
      assert.ok(r.message.bodyOffset <= view.length && r.message.body.length <= view.length - r.message.bodyOffset);
    }
  }
  assert.equal(outcomes, files.length * 300);
  // A hang or a super-linear path would blow far past this even on a loaded machine.
  assert.ok(Date.now() - started < 60000, `mutations took ${Date.now() - started} ms`);
});

test('pathological sizes parse in linear time', () => {
  const base = latin1(torture('resiprocate__lwsdisp.dat'));
  const cases = [
    base.replace('Via: SIP/2.0/UDP funky.example.com;branch=z9hG4bKkdjuw', `Via: SIP/2.0/UDP funky.example.com;branch=z9hG4bKkdjuw${';a'.repeat(100000)}`),
    base.replace('Via: SIP/2.0/UDP funky.example.com;branch=z9hG4bKkdjuw', `Via: ${'SIP/2.0/UDP a.example.com;branch=z9hG4bK1, '.repeat(20000)}SIP/2.0/UDP b.example.com`),
    base.replace('To: sip:user@example.com', `To: "${'\\"'.repeat(100000)}`),
    base.replace('To: sip:user@example.com', `To: <sip:user@example.com>${' '.repeat(200000)};tag=1`),
    base.replace('l: 0', `Contact: ${'<sip:a@b.example>,'.repeat(20000)}\r\nl: 0`),
    base.replace('l: 0', `${'X-Fold: a\r\n b\r\n'.repeat(20000)}l: 0`),
    base.replace('l: 0', `${'junk line without colon\r\n'.repeat(20000)}l: 0`),
  ];
  for (const c of cases) {
    const started = Date.now();
    const r = parseSipMessage(bytes(c));
    assert.ok(r.ok);
    // Quadratic work on these sizes would take minutes; linear work takes well under a second unloaded.
    assert.ok(Date.now() - started < 10000, `took ${Date.now() - started} ms for ${c.length} bytes`);
  }
});

test('a message given as a view into a larger buffer is parsed relative to the view', () => {
  const message = torture('resiprocate__esc01.dat');
  const big = new Uint8Array(message.length + 300);
  big.fill(0x41);
  big.set(message, 200);
  const view = big.subarray(200, 200 + message.length);
  const alone = ok(message);
  const inView = ok(view);
  assert.deepEqual(inView.headers, alone.headers);
  assert.deepEqual(inView.issues, alone.issues);
  assert.equal(inView.bodyOffset, alone.bodyOffset);
  assert.deepEqual(inView.body, alone.body);
  assert.equal(inView.body.byteOffset, 200 + alone.bodyOffset, 'the body is a view into the same buffer');
});
