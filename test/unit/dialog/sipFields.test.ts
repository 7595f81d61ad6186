// The correlation helpers now read values with the SIP parser (src/core/sip); these cases pin the tolerance they add and
// the URI comparison rules, with expected results taken from the RFCs' own examples and grammar.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { aorKey, gruuOf, parseNameAddrValue, parseParams, parseUriParts, sameUri, sipfragStatus, valueAndParams } from '../../../src/core/dialog/sipFields';

test('RFC 3261 §19.1.4 equivalence examples', () => {
  // Equivalent: host case, an extra parameter on one side only.
  assert.ok(sameUri('sip:carol@chicago.com', 'sip:carol@CHICAGO.com'));
  assert.ok(sameUri('sip:carol@chicago.com', 'sip:carol@chicago.com;newparam=5'));
  assert.ok(sameUri('sip:carol@chicago.com;security=on', 'sip:carol@chicago.com;newparam=5'));
  assert.ok(sameUri('sip:biloxi.com;transport=tcp;method=REGISTER?to=sip:bob%40biloxi.com', 'sip:biloxi.com;method=REGISTER;transport=tcp?to=sip:bob%40biloxi.com'));
  // Not equivalent: user case, explicit port, transport on one side, header components on one side.
  assert.ok(!sameUri('SIP:ALICE@AtLanTa.CoM;Transport=udp', 'sip:alice@AtLanTa.CoM;Transport=UDP'));
  assert.ok(!sameUri('sip:bob@biloxi.com', 'sip:bob@biloxi.com:5060'));
  assert.ok(!sameUri('sip:bob@biloxi.com', 'sip:bob@biloxi.com;transport=udp'));
  assert.ok(!sameUri('sip:carol@chicago.com', 'sip:carol@chicago.com?Subject=next%20meeting'));
});

test('URI parts come from the SIP parser; a URI it cannot read still has a name', () => {
  const p = parseUriParts('sip:user3@127.0.5.33:25033?Replaces=td-ue1-1%40home1.net%3Bto-tag%3Due3-1');
  assert.equal(p.user, 'user3');
  assert.equal(p.host, '127.0.5.33');
  assert.equal(p.port, 25033);
  assert.deepEqual(p.headers, { Replaces: 'td-ue1-1%40home1.net%3Bto-tag%3Due3-1' });
  assert.equal(gruuOf('sip:user2@home1.net;gr=urn:uuid:f81d4fae-7dec-11d0-2222-222222222222'), 'urn:uuid:f81d4fae-7dec-11d0-2222-222222222222');
  assert.equal(aorKey('sips:User2@HOME1.net;gr=x'), 'sip:User2@home1.net');
  assert.equal(aorKey('tel:+1-201-555-0123'), 'tel:+12015550123');
  // A space is not allowed in a SIP URI (RFC 3261 §25.1); the text is still a stable key, never an exception.
  assert.equal(aorKey('sip:bad user@host'), 'sip:bad user@host');
  assert.equal(parseUriParts('urn:service:sos').scheme, 'urn');
});

test('parameters: quoted values unquoted; an unquoted "=" in a value (seen in icid-value) kept with its parameter', () => {
  assert.deepEqual(parseParams(';a=1;b;C="x y"'), { a: '1', b: null, c: 'x y' });
  assert.deepEqual(parseParams('icid-value=AyretyU0dm+6O2IrT5tAFrbHLso=023551024;orig-ioi=home1.net'), {
    'icid-value': 'AyretyU0dm+6O2IrT5tAFrbHLso=023551024', 'orig-ioi': 'home1.net',
  });
  // RFC 4538 §7 Target-Dialog and RFC 7989 Session-ID: a leading value, then parameters.
  assert.deepEqual(valueAndParams('td-ue1-1@home1.net;local-tag=ue1-s1;remote-tag=ue3-1'), {
    value: 'td-ue1-1@home1.net', params: { 'local-tag': 'ue1-s1', 'remote-tag': 'ue3-1' },
  });
  assert.deepEqual(valueAndParams('refer'), { value: 'refer', params: {} });
});

test('name-addr values: strict parse, and the URI between "<" ">" when the grammar refuses the rest', () => {
  const to = parseNameAddrValue('<sip:user2@home1.net;gr=urn:uuid:f81d4fae-7dec-11d0-2222-222222222222>;tag=272839');
  assert.equal(to?.uri, 'sip:user2@home1.net;gr=urn:uuid:f81d4fae-7dec-11d0-2222-222222222222');
  assert.equal(to?.tag, '272839');
  assert.equal(parseNameAddrValue('"Anonymous" <sip:anonymous@anonymous.invalid>;tag=b2bua2-out')?.display, 'Anonymous');
  // An unquoted display name with "@" is not a token (RFC 3261 §25.1), but the address is still there.
  assert.equal(parseNameAddrValue('bob@example <sip:bob@example.com>;tag=1')?.uri, 'sip:bob@example.com');
  assert.equal(parseNameAddrValue('<sip:x@y;tag=1')?.uri ?? null, null);
});

test('sipfrag status line (RFC 3420 body, RFC 3261 §7.2 Status-Line)', () => {
  assert.equal(sipfragStatus('SIP/2.0 200 OK\r\n'), 200);
  assert.equal(sipfragStatus('\r\nSIP/2.0 603 Declined'), 603);
  assert.equal(sipfragStatus('INVITE sip:x SIP/2.0'), null);
  assert.equal(sipfragStatus(''), null);
});
