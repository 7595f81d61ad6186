// The three CLI commands this area owns (check, flows, dialogs), run through commander with test CliDeps.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Command, CommanderError } from 'commander';
import type { CliDeps, LoadedTrace } from '../../../src/cli/cliDeps';
import * as check from '../../../src/cli/commands/check';
import * as dialogs from '../../../src/cli/commands/dialogs';
import * as flows from '../../../src/cli/commands/flows';
import { loadCapture, loadSeed, repoRoot } from '../flow/support/loadTrace';

const capture = path.join(repoRoot, 'test/captures/replication-udp.pcap');
const seed = path.resolve(repoRoot, '../shared/seed/000_cd10b296226cba30.txt');

async function run(args: string[], cwd: string): Promise<{ out: string; err: string; code: number | null }> {
  let out = '';
  let err = '';
  let code: number | null = null;
  const utf8 = new TextDecoder();
  const deps: CliDeps = {
    async loadTrace(paths: string | string[]): Promise<LoadedTrace> {
      const p = typeof paths === 'string' ? paths : paths[0];
      if (p === seed) return { path: p, format: 'text:3gpp-table', packets: null, messages: await loadSeed(), findings: [] };
      const messages = await loadCapture(p);
      return { path: p, format: 'pcap', packets: null, messages, findings: [] };
    },
    stdout: (s) => { out += s; },
    stdoutBytes: (b) => { out += utf8.decode(b, { stream: true }); },
    stderr: (s) => { err += s; },
    setExitCode: (c) => { code = c; },
    readTextFile: (p) => readFileSync(p, 'utf8'),
    listDir: (p) => readdirSync(p),
    cwd: () => cwd,
  };
  const program = new Command().exitOverride().configureOutput({ writeErr: (s) => { err += s; }, writeOut: (s) => { out += s; } });
  for (const c of [check, flows, dialogs]) c.register(program, deps);
  try {
    await program.parseAsync(['node', 'siptrail', ...args]);
  } catch (e) {
    if (!(e instanceof CommanderError)) throw e;
    code = e.exitCode;
  }
  return { out, err, code };
}

function workspace(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'siptrail-flows-'));
  mkdirSync(path.join(dir, '.siptrail/flows'), { recursive: true });
  // A user flow: the basic session under another id, checked by default.
  const basic = readFileSync(path.join(repoRoot, 'flows/rfc3665-basic-session.yaml'), 'utf8')
    .replace('id: rfc3665-basic-session', 'id: my-call').replace('checkByDefault: false', 'checkByDefault: true');
  writeFileSync(path.join(dir, '.siptrail/flows/my-call.yaml'), basic);
  return dir;
}

test('check --format json: the issue\'s document, exit 0 when every instance passes', async () => {
  const r = await run(['check', capture, '--flow', '3gpp-replication-push', '--format', 'json'], tmpdir());
  assert.equal(r.code, 0);
  const doc = JSON.parse(r.out);
  assert.deepEqual(Object.keys(doc), ['trace', 'flows', 'findings']);
  assert.equal(doc.flows.length, 1);
  assert.equal(doc.flows[0].verdict, 'pass');
});

test('check: a failing instance exits 1; a requested flow with no instance exits 1 with flow.not-found', async () => {
  const failing = await run(['check', seed, '--format', 'junit'], tmpdir());
  assert.equal(failing.code, 1);
  assert.match(failing.out, /^<\?xml/);
  const missing = await run(['check', capture, '--flow', '3gpp-replication-push-single', '--format', 'json'], tmpdir());
  assert.equal(missing.code, 1);
  assert.equal(JSON.parse(missing.out).findings.filter((f: { code: string }) => f.code === 'flow.not-found').length, 1);
});

test('check: bad usage and invalid flow files exit 2', async () => {
  assert.equal((await run(['check', capture, '--format', 'xml'], tmpdir())).code, 2);
  const unknown = await run(['check', capture, '--flow', 'no-such-flow'], tmpdir());
  assert.equal(unknown.code, 2);
  assert.match(unknown.err, /unknown flow "no-such-flow"/);
  const dir = mkdtempSync(path.join(tmpdir(), 'siptrail-bad-'));
  const bad = path.join(dir, 'bad.yaml');
  writeFileSync(bad, 'id: x\ntitle: t\nreference: r\nroles: [{ id: A }]\nanchor: s\nsteps:\n  - id: s\n    request: INVITE\n    from: A\n    to: B\n');
  const r = await run(['check', capture, '--flow', bad], tmpdir());
  assert.equal(r.code, 2);
  assert.match(r.err, /flow-spec\.unknown-role: .*bad\.yaml:10:9: expected one of the roles A, found "B"/);
});

test('check uses workspace flows and --flow files, validated the same way', async () => {
  const dir = workspace();
  const byDefault = JSON.parse((await run(['check', capture, '--format', 'json'], dir)).out);
  assert.deepEqual([...new Set(byDefault.flows.map((f: { flow: string }) => f.flow))].sort(), ['3gpp-replication-push', 'my-call']);
  const file = JSON.parse((await run(['check', capture, '--flow', path.join(dir, '.siptrail/flows/my-call.yaml'), '--format', 'json'], tmpdir())).out);
  assert.deepEqual([...new Set(file.flows.map((f: { flow: string }) => f.flow))], ['my-call']);
  // Two INVITEs without a To tag in the capture: two instances of the basic session.
  assert.equal(file.flows.length, 2);
});

test('check --format sarif and text render the same verdicts', async () => {
  const sarif = JSON.parse((await run(['check', seed, '--format', 'sarif'], tmpdir())).out);
  assert.equal(sarif.version, '2.1.0');
  assert.ok(sarif.runs[0].results.some((x: { ruleId: string }) => x.ruleId === 'flow.step-missing'));
  const text = (await run(['check', seed], tmpdir())).out;
  assert.match(text, /3gpp-replication-push #1 {2}FAIL/);
});

test('flows lists built-in and workspace flows; a broken workspace flow is reported on stderr with exit 2', async () => {
  const dir = workspace();
  const ok = await run(['flows', '--format', 'json'], dir);
  assert.equal(ok.code, null);
  const ids = JSON.parse(ok.out).flows.map((f: { id: string; origin: string }) => `${f.id} ${f.origin.endsWith('my-call.yaml') ? 'workspace' : 'built-in'}`);
  assert.deepEqual(ids.sort(), ['3gpp-replication-push built-in', '3gpp-replication-push-single built-in', 'my-call workspace', 'rfc3665-basic-session built-in']);
  writeFileSync(path.join(dir, '.siptrail/flows/broken.yaml'), 'id: broken\nsteps: [\n');
  const broken = await run(['flows'], dir);
  assert.equal(broken.code, 2);
  assert.match(broken.err, /flow-spec\.yaml-syntax: .*broken\.yaml:\d+:\d+/);
  assert.match(broken.out, /^3gpp-replication-push/m);
});

test('dialogs --format json lists dialogs, REFER relations and folded copies', async () => {
  const r = await run(['dialogs', capture, '--format', 'json'], tmpdir());
  const doc = JSON.parse(r.out);
  assert.deepEqual(Object.keys(doc), ['trace', 'dialogs', 'calls', 'refers', 'folded', 'findings']);
  assert.equal(doc.dialogs.length, 3);
  assert.equal(doc.refers.length, 1);
  const text = (await run(['dialogs', capture], tmpdir())).out;
  assert.match(text, /REFER #\d+ -> sip:user3@/);
  assert.match(text, /subscription refer;id=41277: terminated/);
});
