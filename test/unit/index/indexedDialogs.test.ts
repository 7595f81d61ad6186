// The compact index is a fast path, never a second opinion: on every capture it accepts (ours and the public
// corpus), its dialogs report must equal the full pipeline's (readCapture → correlate → buildDialogsReport), and every
// message its scanner accepts must be one the full parser reads with no issue and the same correlation keys.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readCapture } from '../../../src/core/capture/readCapture';
import { correlate } from '../../../src/core/dialog/correlate';
import { DEFAULT_CORRELATION_HEADERS } from '../../../src/core/dialog/callLegs';
import { buildDialogsReport } from '../../../src/core/report/dialogsReport';
import { PlainCaptureIndexer } from '../../../src/core/index/plainCaptureIndex';
import { dialogsReportFromIndex } from '../../../src/core/index/indexedDialogs';
import { MessageColumns } from '../../../src/core/index/messageColumns';
import { evidenceHeaderNames, HeaderNames, scanPlainSip } from '../../../src/core/index/plainSipScan';
import { parseSipMessage } from '../../../src/core/sip/parseSipMessage';
import { corpusDir, repoRoot } from '../../support/paths';
import { allMessageBytes, captures, chunks } from '../../support/sipMessageBytes';
import { plainScanWasm } from '../../../src/cli/plainScanWasm';

const CORRELATION_HEADERS = DEFAULT_CORRELATION_HEADERS;

/** Indexes a capture pushed in chunks, with the JavaScript scanner or the WebAssembly one (the CLI's). */
function indexFile(bytes: Uint8Array, chunkSize: number, wasm = false) {
  const indexer = new PlainCaptureIndexer({ correlationHeaders: CORRELATION_HEADERS, wasm: wasm ? plainScanWasm() : undefined });
  for (const c of chunks(bytes, chunkSize)) if (!indexer.push(c)) break;
  return indexer.end();
}
const loadCaptures = [join(repoRoot, 'test/captures/index/load-udp.pcap'), join(repoRoot, 'test/captures/index/load-udp-lost.pcapng')];

test('the index accepts the load-test captures, and its dialogs report equals the full pipeline’s', () => {
  for (const path of loadCaptures) {
    const bytes = new Uint8Array(readFileSync(path));
    const full = readCapture(chunks(bytes, 1 << 20));
    const expected = buildDialogsReport({ path, format: full.format!, packets: full.packets }, correlate(full.messages), full.findings.map((f) => ({ code: f.code, severity: f.severity, message: f.message, messages: f.messageIndex !== undefined ? [f.messageIndex] : [] })));
    // Odd chunk sizes put record boundaries inside chunks.
    for (const size of [1 << 20, 4093, 97]) for (const wasm of [false, true]) {
      const outcome = indexFile(bytes, size, wasm);
      assert.ok(outcome.plain, `${path}: ${outcome.plain ? '' : outcome.reason}`);
      assert.equal(outcome.columns.count, full.messages.length);
      const actual = dialogsReportFromIndex({ path, format: outcome.format, packets: outcome.packets }, outcome.columns);
      assert.deepEqual(actual, expected, `${path}, ${wasm ? 'WebAssembly' : 'JavaScript'} scanner`);
    }
  }
  // The lossy run retransmits: the fast path must fold those as the full correlation does.
  const lossy = indexFile(new Uint8Array(readFileSync(loadCaptures[1])), 1 << 20);
  assert.ok(lossy.plain);
  const report = dialogsReportFromIndex({ path: 'x', format: lossy.format, packets: lossy.packets }, lossy.columns);
  assert.ok(report.folded.length > 5, `retransmissions folded: ${report.folded.length}`);
  assert.ok(report.dialogs.length >= 100);
});

test('on every capture of the repo and the public corpus: accepted ⇒ the same report as the full pipeline; refused ⇒ a reason', () => {
  let accepted = 0;
  const evidence = new Set<string>();
  for (const path of captures) {
    const bytes = new Uint8Array(readFileSync(path));
    const outcome = indexFile(bytes, 65536);
    // The WebAssembly scanner (the CLI's) comes to the same verdict, and the same index.
    const viaWasm = indexFile(bytes, 65536, true);
    assert.equal(viaWasm.plain ? null : viaWasm.reason, outcome.plain ? null : outcome.reason, path);
    if (!outcome.plain) {
      assert.match(outcome.reason, /\S/);
      continue;
    }
    accepted++;
    assert.ok(viaWasm.plain);
    assert.deepEqual(dialogsReportFromIndex({ path, format: viaWasm.format, packets: viaWasm.packets }, viaWasm.columns), dialogsReportFromIndex({ path, format: outcome.format, packets: outcome.packets }, outcome.columns), path);
    const full = readCapture(chunks(bytes, 1 << 20));
    assert.deepEqual(full.findings, [], `${path}: the index accepted a capture the full reader has findings for`);
    const expected = buildDialogsReport({ path, format: full.format!, packets: full.packets }, correlate(full.messages), []);
    const actual = dialogsReportFromIndex({ path, format: outcome.format, packets: outcome.packets }, outcome.columns);
    assert.deepEqual(actual, expected, path);
    for (const call of actual.calls) for (const link of call.links) evidence.add(link.evidence);
  }
  // The B2BUA captures (test/captures/correlation) link legs by every kind of evidence, on the index too.
  assert.deepEqual([...evidence].sort(), ['correlation-header', 'icid-value', 'session-id', 'uri-timing']);
  // Ours, and public captures of other tools (PcapPlusPlus, pkts, suricata-verify, sip3 ...).
  assert.ok(accepted >= 10, `captures accepted: ${accepted}`);
});

test('every message the fast scanner accepts is read by the full parser with no issue and the same keys', () => {
  const names = new HeaderNames(evidenceHeaderNames(CORRELATION_HEADERS));
  let accepted = 0;
  let refused = 0;
  for (const { where, bytes } of allMessageBytes()) {
    const cols = new MessageColumns();
    const why = scanPlainSip(bytes, 0, bytes.length, cols, names, 1, 1, 0, 0);
    if (why !== null) {
      refused++;
      continue;
    }
    accepted++;
    const parsed = parseSipMessage(bytes);
    assert.ok(parsed.ok, where);
    const m = parsed.message;
    assert.deepEqual(m.issues, [], `${where}: fast-accepted but the parser says ${m.issues.map((i) => i.code).join(', ')}`);
    const t = (id: number) => cols.text(id);
    assert.equal(t(cols.callId[0]), m.callId, where);
    assert.equal(cols.cseq[0], m.cseq!.seq, where);
    assert.equal(t(cols.method[0]), m.method, where);
    assert.equal(cols.kind[0] === 0 ? 'request' : 'response', m.kind, where);
    if (m.kind === 'response') assert.equal(cols.status[0], m.status, where);
    else assert.equal(t(cols.requestUri[0]), m.requestUri, where);
    assert.equal(t(cols.fromUri[0]), m.from!.uri, where);
    assert.equal(t(cols.fromTag[0]), m.from!.tag, where);
    assert.equal(t(cols.toUri[0]), m.to!.uri, where);
    assert.equal(t(cols.toTag[0]), m.to!.tag, where);
    assert.equal(t(cols.topBranch[0]), m.vias[0].branch, where);
    assert.equal(t(cols.topSentBy[0]), m.vias[0].sentBy.toLowerCase(), where);
    assert.equal(t(cols.bottomBranch[0]), m.vias[m.vias.length - 1].branch, where);
    assert.equal(t(cols.bottomSentBy[0]), m.vias[m.vias.length - 1].sentBy.toLowerCase(), where);
  }
  assert.ok(accepted > 1000, `accepted ${accepted}`);
  assert.ok(refused > 100, `refused ${refused}`);
});

test('what the index refuses, it names: subscriptions, TCP, IPv6, keep-alives', () => {
  const reason = (rel: string) => {
    const outcome = indexFile(new Uint8Array(readFileSync(rel.startsWith('/') ? rel : join(repoRoot, rel))), 1 << 20);
    assert.equal(outcome.plain, false, rel);
    return outcome.plain ? '' : outcome.reason;
  };
  assert.match(reason('test/captures/correlation/refer-target-dialog.pcap'), /^frame \d+: not a plain SIP message \(subscription method\)$/);
  assert.match(reason('test/captures/replication-tcp.pcap'), /^frame 1: not UDP/);
  assert.match(reason('test/captures/replication-ipv6.pcap'), /^frame 1: not IPv4/);
  // Four NUL bytes before a REGISTER (public corpus): the full pipeline counts them in a capture.keep-alives finding.
  assert.match(reason(join(corpusDir, 'pcap', 'zeek__sip-junk-before-request.pcap')), /^frame \d+: a keep-alive or STUN datagram$/);
});

test('the JSON written as bytes is JSON.stringify(value, null, 2), UTF-8 encoded, whatever the chunk size', async () => {
  const { writePrettyJsonBytes } = await import('../../../src/core/report/prettyJsonBytes');
  const text = (value: unknown, chunk: number): string => {
    const parts: Uint8Array[] = [];
    // Odd chunk sizes take the buffer-reuse path (the consumer copied the bytes), even ones a fresh buffer each time.
    writePrettyJsonBytes(value, (b) => {
      parts.push(chunk % 2 ? b.slice() : b);
      return chunk % 2 === 1;
    }, chunk);
    return Buffer.concat(parts).toString('utf8');
  };
  const outcome = indexFile(new Uint8Array(readFileSync(loadCaptures[1])), 1 << 20);
  assert.ok(outcome.plain);
  const report = dialogsReportFromIndex({ path: 'x', format: outcome.format, packets: outcome.packets }, outcome.columns);
  for (const chunk of [1 << 20, 4096, 4097, 7]) assert.equal(text(report, chunk), JSON.stringify(report, null, 2));
  // Dialogs written straight from the index tables read as the objects dialogAt makes.
  const { LazyArray } = await import('../../../src/core/report/prettyJsonBytes');
  const { correlateIndex } = await import('../../../src/core/index/indexedDialogs');
  for (const path of loadCaptures) {
    const o = indexFile(new Uint8Array(readFileSync(path)), 1 << 20);
    assert.ok(o.plain);
    const x = correlateIndex({ path, format: o.format, packets: o.packets }, o.columns);
    const objects = Array.from({ length: x.dialogCount }, (_, d) => x.dialogAt(d));
    assert.equal(text({ trace: x.trace, dialogs: new LazyArray(x.dialogCount, x.dialogAt, x.writeDialog), folded: x.folded }, 4096),
      JSON.stringify({ trace: x.trace, dialogs: objects, folded: x.folded }, null, 2), path);
  }
  const awkward = {
    a: [], b: { c: [1, { d: null }], e: {} }, f: undefined, g: 'x\n"y"\\ \u0001', h: [[], [1.5, -0, 1e21, NaN, Infinity], { i: [] }],
    j: [undefined, () => 1, -2147483648, 2147483647, 2147483648, -7, 0, 10, 99, 100], k: 'naïve 日本 😀 \ud800', l: true, m: new Date(0), n: { toJSON: () => 'custom' }, 'quoted"key': 1,
  };
  for (const chunk of [1 << 20, 3]) assert.equal(text(awkward, chunk), JSON.stringify(awkward, null, 2));
  assert.equal(text({}, 16), '{}');
  assert.equal(text([], 16), '[]');
});

test('mutated captures: the index never throws, and whatever it still accepts it reports as the full pipeline does', () => {
  const original = new Uint8Array(readFileSync(loadCaptures[0]));
  let seed = 20261125;
  const random = (n: number): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed % n;
  };
  let accepted = 0;
  for (let round = 0; round < 300; round++) {
    // One round in four is also cut short (the index must then refuse the file's torn last record).
    const bytes = round % 4 === 3 ? original.slice(0, 24 + random(original.length - 24) + 1) : original.slice();
    // A few bytes changed anywhere past the file header: lengths, addresses, SIP text.
    for (let k = random(4) + 1; k > 0; k--) bytes[24 + random(bytes.length - 24)] = random(256);
    const outcome = indexFile(bytes, 4093);
    const viaWasm = indexFile(bytes, 4093, true);
    assert.equal(viaWasm.plain ? null : viaWasm.reason, outcome.plain ? null : outcome.reason, `round ${round}`);
    if (!outcome.plain || !viaWasm.plain) continue;
    accepted++;
    assert.deepEqual(dialogsReportFromIndex({ path: 'm', format: viaWasm.format, packets: viaWasm.packets }, viaWasm.columns), dialogsReportFromIndex({ path: 'm', format: outcome.format, packets: outcome.packets }, outcome.columns), `round ${round}`);
    const full = readCapture(chunks(bytes, 1 << 20));
    assert.deepEqual(full.findings, [], `round ${round}: accepted, but the full reader has findings`);
    const expected = buildDialogsReport({ path: 'm', format: full.format!, packets: full.packets }, correlate(full.messages), []);
    assert.deepEqual(dialogsReportFromIndex({ path: 'm', format: outcome.format, packets: outcome.packets }, outcome.columns), expected, `round ${round}`);
  }
  assert.ok(accepted > 5, `mutations still accepted: ${accepted}`);
});

/** The records of a little-endian microsecond pcap: where each starts (its 16-byte header) and ends. */
function pcapRecords(bytes: Uint8Array): { start: number; end: number }[] {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  assert.equal(v.getUint32(0, true), 0xa1b2c3d4);
  const out: { start: number; end: number }[] = [];
  for (let p = 24; p + 16 <= bytes.length;) {
    const end = p + 16 + v.getUint32(p + 8, true);
    out.push({ start: p, end });
    p = end;
  }
  return out;
}

test('a packet captured twice is refused, whatever its IP id; datagrams sharing only an IP id of 0 and a length are not copies', () => {
  // load-udp.pcap (SIPp on loopback, Ethernet): frame 1 is an INVITE whose request-URI starts within the payload's
  // first 64 bytes (the sampled ones). Its copy goes in 1 µs later (before frame 2), as a second capture point
  // would record it.
  const original = new Uint8Array(readFileSync(loadCaptures[0]));
  const records = pcapRecords(original);
  const withCopy = (edit: (first: Uint8Array, copy: Uint8Array) => void): Uint8Array => {
    const first = original.slice(records[0].start, records[0].end);
    const copy = first.slice();
    const v = new DataView(copy.buffer);
    v.setUint32(4, v.getUint32(4, true) + 1, true); // ts_usec + 1
    edit(first.subarray(16), copy.subarray(16));
    const out = new Uint8Array(original.length + copy.length);
    out.set(original.subarray(0, 24));
    out.set(first, 24);
    out.set(copy, 24 + first.length);
    out.set(original.subarray(records[0].end), 24 + first.length + copy.length);
    return out;
  };
  const IP_ID = 14 + 4; // Ethernet header, then the IPv4 Identification field
  const zeroIpId = (packet: Uint8Array): void => { packet[IP_ID] = 0; packet[IP_ID + 1] = 0; };
  const payloadStart = 14 + 20 + 8;
  const uriUser = (packet: Uint8Array): number => {
    const text = new TextDecoder().decode(packet.subarray(payloadStart, payloadStart + 64));
    assert.match(text, /^INVITE sip:service@/);
    return payloadStart + 'INVITE sip:servic'.length;
  };
  const cases: { name: string; bytes: Uint8Array; copy: boolean }[] = [
    { name: 'the same datagram twice', bytes: withCopy(() => {}), copy: true },
    { name: 'the same datagram twice, IP id 0', bytes: withCopy((a, b) => { zeroIpId(a); zeroIpId(b); }), copy: true },
    // Same addresses, ports, length and IP id 0, but another request-URI ("servicf"): a different datagram.
    { name: 'two datagrams with IP id 0', bytes: withCopy((a, b) => { zeroIpId(a); zeroIpId(b); b[uriUser(b)] = 0x66; }), copy: false },
  ];
  for (const c of cases) {
    const full = readCapture(chunks(c.bytes, 1 << 20));
    // The oracle: the full pipeline folds the copy (and says so) exactly when the case is one.
    assert.equal(full.findings.some((f) => f.code === 'capture.duplicate-packets'), c.copy, `${c.name}: full pipeline`);
    const outcome = indexFile(c.bytes, 65536);
    if (c.copy) {
      assert.ok(!outcome.plain && /^frame 2: a packet captured twice/.test(outcome.reason), `${c.name}: ${outcome.plain ? 'accepted' : outcome.reason}`);
    } else {
      assert.ok(outcome.plain, `${c.name}: ${outcome.plain ? '' : outcome.reason}`);
      const expected = buildDialogsReport({ path: 'm', format: full.format!, packets: full.packets }, correlate(full.messages), []);
      assert.deepEqual(dialogsReportFromIndex({ path: 'm', format: outcome.format, packets: outcome.packets }, outcome.columns), expected, c.name);
    }
  }
  // The window's bucket counts (which let a packet skip the search) stay what the window holds, packet after packet:
  // a count of 0 for a packet in the window would let its copy through.
  const indexer = new PlainCaptureIndexer({ correlationHeaders: CORRELATION_HEADERS });
  const window = indexer as unknown as { recentBuckets: Int32Array; recentCount: number; recentHead: number; recentKey: Int32Array; recentHash: Int32Array };
  let checked = 0;
  for (const c of chunks(original, 2048)) {
    assert.ok(indexer.push(c));
    const inBuckets = new Int32Array(window.recentBuckets.length);
    for (let k = 0; k < window.recentCount; k++) {
      const at = (window.recentHead + k) & (window.recentKey.length - 1);
      inBuckets[Math.imul(window.recentKey[at] ^ window.recentHash[at], 0x9e3779b1) >>> 20]++;
    }
    assert.deepEqual(window.recentBuckets, inBuckets);
    checked += window.recentCount;
  }
  assert.ok(indexer.end().plain && checked > 1000, `window entries checked: ${checked}`);
});
