// HEP captures made by kamailio's siptrace module (test/fixtures/pcap/make-net-fixtures.sh): every SIP message
// the proxy mirrored must come out of its HEP envelope byte-identical to the copy captured directly on the wire,
// with the original addresses, ports and (near-identical) time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { decodeFile, endpointOf } from './transportOracle';
import { hasTshark } from '../../support/tshark';
import { repoRoot } from '../../support/paths';
import type { PacketDecoderOptions } from '../../../src/core/net/packetDecoder';

const fixture = (name: string) => path.resolve(repoRoot, 'test/fixtures/pcap', name);
const COLLECTOR_PORT = 45090;

interface WireDatagram { frame: number; time: number; endpoint: string; payloadHex: string }

/** UDP datagrams as tshark shows them: endpoints, epoch time and payload bytes. */
function tsharkDatagrams(file: string): WireDatagram[] {
  hasTshark();
  const out = execFileSync('tshark', ['-r', file, '-n', '-T', 'fields', '-e', 'frame.number', '-e', 'frame.time_epoch', '-e', 'ip.src', '-e', 'udp.srcport', '-e', 'ip.dst', '-e', 'udp.dstport', '-e', 'udp.payload'],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  return out.trim().split('\n').map((line) => {
    const [frame, time, src, sport, dst, dport, hex] = line.split('\t');
    const bytes = hex.replace(/:/g, '').length / 2;
    return { frame: Number(frame), time: Number(time), endpoint: `UDP ${src}:${sport}>${dst}:${dport} ${bytes}B`, payloadHex: hex.replace(/:/g, '') };
  });
}

const toHex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

const cases: [string, PacketDecoderOptions | undefined][] = [['hep3-kamailio.pcap', undefined], ['hep2-kamailio.pcap', { hepPorts: [COLLECTOR_PORT] }]];
for (const [name, options] of cases) {
  test(`HEP envelopes unwrap to the SIP seen on the wire: ${name}`, (t) => {
    const wire = tsharkDatagrams(fixture(name));
    const toCollector = wire.filter((d) => d.endpoint.includes(`:${COLLECTOR_PORT} `));
    const direct = wire.filter((d) => !d.endpoint.includes(`:${COLLECTOR_PORT} `));
    assert.ok(toCollector.length >= 10, 'the proxy mirrored the call');

    const ours = decodeFile(fixture(name), options);
    assert.deepEqual(ours.findings, []);
    const hep = ours.payloads.filter((p) => p.hep);
    assert.deepEqual(hep.map((p) => p.frame), toCollector.map((d) => d.frame), 'one unwrapped message per HEP datagram');

    let matched = 0;
    for (const p of hep) {
      assert.deepEqual(p.hep, { captureId: 2001, protocolType: 1 });
      assert.deepEqual(p.tunnels, ['HEP']);
      assert.equal(p.ipId, undefined);
      const same = direct.find((d) => d.payloadHex === toHex(p.payload) && d.endpoint === endpointOf(p));
      assert.ok(same, `frame ${p.frame}: ${endpointOf(p)} matches a datagram captured directly`);
      // HEP carries the proxy's own receive/send time: within 50 ms of the capture's.
      assert.ok(Math.abs((p.time ?? 0) - same.time) < 0.05, `frame ${p.frame}: time ${p.time} vs wire ${same.time}`);
      const offset = p.frameOffset;
      assert.ok(offset > 42, 'payload offset points inside the HEP datagram');
      matched++;
    }
    t.diagnostic(`${matched}/${toCollector.length} HEP datagrams unwrapped and matched to the wire copy`);
    // The directly captured SIP is emitted as plain UDP, with the outer IPv4 identification.
    assert.equal(ours.payloads.filter((p) => !p.hep && p.ipId !== undefined).length, direct.length);
  });
}

test('HEPv2 is only tried on HEP ports (it has no magic number)', () => {
  const ours = decodeFile(fixture('hep2-kamailio.pcap'));
  assert.equal(ours.payloads.filter((p) => p.hep).length, 0);
  assert.ok(ours.payloads.some((p) => p.dst.port === COLLECTOR_PORT), 'the envelopes are passed up as plain UDP');
});
