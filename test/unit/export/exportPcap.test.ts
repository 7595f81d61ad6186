// pcap export: the selected messages' original records, byte for byte, checked with tshark (frame list from tshark's
// own filter on the original, hex dumps and timestamps compared); pcapng input from the public corpus; text traces
// refused with a clear message.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createPacketExtractor, framesOfSelection } from '../../../src/core/export/pcapExport';
import { exportFileName } from '../../../src/core/export/exportFileName';
import { corpusDir, repoRoot } from '../../support/paths';
import { hasTshark, tsharkFields } from '../../support/tshark';
import { runDiagram } from './cliRun';
import { kamailioCapture, readMessages, REPLICATION_FLOW, replicationCapture, viewOf } from './support';

const out = mkdtempSync(join(tmpdir(), 'siptrail-export-pcap-'));

/** tshark's hex dump and epoch time of each frame (optionally only those matching a display filter). */
function frameDumps(file: string, filter?: string): { time: string; hex: string }[] {
  const times = tsharkFields(file, ['frame.time_epoch'], filter ? { filter } : {}).map((r) => r[0]);
  const text = execFileSync('tshark', ['-r', file, '-n', '-x', ...(filter ? ['-Y', filter] : [])], { encoding: 'utf8', maxBuffer: 256 << 20, stdio: ['ignore', 'pipe', 'ignore'] });
  const dumps = text.split('\n\n').map((b) => b.trim()).filter((b) => b.length > 0);
  assert.equal(dumps.length, times.length, `${file}: one hex dump per frame`);
  return times.map((time, i) => ({ time, hex: dumps[i] }));
}

test('--format pcap of a dialog copies exactly the frames tshark finds for that Call-ID, bytes and timestamps identical', async () => {
  hasTshark();
  const callId = readMessages(replicationCapture).messages.find((m) => m.method === 'REFER')!.callId!;
  const file = join(out, 'dialog.pcap');
  const r = await runDiagram([replicationCapture, '--format', 'pcap', '--dialog', callId, '-o', file]);
  assert.equal(r.code, null, r.err);
  const filter = `sip.Call-ID == "${callId}"`;
  const expected = frameDumps(replicationCapture, filter);
  const got = frameDumps(file);
  assert.ok(expected.length >= 4);
  assert.deepEqual(got, expected);
  // The file header is the input's own (link type, snaplen, timestamp resolution).
  assert.deepEqual(readFileSync(file).subarray(0, 24), readFileSync(replicationCapture).subarray(0, 24));
});

test('--format pcap of a flow instance copies every message of its steps (100 Trying and all, provisional NOTIFYs not in a step left out)', async () => {
  hasTshark();
  const view = viewOf(replicationCapture, { flow: REPLICATION_FLOW });
  const frames = framesOfSelection(view);
  const file = join(out, 'flow.pcap');
  const r = await runDiagram([replicationCapture, '--format', 'pcap', '--flow', REPLICATION_FLOW, '-o', file]);
  assert.equal(r.code, null, r.err);
  assert.match(r.err, new RegExp(`${frames.length} frame\\(s\\) written`));
  const expected = frameDumps(replicationCapture, `frame.number in {${frames.join(',')}}`);
  assert.deepEqual(frameDumps(file), expected);
  // tshark's SIP view of the export: the instance's steps as TS 24.337 A.13.3 lists them, with the 100 Trying.
  const sip = tsharkFields(file, ['sip.Method', 'sip.Status-Code']).map((row) => row[0] || row[1]);
  assert.deepEqual(sip.slice(-7), ['REFER', '202', 'INVITE', '200', 'ACK', 'NOTIFY', '200']);
  assert.ok(sip.includes('100'));
});

const pcapngInput = resolve(corpusDir, 'pcap/cn-trace-analyzer__volte_calls_2.pcapng');

test('pcapng input becomes a pcap with the same packet bytes and microsecond timestamps', { skip: existsSync(pcapngInput) ? false : 'public corpus absent' }, async () => {
  hasTshark();
  const messages = readMessages(pcapngInput).messages;
  const callId = messages.find((m) => m.method === 'INVITE')!.callId!;
  const file = join(out, 'from-pcapng.pcap');
  const r = await runDiagram([pcapngInput, '--format', 'pcap', '--dialog', callId, '-o', file]);
  assert.equal(r.code, null, r.err);
  const view = viewOf(pcapngInput, { dialogs: [callId] });
  const expected = frameDumps(pcapngInput, `frame.number in {${framesOfSelection(view).join(',')}}`);
  const got = frameDumps(file);
  assert.deepEqual(got.map((g) => g.hex), expected.map((e) => e.hex));
  got.forEach((g, i) => assert.ok(Math.abs(Number(g.time) - Number(expected[i].time)) < 1e-6, `frame ${i} time`));
  assert.equal(readFileSync(file).readUInt32LE(0), 0xa1b2c3d4);
});

test('a text trace cannot give packets: exit 2 with a clear message; a non-capture fed to the extractor is a finding', async () => {
  const seed = resolve(repoRoot, '../shared/seed/000_cd10b296226cba30.txt');
  const r = await runDiagram([seed, '--format', 'pcap', '-o', join(out, 'never.pcap')]);
  assert.equal(r.code, 2);
  assert.match(r.err, /no packets; export a capture instead/);
  assert.ok(!existsSync(join(out, 'never.pcap')));
  const x = createPacketExtractor([1]);
  x.push(new TextEncoder().encode('INVITE sip:a@b SIP/2.0\r\n'));
  assert.equal(x.end().findings[0].code, 'export.not-a-capture');
  const y = createPacketExtractor([1, 99]);
  y.push(new Uint8Array(readFileSync(replicationCapture)));
  const result = y.end();
  assert.deepEqual(result.frames, [1]);
  assert.equal(result.findings[0].code, 'export.frames-missing');
});

test('CLI text formats need no browser: mermaid, markdown, report and plantuml to stdout; bad options exit 2', async () => {
  const none = { openBrowser: () => { throw new Error('no browser should be opened for text formats'); } };
  for (const [format, start] of [['mermaid', 'sequenceDiagram\n'], ['markdown', '**3gpp'], ['report', '# SIP call flow report'], ['plantuml', '@startuml\n']] as const) {
    const r = await runDiagram([replicationCapture, '--format', format, '--flow', REPLICATION_FLOW], none);
    assert.equal(r.code, null, `${format}: ${r.err}`);
    assert.ok(r.out.startsWith(start), `${format}: ${r.out.slice(0, 40)}`);
  }
  for (const bad of [['--format', 'gif'], ['--scale', '4'], ['--background', 'red'], ['--flow', 'nope'], ['--dialog', 'nope'], ['--name', 'novalue']]) {
    const r = await runDiagram([replicationCapture, ...bad], none);
    assert.equal(r.code, 2, bad.join(' '));
    assert.ok(r.err.length > 0);
  }
  const missing = await runDiagram([replicationCapture, '--format', 'svg', '--chromium', '/nonexistent/chromium']);
  assert.equal(missing.code, 2);
  assert.match(missing.err, /no Chromium at \/nonexistent\/chromium \(from --chromium\)/);
});

test('CLI split output: one file per part (-partN), each a whole mermaid diagram below --max-text-size; default file names', async () => {
  const file = join(out, 'split.mmd');
  const r = await runDiagram([kamailioCapture, '--hops', '--show-trying', '--show-provisional-notify', '--show-retransmissions', '--max-text-size', '1000', '-o', file]);
  assert.equal(r.code, null, r.err);
  const parts = /wrote (\d+) parts: (.*)/.exec(r.err);
  assert.ok(parts, r.err);
  const names = parts[2].split(', ');
  assert.equal(names.length, Number(parts[1]));
  assert.deepEqual(names, names.map((_, i) => `split-part${i + 1}.mmd`));
  let arrows = 0;
  for (const n of names) {
    const text = readFileSync(join(out, n), 'utf8');
    assert.ok(text.startsWith('sequenceDiagram\n') && text.length <= 1000);
    arrows += text.split('\n').filter((l) => /^p\d+-{1,2}>>p\d+: /.test(l)).length;
  }
  assert.equal(arrows, readMessages(kamailioCapture).messages.length);
  assert.equal(exportFileName('/a/b/session-replication-push.pcap', 'svg', { flow: REPLICATION_FLOW }), 'session-replication-push-3gpp-replication-push.svg');
  assert.equal(exportFileName('C:\\t\\x.pcapng', 'report', { dialogs: ['a b@c/d'] }), 'x-a_b_c_d-report.md');
});
