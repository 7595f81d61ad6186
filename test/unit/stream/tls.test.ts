// TLS cannot be read without keys: a TLS connection on a SIP port is reported once, with its endpoints and
// packet count; TLS on other ports (HTTPS...) is summarised, never silently passed over.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TransportPayload } from '../../../src/core/model/packet';
import { corpusFile, extract, payloadsOf } from './streamSupport';

const webex = payloadsOf(corpusFile('nDPI__webex.pcap'));
const https = webex.filter((p) => p.transport === 'TCP' && (p.src.port === 443 || p.dst.port === 443));

test('HTTPS connections (nDPI webex capture, port 443) are summarised in one note, SIP still read', () => {
  const x = extract(webex);
  assert.equal(x.messages.length, 22);
  assert.ok(!x.findings.some((f) => f.code === 'capture.tls-encrypted'));
  const note = x.findings.find((f) => f.code === 'capture.tls-other-ports');
  assert.ok(note);
  assert.equal(note.severity, 'info');
  assert.match(note.message, /on port 443/);
  assert.ok(x.stats.tcp.tlsConnections > 10);
});

test('the same TLS connection on the SIPS port 5061 is a warning naming its endpoints and packet count', () => {
  // one real TLS connection, its server port moved to 5061
  const first = https.find((p) => p.payload.length > 0 && p.payload[0] === 0x16)!;
  const server = first.dst;
  const same = (p: TransportPayload) =>
    (p.src.ip === first.src.ip && p.src.port === first.src.port && p.dst.ip === server.ip && p.dst.port === server.port) ||
    (p.dst.ip === first.src.ip && p.dst.port === first.src.port && p.src.ip === server.ip && p.src.port === server.port);
  const conn = https.filter(same).map((p) => p.src.port === server.port && p.src.ip === server.ip
    ? { ...p, src: { ...p.src, port: 5061 } }
    : { ...p, dst: { ...p.dst, port: 5061 } });
  const x = extract(conn);
  assert.equal(x.messages.length, 0);
  const warnings = x.findings.filter((f) => f.code === 'capture.tls-encrypted');
  assert.equal(warnings.length, 1);
  const [w] = warnings;
  assert.equal(w.severity, 'warning');
  assert.deepEqual(w.source, { frame: first.frame });
  assert.match(w.message, new RegExp(`${first.src.ip.replace(/\./g, '\\.')}:${first.src.port}`));
  assert.match(w.message, /port 5061, SIP over TLS/);
  assert.match(w.message, new RegExp(`\\(${conn.length} packets`));
});
