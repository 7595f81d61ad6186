// Header-value parsers exported for the correlator and checker: URIs, name-addr, Via, list splitting,
// parameters, compact forms. Inputs are the examples and productions of RFC 3261, 3966, 4475 and 5118.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSipUri, checkUri } from '../../../src/core/sip/sipUri';
import { parseNameAddr, checkNameAddr } from '../../../src/core/sip/nameAddr';
import { parseVia, checkVia } from '../../../src/core/sip/via';
import { splitHeaderValues } from '../../../src/core/sip/splitHeaderValues';
import { parseParameters, scanParameters, unquote } from '../../../src/core/sip/parameters';
import { canonicalHeaderKey, COMPACT_FORMS } from '../../../src/core/sip/compactForms';
import { checkHost, checkIpv6Address } from '../../../src/core/sip/host';
import { checkCSeq } from '../../../src/core/sip/cseq';
import { getHeader, getHeaders } from '../../../src/core/sip/headerLookup';
import { parseSipMessage } from '../../../src/core/sip/parseSipMessage';

test('SIP URI: user, password, host, port, parameters and headers (RFC 3261 §19.1.3 examples)', () => {
  assert.deepEqual(parseSipUri('sip:alice:secretword@atlanta.com;transport=tcp'), {
    scheme: 'sip', user: 'alice', password: 'secretword', host: 'atlanta.com', port: null,
    params: { transport: 'tcp' }, headers: {},
  });
  assert.deepEqual(parseSipUri('sips:alice@atlanta.com?subject=project%20x&priority=urgent'), {
    scheme: 'sips', user: 'alice', password: null, host: 'atlanta.com', port: null,
    params: {}, headers: { subject: 'project%20x', priority: 'urgent' },
  });
  assert.deepEqual(parseSipUri('sip:+1-212-555-1212:1234@gateway.com;user=phone'), {
    scheme: 'sip', user: '+1-212-555-1212', password: '1234', host: 'gateway.com', port: null,
    params: { user: 'phone' }, headers: {},
  });
  assert.deepEqual(parseSipUri('sip:atlanta.com;method=REGISTER?to=alice%40atlanta.com'), {
    scheme: 'sip', user: null, password: null, host: 'atlanta.com', port: null,
    params: { method: 'REGISTER' }, headers: { to: 'alice%40atlanta.com' },
  });
  assert.equal(parseSipUri('sip:alice@192.0.2.4:5070')?.port, 5070);
  assert.equal(parseSipUri('SIP:alice@atlanta.com')?.scheme, 'sip', 'the scheme is case-insensitive');
  // Valueless parameter (lr) and a parameter name kept lower-case; values stay as written.
  assert.deepEqual(parseSipUri('sip:p1.example.com;LR;Transport=TCP')?.params, { lr: null, transport: 'TCP' });
});

test('SIP URI: IPv6 references (RFC 5118 §4.1, §4.3, §4.4, §4.10)', () => {
  const good = parseSipUri('sip:[2001:db8::10]:5070');
  assert.equal(good?.host, '[2001:db8::10]');
  assert.equal(good?.port, 5070);
  // §4.3: well-formed; the would-be port is part of the address.
  const ambiguous = parseSipUri('sip:[2001:db8::10:5070]');
  assert.equal(ambiguous?.host, '[2001:db8::10:5070]');
  assert.equal(ambiguous?.port, null);
  // 3GPP example style (TS 24.229 flows use literals such as these).
  assert.equal(parseSipUri('sip:user1@[5555::aaa:bbb:ccc:ddd]:1357')?.host, '[5555::aaa:bbb:ccc:ddd]');
  // §4.10: the three-colon form is tolerated with a warning, the two-colon form is clean.
  const three = checkUri('sip:user@[2001:db8:::192.0.2.1]');
  assert.ok(three.ok && three.warning !== null);
  const two = checkUri('sip:user@[2001:db8::192.0.2.1]');
  assert.ok(two.ok && two.warning === null);
  // §4.2: an IPv6 address without brackets is not a host.
  assert.equal(parseSipUri('sip:2001:db8::10'), null);
});

test('IPv6 address text forms (RFC 4291 §2.2)', () => {
  for (const ok of ['::', '::1', '1::', 'fe80::1', '2001:db8:0:0:1:0:0:1', '1:2:3:4:5:6:7::', '::ffff:192.0.2.2', '1:2:3:4:5:6:192.0.2.1']) {
    assert.equal(checkIpv6Address(ok), 'valid', ok);
  }
  for (const bad of ['', ':', '1:2:3:4:5:6:7', '1:2:3:4:5:6:7:8:9', '1::2::3', '12345::', 'g::1', '1:2:3:4:5:6:7:192.0.2.1', '::256.0.0.1']) {
    assert.equal(checkIpv6Address(bad), null, bad);
  }
  assert.equal(checkIpv6Address('2001:db8:::192.0.2.1'), 'three-colon');
  assert.deepEqual(checkHost('255.255.255.255'), { ok: true, kind: 'ipv4', abnfBug: false });
  assert.equal(checkHost('256.1.1.1').ok, false, 'an all-numeric host must be a valid IPv4 address');
  assert.equal(checkHost('-bad.example.com').ok, false, 'labels do not start with "-"');
  assert.deepEqual(checkHost('host.example.com.'), { ok: true, kind: 'hostname', abnfBug: false });
});

test('SIP URI: what RFC 3261 §25.1 rejects', () => {
  assert.equal(parseSipUri('<sip:user@example.com>'), null, 'angle brackets are not part of a URI (RFC 4475 §3.1.2.7)');
  assert.equal(parseSipUri('sip:user@example.com; lr'), null, 'no whitespace inside a URI');
  assert.equal(parseSipUri('sip:user@example.com;;lr'), null, 'empty parameter');
  assert.equal(parseSipUri('sip:@example.com'), null, 'empty user before @');
  assert.equal(parseSipUri('sip:user@example.com:99999'), null, 'port above 65535');
  assert.equal(parseSipUri('sip:user@exa mple.com'), null);
  assert.equal(parseSipUri('sip:us%zzer@example.com'), null, '% must start a %HEXHEX escape');
  const r = checkUri('sip:user@example.com;maddr=a b');
  assert.ok(!r.ok && r.at === 28, 'the error points at the space');
});

test('URIs of other schemes: tel is parsed, the rest are checked as absoluteURI (RFC 4475 §3.3.2-3.3.4)', () => {
  assert.deepEqual(parseSipUri('tel:+1-201-555-0123;phone-context=example.com'), {
    scheme: 'tel', user: '+1-201-555-0123', password: null, host: null, port: null,
    params: { 'phone-context': 'example.com' }, headers: {},
  });
  for (const uri of ['nobodyKnowsThisScheme:totallyopaquecontent', 'soap.beep://192.0.2.103:3002', 'isbn:2983792873', 'http://www.example.com', 'urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6']) {
    const r = checkUri(uri);
    assert.ok(r.ok && r.uri === null, uri);
    assert.equal(parseSipUri(uri), null, 'parseSipUri returns only sip/sips/tel');
  }
  assert.equal(checkUri('http://exa mple.com').ok, false);
});

test('name-addr and addr-spec with parameters (RFC 3261 §20.10, §20.20, §20.39)', () => {
  assert.deepEqual(parseNameAddr('"A. G. Bell" <sip:agb@bell-telephone.com> ;tag=a48s'), {
    display: 'A. G. Bell', uri: 'sip:agb@bell-telephone.com', tag: 'a48s', params: { tag: 'a48s' },
  });
  // addr-spec form: the parameters belong to the header, not to the URI.
  assert.deepEqual(parseNameAddr('sip:+12125551212@server.phone2net.com;tag=887s'), {
    display: null, uri: 'sip:+12125551212@server.phone2net.com', tag: '887s', params: { tag: '887s' },
  });
  assert.deepEqual(parseNameAddr('Anonymous <sip:c8oqz84zk7z@privacy.org>;tag=hyh8'), {
    display: 'Anonymous', uri: 'sip:c8oqz84zk7z@privacy.org', tag: 'hyh8', params: { tag: 'hyh8' },
  });
  // Quoted-pair inside the display name, LWS around "=" and ";" (RFC 4475 §3.1.1.1).
  assert.deepEqual(parseNameAddr('"J Rosenberg \\\\\\""       <sip:jdrosen@example.com> ; tag = 98asjd8'), {
    display: 'J Rosenberg \\"', uri: 'sip:jdrosen@example.com', tag: '98asjd8', params: { tag: '98asjd8' },
  });
  // No LWS between display name and "<" (RFC 4475 §3.1.1.6).
  assert.equal(parseNameAddr('caller<sip:caller@example.com>;tag=323')?.display, 'caller');
  // Contact parameters with quoted values keep their quotes.
  assert.deepEqual(parseNameAddr('<sip:u@192.0.2.1>;+sip.instance="<urn:uuid:00000000-0000-1000-8000-000A95A0E128>";expires=3600')?.params, {
    '+sip.instance': '"<urn:uuid:00000000-0000-1000-8000-000A95A0E128>"', expires: '3600',
  });
  assert.equal(parseNameAddr('<sip:u@example.com>;tag')?.tag, null, 'a valueless tag is no tag');
  assert.equal(unquote('"a\\"b"'), 'a"b');
});

test('name-addr defects are reported as header or URI problems (RFC 4475 §3.1.2.6, .13-.15)', () => {
  const quote = checkNameAddr('"Mr. J. User <sip:j.user@example.com>');
  assert.ok(!quote.ok && quote.kind === 'header' && quote.at === 0);
  const spaces = checkNameAddr('"Watson, Thomas" < sip:t.watson@example.org >');
  assert.ok(!spaces.ok && spaces.kind === 'header');
  const comma = checkNameAddr('Bell, Alexander <sip:a.g.bell@example.com>;tag=43');
  assert.ok(!comma.ok && comma.kind === 'header' && comma.at === 4);
  const headers = checkNameAddr('sip:user@example.com?Route=%3Csip:sip.example.com%3E');
  assert.ok(!headers.ok && headers.kind === 'header');
  const bracketed = checkNameAddr('<sip:user@example.com?Route=%3Csip:sip.example.com%3E>');
  assert.ok(bracketed.ok, 'the same URI inside <> is fine (RFC 4475 §3.3.14)');
  const uri = checkNameAddr('<sip:blah@example.com; transport = tcp>;nope');
  assert.ok(!uri.ok && uri.kind === 'uri');
  assert.equal(parseNameAddr(''), null);
  assert.equal(parseNameAddr('<sip:a@b.example>;tag='), null, 'a parameter with "=" needs a value');
});

test('Via: sent-protocol, sent-by, branch and other parameters, comma-separated (RFC 3261 §20.42)', () => {
  assert.deepEqual(parseVia('SIP/2.0/UDP erlang.bell-telephone.com:5060;branch=z9hG4bK87asdks7'), [{
    protocol: 'SIP/2.0/UDP', transport: 'UDP', sentBy: 'erlang.bell-telephone.com:5060', branch: 'z9hG4bK87asdks7',
    params: { branch: 'z9hG4bK87asdks7' },
  }]);
  const two = parseVia('SIP/2.0/UDP first.example.com: 4000;ttl=16;maddr=224.2.0.1 ;branch=z9hG4bKa7c6a8dlze.1, SIP/2.0/tcp [2001:db8::9:1];received=2001:db8::9:255;rport');
  assert.equal(two.length, 2);
  assert.equal(two[0].sentBy, 'first.example.com:4000');
  assert.deepEqual(two[0].params, { ttl: '16', maddr: '224.2.0.1', branch: 'z9hG4bKa7c6a8dlze.1' });
  assert.equal(two[1].transport, 'TCP');
  assert.equal(two[1].sentBy, '[2001:db8::9:1]');
  assert.deepEqual(two[1].params, { received: '2001:db8::9:255', rport: null });
  // LWS around "/" and folded parameters (RFC 4475 §3.1.1.1).
  const ws = parseVia('SIP  / 2.0  / TCP     spindle.example.com   ; branch  =   z9hG4bK9ikj8');
  assert.equal(ws[0].protocol, 'SIP/2.0/TCP');
  assert.equal(ws[0].branch, 'z9hG4bK9ikj8');
});

test('Via problems: empty elements, branches without the cookie, RFC 2543 comments', () => {
  const bad = checkVia('SIP/2.0/UDP 192.0.2.15;;,;,,');
  assert.equal(bad.vias.length, 0);
  assert.ok(bad.problems.every((p) => p.code === 'sip.malformed-header') && bad.problems.length >= 3);
  assert.deepEqual(checkVia('SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK').problems.map((p) => p.code), ['sip.via-branch-no-cookie']);
  assert.deepEqual(checkVia('SIP/2.0/UDP 192.0.2.1;branch=1234').problems.map((p) => p.code), ['sip.via-branch-no-cookie']);
  assert.deepEqual(checkVia('SIP/2.0/UDP 192.0.2.1').problems.map((p) => p.code), ['sip.via-branch-no-cookie']);
  assert.deepEqual(checkVia('SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK1').problems, []);
  const comment = checkVia('SIP/2.0/TCP srlab.example.com:5060;branch=z9hG4bK1 (NTA 1.0)');
  assert.equal(comment.vias.length, 1);
  assert.deepEqual(comment.problems.map((p) => p.code), ['sip.via-comment']);
  assert.equal(checkVia('SIP/2.0/UDP fe80:0:0:0:21a:a0ff:fe07:32e0:5060;branch=z9hG4bK1').problems[0].code, 'sip.malformed-header');
});

test('splitHeaderValues respects quotes, escapes and <>', () => {
  assert.deepEqual(splitHeaderValues('INVITE, ACK ,CANCEL'), ['INVITE', 'ACK', 'CANCEL']);
  assert.deepEqual(
    splitHeaderValues('"Doe, John" <sip:j@example.com;x=a,b>, <sip:k@example.com>;q=0.1'),
    ['"Doe, John" <sip:j@example.com;x=a,b>', '<sip:k@example.com>;q=0.1'],
  );
  assert.deepEqual(splitHeaderValues('"a \\" , b" <sip:x@y.example>, c'), ['"a \\" , b" <sip:x@y.example>', 'c']);
  assert.deepEqual(splitHeaderValues('a,,b'), ['a', 'b']);
  assert.deepEqual(splitHeaderValues('a,,b', true), ['a', '', 'b']);
  assert.deepEqual(splitHeaderValues(''), []);
});

test('parameters: SEMI/EQUAL with LWS, quoted values, valueless names', () => {
  assert.deepEqual(parseParameters(' ; newparam = newvalue ; secondparam ; q = 0.33'), { newparam: 'newvalue', secondparam: null, q: '0.33' });
  assert.deepEqual(parseParameters(';Purpose=icon'), { purpose: 'icon' });
  assert.equal(parseParameters(';;'), null);
  assert.equal(parseParameters(';a="open'), null);
  const scan = scanParameters('<sip:x@y.example>;a=1, next', 17);
  assert.deepEqual(scan.params, { a: '1' });
  assert.equal(scan.end, 21, 'stops at the comma');
  assert.deepEqual(Object.keys(parseParameters(';__proto__=x') ?? {}), ['__proto__'], 'hostile names stay plain data');
});

test('compact forms map to canonical keys (RFC 3261 §7.3.3 and the IANA registry)', () => {
  const expected: Record<string, string> = {
    i: 'call-id', m: 'contact', e: 'content-encoding', l: 'content-length', c: 'content-type', f: 'from', s: 'subject',
    k: 'supported', t: 'to', v: 'via', o: 'event', r: 'refer-to', b: 'referred-by', u: 'allow-events',
    x: 'session-expires', y: 'identity', a: 'accept-contact', j: 'reject-contact', d: 'request-disposition', n: 'identity-info',
  };
  assert.deepEqual({ ...COMPACT_FORMS }, expected);
  assert.equal(canonicalHeaderKey('I'), 'call-id');
  assert.equal(canonicalHeaderKey('CSeq'), 'cseq');
  assert.equal(canonicalHeaderKey('Refer-To'), 'refer-to');
  assert.equal(canonicalHeaderKey('z'), 'z', 'unregistered single letters stay as they are');
});

test('CSeq: number, LWS, method; the number below 2**31 (RFC 3261 §8.1.1.5, §20.16)', () => {
  assert.deepEqual(checkCSeq('4711 INVITE'), { cseq: { seq: 4711, method: 'INVITE' }, method: 'INVITE', problem: null });
  assert.deepEqual(checkCSeq('0009 INVITE').cseq, { seq: 9, method: 'INVITE' });
  assert.equal(checkCSeq('2147483647 ACK').problem, null);
  assert.equal(checkCSeq('2147483648 ACK').problem?.code, 'sip.value-out-of-range');
  const huge = checkCSeq('36893488147419103232 REGISTER');
  assert.equal(huge.cseq, null);
  assert.equal(huge.method, 'REGISTER');
  assert.equal(checkCSeq('INVITE').problem?.code, 'sip.malformed-header');
  assert.equal(checkCSeq('1INVITE').problem?.code, 'sip.malformed-header');
  assert.equal(checkCSeq('1 INVITE x').problem?.code, 'sip.malformed-header');
});

test('getHeader / getHeaders look up by canonical key, compact forms included', () => {
  const text = 'OPTIONS sip:a@example.com SIP/2.0\r\nv: SIP/2.0/UDP h.example.com;branch=z9hG4bK1\r\nVia: SIP/2.0/UDP g.example.com;branch=z9hG4bK2\r\nMax-Forwards: 70\r\nf: <sip:b@example.com>;tag=1\r\nt: <sip:a@example.com>\r\ni: abc@h\r\nCSeq: 1 OPTIONS\r\n\r\n';
  const r = parseSipMessage(new TextEncoder().encode(text));
  assert.ok(r.ok);
  assert.equal(getHeader(r.message, 'Call-ID')?.value, 'abc@h');
  assert.equal(getHeader(r.message, 'I')?.name, 'i');
  assert.deepEqual(getHeaders(r.message, 'via').map((h) => h.name), ['v', 'Via']);
  assert.equal(getHeader(r.message, 'Contact'), null);
  assert.deepEqual(getHeaders(r.message, 'contact'), []);
});
