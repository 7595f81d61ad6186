// The CLI's file loader reads text traces in chunks through the streaming session: same result as readTextTrace
// on the whole file, and clear TraceInputErrors for what cannot be read.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadTraceFile, loadTraceFiles } from '../../../src/cli/loadTrace';
import { TraceInputError } from '../../../src/cli/cliDeps';
import { readTextTrace } from '../../../src/core/trace/readTextTrace';
import { fixtureDir, repoRoot } from './fixtures';

it('every text fixture loads from its file as readTextTrace reads the whole text', async () => {
  const files = readdirSync(fixtureDir).filter((f) => /\.(txt|log|sip)$/.test(f));
  assert.ok(files.length >= 20);
  for (const f of files) {
    const file = path.join(fixtureDir, f);
    const whole = readTextTrace(readFileSync(file, 'utf8'), { fileName: file });
    if ('error' in whole) assert.fail(`${f}: ${whole.error.message}`);
    const loaded = await loadTraceFile(file, { onProgress: () => {} });
    assert.equal(loaded.format, `text:${whole.dialect}`, f);
    assert.deepStrictEqual(loaded.messages, whole.messages, f);
    assert.deepStrictEqual(loaded.findings, whole.findings, f);
  }
});

it('a directory, a binary file and a non-SIP text are TraceInputErrors saying what is wrong', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'siptrail-load-'));
  try {
    await assert.rejects(loadTraceFile(dir, {}), (e: unknown) => e instanceof TraceInputError && /cannot read the file \(EISDIR\)/.test(e.message));
    const binary = path.join(dir, 'blob.bin');
    writeFileSync(binary, readFileSync(path.join(fixtureDir, 'sipp-udp.pcap')).subarray(4)); // a capture without its magic number
    await assert.rejects(loadTraceFile(binary, {}), (e: unknown) => e instanceof TraceInputError && /binary content/.test(e.message));
    const readme = path.join(repoRoot, 'README.md');
    await assert.rejects(loadTraceFile(readme, {}), (e: unknown) => e instanceof TraceInputError && e.message.startsWith(`${readme}:1: `) && /should hold SIP messages/.test(e.message));
    await assert.rejects(loadTraceFile(path.join(dir, 'missing.log'), {}), (e: unknown) => e instanceof TraceInputError && /ENOENT/.test(e.message));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

it('two SIPp logs still merge into one trace', async () => {
  const t = await loadTraceFiles([path.join(fixtureDir, 'sipp-ue1.log'), path.join(fixtureDir, 'sipp-ue2.log')], {});
  assert.match(t.format, /^merged\(text:sipp-trace, text:sipp-trace\)$/);
  assert.ok(t.findings.some((f) => f.code === 'trace.clock-skew'));
});
