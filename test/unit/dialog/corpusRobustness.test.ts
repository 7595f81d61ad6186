// Correlation and every built-in flow over every public corpus capture (fuzzed, truncated, tunnelled, odd link
// types): nothing throws, every message lands in exactly one logical message, indexes stay in range.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { correlate } from '../../../src/core/dialog/correlate';
import { builtinFlows } from '../../../src/core/flow/builtinFlows';
import { checkFlow } from '../../../src/core/flow/checkFlow';
import { loadCapture, repoRoot } from '../flow/support/loadTrace';

const dir = path.resolve(repoRoot, '../shared/corpus/public/pcap');

test('every public corpus capture correlates and checks without throwing', { skip: !existsSync(dir) && 'no corpus' }, async () => {
  const files = readdirSync(dir).filter((f) => /\.pcap(ng)?$/.test(f)).sort();
  assert.ok(files.length > 30);
  for (const f of files) {
    let messages;
    try {
      messages = await loadCapture(path.join(dir, f));
    } catch {
      continue; // a capture the reader cannot open is the reader's finding, not ours
    }
    const corr = correlate(messages);
    const seen = new Int32Array(messages.length);
    for (const lm of corr.logical) for (const i of lm.indexes) seen[i]++;
    for (let i = 0; i < messages.length; i++) assert.equal(seen[i], 1, `${f}: message ${i} in ${seen[i]} logical messages`);
    for (const d of corr.dialogs) for (const lid of d.messages) assert.ok(lid >= 0 && lid < corr.logical.length, f);
    for (const spec of builtinFlows().flows) {
      for (const inst of checkFlow(corr, spec)) {
        for (const s of inst.steps) for (const i of s.messages) assert.ok(i >= 0 && i < messages.length, `${f} ${spec.id}`);
        for (const x of inst.findings) assert.match(x.message, /expected/, `${f} ${spec.id}`);
      }
    }
  }
});
