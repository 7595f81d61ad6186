// The `siptrail` executable (src/cli/launch.ts) starts the bundle from the code cache the build writes: the cache
// must be one V8 accepts, the output must be the bundle's own, and a missing or damaged cache must not matter.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { build } from 'esbuild';
import { repoRoot } from '../../support/paths';

const capture = join(repoRoot, 'test/captures/index/load-udp.pcap');

function run(script: string, env: Record<string, string> = {}): string {
  const r = spawnSync(process.execPath, [script, 'dialogs', capture, '--format', 'json'], { encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 64 << 20 });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

/** What the launcher says of the code cache (its SIPTRAIL_DEBUG line). */
function cacheVerdict(script: string): string | undefined {
  const r = spawnSync(process.execPath, [script, 'dialogs', capture], { encoding: 'utf8', env: { ...process.env, SIPTRAIL_DEBUG: '1' } });
  return /^siptrail: code cache (\w+)$/m.exec(r.stderr)?.[1];
}

test('the launcher runs the CLI bundle from a code cache V8 accepts, and without one', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'siptrail-launch-'));
  try {
    const options = { bundle: true, platform: 'node' as const, format: 'cjs' as const, target: 'node20', minify: true, charset: 'ascii' as const, logLevel: 'warning' as const };
    await build({ ...options, entryPoints: [join(repoRoot, 'src/cli/main.ts')], outfile: join(dir, 'cli-main.js') });
    await build({ ...options, entryPoints: [join(repoRoot, 'src/cli/launch.ts')], outfile: join(dir, 'cli.js') });
    // The launcher reads the bundle as latin1: it must be ASCII (non-ASCII escaped by esbuild).
    assert.ok(!/[^\x00-\x7f]/.test(readFileSync(join(dir, 'cli-main.js'), 'latin1')));
    const direct = run(join(dir, 'cli-main.js'));
    assert.ok(direct.includes('"dialogs"'));

    // No cache yet: compiled as usual, and the run asked to writes one.
    assert.equal(run(join(dir, 'cli.js'), { SIPTRAIL_WRITE_CODE_CACHE: '1' }), direct);
    const cacheFile = join(dir, 'cli-main.cache');
    assert.ok(existsSync(cacheFile));
    // Accepted by V8 when the launcher loads it (the launcher sets a V8 flag first, and V8 keys the cache to the flags).
    assert.equal(cacheVerdict(join(dir, 'cli.js')), 'accepted');
    assert.ok(readFileSync(cacheFile).length > 50_000, 'the cache holds the functions the run compiled');

    assert.equal(run(join(dir, 'cli.js')), direct);
    writeFileSync(cacheFile, Buffer.from('not a code cache'));
    assert.equal(run(join(dir, 'cli.js')), direct);
    assert.equal(cacheVerdict(join(dir, 'cli.js')), 'rejected');
    rmSync(cacheFile);
    assert.equal(run(join(dir, 'cli.js')), direct);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
