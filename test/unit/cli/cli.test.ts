// The siptrail CLI as a user runs it (through tsx, so no build is needed): output shape and exit codes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '../../support/paths';
import { tsharkSipMessages } from '../../support/tsharkSip';

function siptrail(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(repoRoot, 'src/cli/main.ts'), ...args], { cwd: repoRoot, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const example = 'examples/session-replication-push.pcap';

test('messages --format json on the bundled example gives the documented document, in tshark\'s order', () => {
  const r = siptrail('messages', example, '--format', 'json');
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout);
  assert.deepEqual(doc.trace, { path: example, format: 'pcap', packets: 15 });
  const tshark = tsharkSipMessages(join(repoRoot, example));
  assert.deepEqual(doc.messages.map((m: { source: { frame: number } }) => m.source.frame), tshark.map((m) => m.frame));
  const refer = doc.messages.find((m: { method: string; kind: string }) => m.kind === 'request' && m.method === 'REFER');
  assert.deepEqual(Object.keys(refer), ['index', 'time', 'src', 'dst', 'transport', 'kind', 'method', 'status', 'reason', 'requestUri', 'callId', 'cseq', 'fromTag', 'toTag', 'source']);
  assert.equal(refer.transport, 'UDP');
  assert.equal(refer.requestUri, 'sip:user2@home1.net;gr=urn:uuid:f81d4fae-7dec-11d0-2222-222222222222');
  assert.deepEqual(refer.cseq, { seq: 41277, method: 'REFER' });
  assert.equal(refer.src, '127.0.1.1:15001');
  const response = doc.messages.find((m: { status: number | null }) => m.status === 202);
  assert.equal(response.method, 'REFER', 'a response carries its CSeq method');
});

test('messages in text form is a table with one row per message', () => {
  const r = siptrail('messages', example);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.match(lines[0], /15 packets, 15 SIP messages/);
  assert.ok(lines.some((l) => /127\.0\.1\.1:15001 → 127\.0\.1\.2:15002\s+REFER/.test(l)));
});

test('unreadable input, non-SIP input and bad usage exit 2 with one line on stderr', () => {
  for (const args of [['messages', 'no/such/file.pcap'], ['messages', 'README.md'], ['messages', example, '--format', 'xml'], ['frobnicate']]) {
    const r = siptrail(...args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.equal(r.stdout, '');
    assert.ok(r.stderr.trim().length > 0 && r.stderr.trim().split('\n').length <= 2, r.stderr);
  }
  assert.match(siptrail('messages', 'README.md').stderr, /^siptrail: README\.md.*SIP/);
});

test('several logs of one call are merged into one trace with the clock skew reported', () => {
  const r = siptrail('messages', 'test/fixtures/traces/sipp-ue1.log', 'test/fixtures/traces/sipp-ue2.log', '--format', 'json');
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout);
  const skew = doc.findings.find((f: { code: string }) => f.code === 'trace.clock-skew');
  assert.ok(skew, 'clock-skew finding');
  assert.match(skew.message, /2\.5\d* s/);
  assert.equal(doc.messages.filter((m: { duplicateOf?: number }) => m.duplicateOf !== undefined).length, doc.messages.length / 2);
});

test('check exits 0 on the replication flow and 1 on a failing capture', () => {
  assert.equal(siptrail('check', example).code, 0);
  const fail = siptrail('check', 'test/captures/negative/refer-rejected.pcap', '--format', 'json');
  assert.equal(fail.code, 1);
  const doc = JSON.parse(fail.stdout);
  assert.ok(doc.flows[0].findings.some((f: { code: string; step: string }) => f.code === 'flow.refer-rejected' && f.step === 'refer-accepted'));
});

test('a reader that closes the pipe early (| head) ends the run quietly, with the command\'s own status', () => {
  const main = join(repoRoot, 'src/cli/main.ts');
  // 130–600 KB of output: far more than the 100 bytes head reads and the pipe's 64 KB buffer holds.
  const cases: Array<[string, number]> = [
    ['messages test/captures/index/load-udp.pcap --format json', 0],
    ['messages test/captures/index/load-udp.pcap', 0],
    ['dialogs test/captures/index/load-udp.pcap --format json', 0],
    // Calls with lost messages fail the basic-session flow: check's 1 survives the closed pipe.
    ['check test/captures/index/load-udp-lost.pcapng --flow rfc3665-basic-session --format json', 1],
  ];
  for (const [args, status] of cases) {
    const r = spawnSync('bash', ['-c', `set -o pipefail; "${process.execPath}" --import tsx "${main}" ${args} | head -c 100 >/dev/null`], { cwd: repoRoot, encoding: 'utf8' });
    assert.equal(r.stderr, '', `${args}: nothing on stderr`);
    assert.equal(r.status, status, `${args}: exit status`);
  }
});
