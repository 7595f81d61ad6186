// Every public corpus capture and every fixture capture made for the decoder, frame by frame against tshark:
// the innermost UDP/TCP/SCTP endpoints, the payload length and the IPv4 identification must match.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { compareWithTshark, decodeFile, tsharkFrames } from './transportOracle';
import { repoRoot } from '../../support/paths';

const corpusDir = path.resolve(repoRoot, '../shared/corpus/public/pcap');
const fixtureDir = path.resolve(repoRoot, 'test/fixtures/pcap');

const captures = (dir: string) => (existsSync(dir) ? readdirSync(dir).filter((f) => /\.pcap(ng)?$/.test(f)).sort().map((f) => path.join(dir, f)) : []);

/** tshark needs to be told about SIP on non-standard TCP ports for some files (see the corpus MANIFEST). */
const DECODE_AS: Record<string, string[]> = {
  'heplify__sip_ipv4_tcp_fragmented.pcap': ['tcp.port==6060,sip'],
};

/**
 * HEP files: tshark 4.0 has no HEP dissector and shows the collector-bound datagram, while we emit the
 * encapsulated SIP with its original endpoints; hep.test.ts checks those against the directly captured copies.
 */
const HEP_FILES = new Set(['hep3-kamailio.pcap', 'hep2-kamailio.pcap']);

for (const file of [...captures(corpusDir), ...captures(fixtureDir)]) {
  const name = path.basename(file);
  if (HEP_FILES.has(name)) continue;
  test(`packet decoder agrees with tshark: ${name}`, (t) => {
    const tshark = tsharkFrames(file, DECODE_AS[name]);
    // Odd chunk size: records straddle chunk boundaries in the capture reader.
    const ours = decodeFile(file, undefined, 1021);
    const result = compareWithTshark(tshark, ours);
    t.diagnostic(`${result.agreed}/${result.compared} frames agree`);
    assert.equal(ours.frameCount, tshark.length, 'same number of frames');
    assert.deepEqual(result.disagreements, []);
    assert.ok(!ours.findings.some((f) => f.code === 'net.decoder-internal-error'), 'no internal errors');
    // Frames where tshark's innermost transport is a packet quoted by an ICMP error: ours is a finding there.
    for (const quoted of tshark.filter((f) => f.icmpQuote)) {
      assert.ok(
        ours.findings.some((f) => f.code.endsWith('.error-for-packet') && f.source && 'frame' in f.source && f.source.frame === quoted.frame),
        `frame ${quoted.frame}: an ICMP error-for-packet finding`,
      );
    }
  });
}
