// The check document (JSON shape of issue 4), its SARIF 2.1.0 rendering validated against the official OASIS
// schema, and its JUnit rendering read back as XML.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import { correlate } from '../../../src/core/dialog/correlate';
import { builtinFlow } from '../../../src/core/flow/builtinFlows';
import { buildCheckReport, checkExitCode, type CheckReport } from '../../../src/core/report/checkReport';
import { formatCheckText } from '../../../src/core/report/checkText';
import { toJunit, xmlEscape } from '../../../src/core/report/junit';
import { artifactUri, toSarif } from '../../../src/core/report/sarif';
import type { SipMessage } from '../../../src/core/model/sipMessage';
import { loadCapture, loadSeed, repoRoot } from '../flow/support/loadTrace';
import { parseXml } from './support/miniXml';

const capture = path.join(repoRoot, 'test/captures/replication-udp.pcap');
const seedPath = path.resolve(repoRoot, '../shared/seed/000_cd10b296226cba30.txt');

async function reports(): Promise<{ pass: CheckReport; fail: CheckReport; notFound: CheckReport; seedMessages: SipMessage[]; captureMessages: SipMessage[] }> {
  const push = builtinFlow('3gpp-replication-push')!;
  const single = builtinFlow('3gpp-replication-push-single')!;
  const captureMessages = await loadCapture(capture);
  const seedMessages = await loadSeed();
  const pass = buildCheckReport({ path: 'test/captures/replication-udp.pcap', format: 'pcap', packets: captureMessages.length }, correlate(captureMessages), [push], { requested: true });
  const fail = buildCheckReport({ path: seedPath, format: 'text:3gpp-table', packets: null }, correlate(seedMessages), [push], { requested: true });
  const notFound = buildCheckReport({ path: 'test/captures/replication-udp.pcap', format: 'pcap', packets: null }, correlate(captureMessages), [push, single], { requested: true });
  return { pass, fail, notFound, seedMessages, captureMessages };
}

function sarifValidator() {
  // The OASIS schema is draft-04 (`id`, `$schema` draft-04); its keywords mean the same in draft-07, which ajv 8
  // speaks natively, so only those two header fields are adjusted. Formats get small RFC 3986 / RFC 3339 checks.
  const schema = JSON.parse(readFileSync(path.join(repoRoot, 'test/fixtures/schema/sarif-schema-2.1.0.json'), 'utf8'));
  assert.equal(schema.title, 'Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema');
  schema.$id = schema.id;
  delete schema.id;
  delete schema.$schema;
  const ajv = new Ajv({ allErrors: true, strict: false });
  ajv.addFormat('uri', /^[A-Za-z][A-Za-z0-9+.-]*:[^\s"<>\\^`{|}]*$/);
  ajv.addFormat('uri-reference', /^[^\s"<>\\^`{|}]*$/);
  ajv.addFormat('date-time', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/);
  return ajv.compile(schema);
}

test('check JSON has exactly the shape of issue 4', async () => {
  const { pass, fail } = await reports();
  for (const r of [pass, fail]) {
    assert.deepEqual(Object.keys(r), ['trace', 'flows', 'findings']);
    for (const inst of r.flows) {
      assert.deepEqual(Object.keys(inst), ['flow', 'instance', 'verdict', 'roles', 'steps', 'findings']);
      for (const s of inst.steps) assert.deepEqual(Object.keys(s), ['id', 'status', 'messages']);
      for (const f of inst.findings) assert.deepEqual(Object.keys(f), ['code', 'severity', 'message', 'step', 'messages']);
    }
  }
  assert.equal(pass.flows[0].verdict, 'pass');
  assert.equal(checkExitCode(pass), 0);
  assert.equal(fail.flows[0].verdict, 'fail');
  assert.equal(checkExitCode(fail), 1);
  // JSON round trip keeps everything (no Maps, no undefined).
  assert.deepEqual(JSON.parse(JSON.stringify(pass)), pass);
});

test('a requested flow with no instance gives flow.not-found and exit code 1', async () => {
  const { notFound } = await reports();
  const nf = notFound.findings.filter((f) => f.code === 'flow.not-found');
  assert.equal(nf.length, 1);
  assert.match(nf[0].message, /^Flow 3gpp-replication-push-single: expected at least one instance/);
  assert.equal(notFound.flows.length, 1);
  assert.equal(notFound.flows[0].verdict, 'pass');
  assert.equal(checkExitCode(notFound), 1);
});

test('SARIF output validates against the official SARIF 2.1.0 schema', async () => {
  const { pass, fail, notFound, seedMessages, captureMessages } = await reports();
  const validate = sarifValidator();
  for (const [r, messages] of [[pass, captureMessages], [fail, seedMessages], [notFound, captureMessages]] as const) {
    const sarif = toSarif(r, { messages, toolVersion: '0.1.0' }) as { version: string; runs: { results: { ruleId: string; level: string; locations: { physicalLocation: { region?: { startLine: number } } }[] }[] }[] };
    const ok = validate(sarif);
    assert.ok(ok, JSON.stringify(validate.errors, null, 2));
    assert.equal(sarif.version, '2.1.0');
    const results = sarif.runs[0].results;
    const expected = r.flows.reduce((n, i) => n + i.findings.length, 0) + r.findings.length;
    assert.equal(results.length, expected);
  }
  // Text traces get a line region: the seed's REFER findings point at the REFER's lines.
  const seedSarif = toSarif(fail, { messages: seedMessages }) as { runs: { results: { properties: { messages: number[] }; locations: { physicalLocation: { region?: { startLine: number; endLine: number } } }[] }[] }[] };
  const referSource = seedMessages[0].source as { line: number; endLine: number };
  const located = seedSarif.runs[0].results.filter((x) => x.properties.messages.includes(0));
  for (const x of located) assert.deepEqual(x.locations[0].physicalLocation.region, { startLine: referSource.line, endLine: referSource.endLine });
  // A schema violation is caught (the validator is not vacuous).
  assert.equal(validate({ version: '2.1.0', runs: [{ tool: { driver: {} } }] }), false);
  assert.equal(validate({ version: '2.0.0', runs: [] }), false);
});

test('artifact URIs are uri-references', () => {
  assert.equal(artifactUri('test/captures/a b.pcap'), 'test/captures/a%20b.pcap');
  assert.equal(artifactUri('C:\\traces\\x.pcap'), 'file:///C:/traces/x.pcap');
});

test('JUnit XML reads back: one testcase per instance, failures carry the finding codes', async () => {
  const { pass, fail, notFound } = await reports();
  const both: CheckReport = { trace: fail.trace, flows: [...pass.flows, ...fail.flows.map((f) => ({ ...f, instance: 2 }))], findings: notFound.findings };
  const xml = toJunit(both);
  const root = parseXml(xml);
  assert.equal(root.name, 'testsuites');
  const cases = root.children.flatMap((s) => s.children);
  assert.equal(cases.length, both.flows.length + 1);
  assert.equal(Number(root.attributes.tests), cases.length);
  const failures = cases.filter((c) => c.children.some((x) => x.name === 'failure'));
  assert.equal(Number(root.attributes.failures), failures.length);
  assert.equal(failures.length, 2);
  const seedCase = cases.find((c) => c.attributes.name.startsWith('3gpp-replication-push #2'))!;
  const failure = seedCase.children.find((x) => x.name === 'failure')!;
  assert.equal(failure.attributes.type, fail.flows[0].findings[0].code);
  assert.equal(failure.attributes.message, fail.flows[0].findings[0].message);
  for (const f of fail.flows[0].findings) assert.ok(failure.text.includes(f.message));
  const nfCase = cases.find((c) => c.attributes.name === '3gpp-replication-push-single (no instance)')!;
  assert.equal(nfCase.children[0].attributes.type, 'flow.not-found');
  const passCase = cases.find((c) => c.attributes.name.startsWith('3gpp-replication-push #1'))!;
  assert.ok(!passCase.children.some((x) => x.name === 'failure'));
  assert.match(passCase.children.find((x) => x.name === 'system-out')!.text, /^session: matched/);
});

test('XML escaping keeps every character XML 1.0 can hold and replaces the rest', () => {
  const s = 'a<b>&"\'\u0001\tz\u00e9\u{1F600}';
  const root = parseXml(`<x v="${xmlEscape(s)}">${xmlEscape(s)}</x>`);
  assert.equal(root.attributes.v, 'a<b>&"\'\uFFFD\tz\u00e9\u{1F600}');
  assert.equal(root.text, root.attributes.v);
});

test('text output lists every step with its status and every finding under its step', async () => {
  const { fail } = await reports();
  const text = formatCheckText(fail);
  assert.match(text, /^trace .*000_cd10b296226cba30\.txt \(text:3gpp-table\)/);
  assert.match(text, /3gpp-replication-push #1 {2}FAIL/);
  assert.match(text, /ok refer +matched +#0/);
  assert.match(text, /-- invite +missing/);
  for (const f of fail.flows[0].findings) assert.ok(text.includes(`${f.code}: ${f.message}`));
  assert.match(text, /1 instance\(s\): 0 pass, 1 fail\n$/);
});
