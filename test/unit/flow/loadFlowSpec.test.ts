// Flow files: the built-ins load, and every kind of mistake in a flow file comes back positioned at its line/column.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { builtinFlows } from '../../../src/core/flow/builtinFlows';
import { loadFlowSpec } from '../../../src/core/flow/loadFlowSpec';
import { repoRoot } from './support/loadTrace';

test('built-in flows load without findings; step ids of the replication flows are exactly the issue\'s', () => {
  const { flows, findings } = builtinFlows();
  assert.deepEqual(findings, []);
  const ids = flows.map((f) => f.id).sort();
  assert.deepEqual(ids, ['3gpp-replication-push', '3gpp-replication-push-single', 'rfc3665-basic-session']);
  const expected = ['session', 'refer', 'refer-accepted', 'invite', 'invite-ok', 'ack', 'notify', 'notify-ok'];
  for (const id of ['3gpp-replication-push', '3gpp-replication-push-single']) {
    assert.deepEqual(flows.find((f) => f.id === id)!.steps.map((s) => s.id), expected);
  }
  // The generic flow shares no step id with them.
  const generic = flows.find((f) => f.id === 'rfc3665-basic-session')!;
  assert.deepEqual(generic.steps.map((s) => s.id).filter((s) => expected.includes(s)), []);
  const push = flows.find((f) => f.id === '3gpp-replication-push')!;
  assert.equal(push.responseTimeout, 32);
  assert.deepEqual(push.endState.map((e) => e.step), ['session', 'invite']);
});

const good = readFileSync(path.join(repoRoot, 'flows/rfc3665-basic-session.yaml'), 'utf8');

function lineOf(text: string, needle: string): number {
  const i = text.indexOf(needle);
  assert.ok(i >= 0, needle);
  return text.slice(0, i).split('\n').length;
}

test('YAML syntax errors point at the line of the problem', () => {
  const text = good.replace('  - id: f3-ok\n', '  - id: f3-ok\n   bad: [\n');
  const r = loadFlowSpec(text, 'x.yaml');
  assert.equal(r.spec, null);
  assert.equal(r.findings[0].code, 'flow-spec.yaml-syntax');
  const src = r.findings[0].source as { line: number };
  assert.ok(Math.abs(src.line - lineOf(text, '   bad: [')) <= 1, `line ${src.line}`);
  assert.match(r.findings[0].message, /^x\.yaml:\d+:\d+: expected valid YAML/);
});

test('schema violations point at the offending key or value', () => {
  const text = good.replace('    optional: true\n', '    optional: true\n    colour: blue\n').replace('response: [180, 183]', 'response: [180, 1830]');
  const r = loadFlowSpec(text, 'x.yaml');
  assert.equal(r.spec, null);
  const extra = r.findings.find((f) => f.message.includes('colour'))!;
  assert.equal(extra.code, 'flow-spec.schema');
  assert.deepEqual(extra.source, { line: lineOf(text, 'colour: blue'), endLine: lineOf(text, 'colour: blue'), column: 5 });
  const status = r.findings.find((f) => f.message.includes('/response'))!;
  assert.equal((status.source as { line: number }).line, lineOf(text, '1830'));
});

test('unknown roles, unknown steps and bad expressions are positioned findings', () => {
  const text = good
    .replace('    ackFor: f3-ok\n', '    ackFor: f9-ok\n')
    .replace('    to: Bob\n    bind:', '    to: Carol\n    bind:')
    .replace("Bob: to.uri", "Bob: to.uri.frobnicate");
  const r = loadFlowSpec(text, 'x.yaml');
  assert.equal(r.spec, null);
  const codes = r.findings.map((f) => f.code).sort();
  assert.deepEqual(codes, ['flow-spec.bad-expression', 'flow-spec.unknown-role', 'flow-spec.unknown-step']);
  const step = r.findings.find((f) => f.code === 'flow-spec.unknown-step')!;
  assert.deepEqual(step.source, { line: lineOf(text, 'f9-ok'), endLine: lineOf(text, 'f9-ok'), column: 13 });
  const role = r.findings.find((f) => f.code === 'flow-spec.unknown-role')!;
  assert.equal((role.source as { line: number }).line, lineOf(text, 'to: Carol'));
  const expr = r.findings.find((f) => f.code === 'flow-spec.bad-expression')!;
  const exprLine = lineOf(text, 'to.uri.frobnicate');
  // Column of "frobnicate" inside the expression.
  const col = text.split('\n')[exprLine - 1].indexOf('frobnicate') + 1;
  assert.deepEqual(expr.source, { line: exprLine, endLine: exprLine, column: col });
  assert.match(expr.message, /unknown accessor "frobnicate"/);
});

test('a constraint needs exactly one test, and select lists carry no finding codes', () => {
  const text = good.replace("      - { value: to.tag, present: false }", "      - { value: to.tag, present: false, is: x, code: flow.x-y }");
  const r = loadFlowSpec(text, 'x.yaml');
  assert.deepEqual(r.findings.map((f) => f.code).sort(), ['flow-spec.bad-constraint', 'flow-spec.bad-constraint']);
});

test('not a mapping, or an empty file, is a finding, never a throw', () => {
  for (const text of ['', '- a\n- b\n', 'id: [unclosed', '\u0000\u0001']) {
    const r = loadFlowSpec(text, 'x.yaml');
    assert.equal(r.spec, null);
    assert.ok(r.findings.length > 0);
    for (const f of r.findings) assert.ok(f.source && 'line' in f.source);
  }
});
