// `dialogs` and `check` answer a capture the compact index accepts from the index; their output must be what the
// full pipeline prints (SIPTRAIL_NO_INDEX=1), byte for byte, with the same exit code, in every format.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '../../support/paths';

function siptrail(env: Record<string, string>, ...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(repoRoot, 'src/cli/main.ts'), ...args], {
    cwd: repoRoot, encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 64 << 20,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const capture = 'test/captures/index/load-udp-lost.pcapng';

test('dialogs and check print the same from the index as from the full pipeline', () => {
  const runs: string[][] = [
    ['dialogs', capture, '--format', 'json'],
    ['dialogs', capture],
    ['check', capture, '--format', 'json'],
    ['check', capture],
    ['check', capture, '--format', 'sarif'],
    ['check', capture, '--format', 'junit'],
    ['check', capture, '--flow', '3gpp-replication-push', '--format', 'json'],
    ['check', capture, '--flow', 'rfc3665-basic-session', '--format', 'json'],
  ];
  for (const args of runs) {
    const fast = siptrail({ SIPTRAIL_DEBUG: '1' }, ...args);
    const full = siptrail({ SIPTRAIL_NO_INDEX: '1' }, ...args);
    assert.equal(fast.code, full.code, args.join(' '));
    assert.equal(fast.stdout, full.stdout, args.join(' '));
    // The fast path was taken (it reports its timing under SIPTRAIL_DEBUG), except where a flow's anchor is in the trace.
    const indexed = /siptrail: index \d+ ms \(731 messages\)/.test(fast.stderr);
    assert.equal(indexed, true, `${args.join(' ')}: ${fast.stderr}`);
    assert.doesNotMatch(fast.stderr, /full pipeline/, args.join(' '));
  }
  const named = JSON.parse(siptrail({}, 'check', capture, '--flow', '3gpp-replication-push', '--format', 'json').stdout);
  assert.equal(named.findings.at(-1).code, 'flow.not-found');
  const basic = JSON.parse(siptrail({}, 'check', capture, '--flow', 'rfc3665-basic-session', '--format', 'json').stdout);
  assert.ok(basic.flows.length >= 100, 'the basic-session flow has an instance per call (checked by the full pipeline)');
});
