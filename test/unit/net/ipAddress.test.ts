// RFC 5952 §4 canonical IPv6 text, which tshark also prints and the model's Endpoint.ip requires.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatIpv4, formatIpv6 } from '../../../src/core/net/ipAddress';

/** Bytes of a full (uncompressed) 8-group IPv6 address written out in the test. */
function bytesOf(full: string): Uint8Array {
  const groups = full.split(':').map((g) => Number.parseInt(g, 16));
  assert.equal(groups.length, 8);
  const out = new Uint8Array(16);
  groups.forEach((g, i) => { out[2 * i] = g >> 8; out[2 * i + 1] = g & 0xff; });
  return out;
}

test('IPv6 addresses print in RFC 5952 canonical form', () => {
  const cases: [string, string][] = [
    ['2001:0db8:0000:0000:0000:0000:0002:0001', '2001:db8::2:1'], // §4.2.1 longest run, §4.1 no leading zeros
    ['2001:0db8:0000:0001:0001:0001:0001:0001', '2001:db8:0:1:1:1:1:1'], // §4.2.2 a single 0 group is not compressed
    ['2001:0db8:0000:0000:0001:0000:0000:0001', '2001:db8::1:0:0:1'], // §4.2.3 first of equal runs
    ['2001:0DB8:0000:0000:0000:0000:0000:0000', '2001:db8::'],
    ['0000:0000:0000:0000:0000:0000:0000:0001', '::1'],
    ['0000:0000:0000:0000:0000:0000:0000:0000', '::'],
    ['fe80:0000:0000:0000:0000:0000:0000:0000', 'fe80::'],
    ['0000:0000:0000:0000:0000:ffff:c000:0280', '::ffff:192.0.2.128'], // §5 IPv4-mapped
    ['2001:0db8:aaaa:bbbb:cccc:dddd:eeee:0001', '2001:db8:aaaa:bbbb:cccc:dddd:eeee:1'],
  ];
  for (const [full, canonical] of cases) assert.equal(formatIpv6(bytesOf(full), 0), canonical, full);
});

test('IPv4 dotted quad at an offset', () => {
  assert.equal(formatIpv4(Uint8Array.of(9, 192, 0, 2, 1), 1), '192.0.2.1');
});
