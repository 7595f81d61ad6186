// Every capture in test/captures/negative/ against 3gpp-replication-push. What each capture must give is read
// from the "Expected:" line its make-*.sh script states (written with the capture, not derived from our output):
// a finding code (with its step when the script names one), a pass, or exactly one instance among bystander calls.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { correlate } from '../../../src/core/dialog/correlate';
import { builtinFlow } from '../../../src/core/flow/builtinFlows';
import { checkFlow } from '../../../src/core/flow/checkFlow';
import { loadCapture, repoRoot } from './support/loadTrace';

const dir = path.join(repoRoot, 'test/captures/negative');

interface Expectation {
  capture: string;
  script: string;
  code: string | null;
  step: string | null;
  pass: boolean;
  callIds: string[] | null;
}

function expectations(): Expectation[] {
  if (!existsSync(dir)) return [];
  const out: Expectation[] = [];
  for (const script of readdirSync(dir).filter((f) => /^make-.*\.sh$/.test(f)).sort()) {
    const capture = path.join(dir, script.replace(/^make-/, '').replace(/\.sh$/, '.pcap'));
    const text = readFileSync(path.join(dir, script), 'utf8');
    const comment = text.split('\n').filter((l) => l.startsWith('#')).map((l) => l.replace(/^#\s?/, '')).join(' ');
    const m = /Expected:\s*(.*?)(?:\.\s|\.$|$)/.exec(comment);
    if (!m) continue;
    const said = m[1];
    const code = /(flow\.[a-z-]+)/.exec(said)?.[1] ?? null;
    const step = /\bat step ([a-z-]+)/.exec(said)?.[1] ?? /\(step ([a-z-]+)/.exec(said)?.[1] ?? null;
    const callIds = /Call-IDs ([^)]*)\)/.exec(comment)?.[1];
    out.push({
      capture, script, code, step,
      pass: /^pass\b|verdict pass/.test(said) || /Expected: pass/.test(comment) || /verdict pass/.test(comment),
      callIds: callIds ? callIds.split(',').map((s) => s.trim().split(' ')[0]) : null,
    });
    if (callIds) {
      const domain = /@(\S+)\)/.exec(comment)?.[1];
      if (domain) out[out.length - 1].callIds = out[out.length - 1].callIds!.map((c) => `${c}@${domain}`);
    }
  }
  return out;
}

for (const e of expectations()) {
  test(`${path.basename(e.capture)}: ${e.code ?? (e.pass ? 'pass' : '?')}${e.step ? ` at step ${e.step}` : ''}`, { skip: !existsSync(e.capture) && 'capture not made yet' }, async () => {
    const messages = await loadCapture(e.capture);
    const instances = checkFlow(correlate(messages), builtinFlow('3gpp-replication-push')!);
    assert.equal(instances.length, 1, 'one REFER, so exactly one instance');
    const inst = instances[0];
    if (e.code) {
      assert.equal(inst.verdict, 'fail');
      const hit = inst.findings.filter((f) => f.code === e.code);
      assert.ok(hit.length >= 1, `expected ${e.code}, got ${inst.findings.map((f) => f.code).join(', ') || 'no finding'}`);
      if (e.step) assert.ok(hit.some((f) => f.step === e.step), `expected ${e.code} at step ${e.step}, got steps ${hit.map((f) => f.step).join(', ')}`);
      for (const f of hit) {
        assert.ok(f.messages.length > 0, 'the finding names the messages it is about');
        assert.match(f.message, /expected .*, but .*\((RFC|3GPP)/);
      }
    } else if (e.pass) {
      assert.deepEqual(inst.findings, []);
      assert.equal(inst.verdict, 'pass');
    }
    if (e.callIds) {
      const bound = new Set(inst.steps.flatMap((s) => s.messages).map((i) => messages[i].callId));
      assert.deepEqual([...bound].sort(), [...e.callIds].sort(), 'the instance is made of the replication dialogs only');
    }
  });
}

test('the negative scripts state an expectation this test understands', () => {
  for (const e of expectations()) assert.ok(e.code || e.pass || e.callIds, `${e.script}: no finding code, pass or Call-IDs found in its Expected: line`);
});

// expected.json names, per capture, the frames each finding is about (written with the captures from their
// scenarios): the finding must relate every one of them, so an engineer sees both sides of a mismatch.
test('each negative finding relates every frame expected.json names for it', async () => {
  const expected = JSON.parse(readFileSync(path.join(dir, 'expected.json'), 'utf8')) as {
    captures: { file: string; findings: { code: string; step: string; frames: number[] }[] }[];
  };
  let checked = 0;
  for (const c of expected.captures) {
    if (!c.findings.length) continue;
    const messages = await loadCapture(path.join(dir, c.file));
    const inst = checkFlow(correlate(messages), builtinFlow('3gpp-replication-push')!)[0];
    for (const want of c.findings) {
      const hit = inst.findings.find((f) => f.code === want.code && f.step === want.step);
      assert.ok(hit, `${c.file}: ${want.code} at ${want.step}`);
      const frames = new Set(hit.messages.map((i) => { const s = messages[i].source; return 'frame' in s ? s.frame : -1; }));
      for (const frame of want.frames) assert.ok(frames.has(frame), `${c.file}: ${want.code} should relate frame ${frame}; it relates frames ${[...frames].join(', ')}`);
      checked++;
    }
  }
  assert.ok(checked >= 12, `${checked} findings checked`);
});
