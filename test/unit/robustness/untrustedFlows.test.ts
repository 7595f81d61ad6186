// Flow files from a workspace are data, never code: YAML tags that other loaders turn into functions or objects,
// alias bombs, prototype keys and huge files all end in findings (or plain data), and nothing in them runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadFlowSpec } from '../../../src/core/flow/loadFlowSpec';
import { repoRoot } from '../../support/paths';

const good = readFileSync(join(repoRoot, 'flows/rfc3665-basic-session.yaml'), 'utf8');
const sentinel = globalThis as { siptrailPwned?: unknown };

function noFunctions(value: unknown, path = '$'): void {
  assert.notEqual(typeof value, 'function', `${path} is a function`);
  if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) noFunctions(v, `${path}.${k}`);
}

function timedLoad(text: string): ReturnType<typeof loadFlowSpec> {
  const started = performance.now();
  const r = loadFlowSpec(text, 'untrusted.yaml');
  const ms = performance.now() - started;
  assert.ok(ms < 20_000, `loading took ${ms.toFixed(0)} ms`);
  for (const f of r.findings) {
    assert.ok(f.source && 'line' in f.source, `${f.code} is positioned`);
    assert.match(f.code, /^flow-spec\./);
  }
  return r;
}

test('code-carrying YAML tags stay data: nothing runs, no function comes back', () => {
  const payloads = [
    '!!js/function "function () { globalThis.siptrailPwned = 1; }"',
    '!<tag:yaml.org,2002:js/function> "function () { globalThis.siptrailPwned = 2; }"',
    '!!js/regexp /(a+)+$/',
    '!!js/undefined ""',
    '!!python/object/apply:os.system ["touch /tmp/siptrail-pwned"]',
    '!!binary aGVsbG8=',
    '!custom { x: 1 }',
  ];
  for (const payload of payloads) {
    // In a value the schema checks (the title) and in one it does not constrain to a string (a step field).
    for (const text of [good.replace(/^title: .*$/m, `title: ${payload}`), good.replace(/^(\s+)optional: true$/m, `$1optional: ${payload}`), `${payload}\n`]) {
      const r = timedLoad(text);
      if (r.spec) noFunctions(r.spec);
      assert.equal(sentinel.siptrailPwned, undefined, payload);
    }
  }
});

test('an alias bomb ("billion laughs") is refused with a finding, quickly', () => {
  const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let i = 1; i < 9; i++) {
    const prev = String.fromCharCode(96 + i);
    const name = String.fromCharCode(97 + i);
    levels.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`);
  }
  const r = timedLoad(`${levels.join('\n')}\n`);
  assert.equal(r.spec, null);
  assert.deepEqual(r.findings.map((f) => f.code), ['flow-spec.yaml-aliases']);
});

test('a huge flow file is refused before parsing, with a finding that says the limit', () => {
  const huge = `${good}\n# ${'x'.repeat(2_000_000)}\n`;
  const r = timedLoad(huge);
  assert.equal(r.spec, null);
  assert.equal(r.findings[0].code, 'flow-spec.too-large');
  assert.match(r.findings[0].message, /at most \d+ characters/);
});

test('deep nesting and prototype keys end in findings, without polluting Object.prototype', () => {
  for (const text of ['['.repeat(5000) + ']'.repeat(5000), '__proto__: { polluted: true }\nconstructor: { prototype: { polluted: true } }\n', good.replace(/^id: /m, '__proto__: { polluted: true }\nid: ')]) {
    const r = timedLoad(text);
    assert.ok(r.spec === null || r.findings.length === 0);
    assert.equal(({} as { polluted?: unknown }).polluted, undefined);
  }
});

test('the unmodified flow still loads (the guards do not refuse ordinary files)', () => {
  const r = loadFlowSpec(good, 'rfc3665-basic-session.yaml');
  assert.deepEqual(r.findings, []);
  assert.ok(r.spec);
});
