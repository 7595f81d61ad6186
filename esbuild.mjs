// One build script, one bundle per runtime: the extension host (node/cjs) and its trace worker, the webview (browser/iife),
// the CLI (node/cjs, runnable as `node dist/cli.js`). Type-checking is separate (`npm run typecheck`).
//   node esbuild.mjs [--production] [--watch]
import * as esbuild from 'esbuild';
import * as path from 'node:path';
import { existsSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** Prints errors in the shape VS Code's $esbuild-watch problem matcher reads. */
const problemMatcher = {
  name: 'problem-matcher',
  setup(build) {
    build.onStart(() => { if (watch) console.log('[watch] build started'); });
    build.onEnd((result) => {
      for (const { text, location } of result.errors) {
        console.error(`✘ [ERROR] ${text}`);
        if (location) console.error(`    ${location.file}:${location.line}:${location.column}:`);
      }
      if (watch) console.log('[watch] build finished');
    });
  },
};

const common = {
  bundle: true,
  minify: production,
  sourcemap: !production,
  sourcesContent: false,
  logLevel: 'warning',
  plugins: [problemMatcher],
};

/** The web build (VS Code for the Web) starts its trace workers as Web Workers: src/extension/workerLauncher.ts
 * (worker_threads) is replaced by src/extension/web/workerLauncher.ts in that bundle. */
const webWorkerLauncher = {
  name: 'web-worker-launcher',
  setup(build) {
    const nodeLauncher = path.resolve('src/extension/workerLauncher.ts');
    build.onResolve({ filter: /\/workerLauncher$/ }, (args) =>
      path.resolve(args.resolveDir, `${args.path}.ts`) === nodeLauncher ? { path: path.resolve('src/extension/web/workerLauncher.ts') } : undefined);
  },
};
/** commander's `node:child_process` (for executable subcommands, which the CLI has none of) loaded on use only. */
const lazyChildProcessForCommander = {
  name: 'lazy-child-process-for-commander',
  setup(build) {
    build.onResolve({ filter: /^node:child_process$/ }, (args) =>
      /[\\/]node_modules[\\/]commander[\\/]/.test(args.importer) ? { path: path.resolve('src/cli/lazyChildProcess.ts') } : undefined);
  },
};
// No Node built-ins in the web bundles: platform 'browser' makes any `node:` import a build error.
const web = { ...common, platform: 'browser', format: 'cjs', target: 'es2022', plugins: [problemMatcher, webWorkerLauncher] };

const targets = [
  { ...common, entryPoints: ['src/extension/extension.ts'], outfile: 'dist/extension.js', platform: 'node', format: 'cjs', target: 'node20', external: ['vscode'] },
  // Parsing and rendering off the extension host's main thread (worker_threads).
  { ...common, entryPoints: ['src/extension/traceWorker.ts'], outfile: 'dist/traceWorker.js', platform: 'node', format: 'cjs', target: 'node20' },
  // Minified even in development builds: the CLI starts once per run, and a third of a small trace's run time was
  // Node reading and compiling the unminified bundle.
  { ...common, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli-main.js', platform: 'node', format: 'cjs', target: 'node20', minify: true, charset: 'ascii', plugins: [problemMatcher, lazyChildProcessForCommander] },
  // `siptrail` itself: starts cli-main.js from its V8 code cache (made below).
  { ...common, entryPoints: ['src/cli/launch.ts'], outfile: 'dist/cli.js', platform: 'node', format: 'cjs', target: 'node20', sourcemap: false },
  // VS Code for the Web (package.json `browser`): the extension in the web extension host, its trace Web Worker.
  { ...web, entryPoints: ['src/extension/web/extension.ts'], outfile: 'dist/web/extension.js', external: ['vscode'] },
  { ...web, entryPoints: ['src/extension/web/traceWorker.ts'], outfile: 'dist/web/traceWorker.js', format: 'iife' },
  { ...common, entryPoints: ['webview/main.ts'], outfile: 'dist/webview.js', platform: 'browser', format: 'iife', target: 'es2022', external: ['fs'] /* mermaid requires this */ },
];

if (watch) {
  const contexts = await Promise.all(targets.map((t) => esbuild.context(t)));
  await Promise.all(contexts.map((c) => c.watch()));
} else {
  await Promise.all(targets.map((t) => esbuild.build(t)));
  writeCliCodeCache();
}

/**
 * V8's code cache of the CLI bundle, from one `dialogs` run on a small capture (the command big captures are read
 * with), so the functions that run compiled lazily are in it too (src/cli/launch.ts). Without it the CLI still runs.
 */
function writeCliCodeCache() {
  rmSync('dist/cli-main.cache', { force: true });
  const run = spawnSync(process.execPath, ['dist/cli.js', 'dialogs', 'test/captures/index/load-udp.pcap', '--format', 'json'], {
    env: { ...process.env, SIPTRAIL_WRITE_CODE_CACHE: '1' }, stdio: ['ignore', 'ignore', 'pipe'],
  });
  if (run.status !== 0 || !existsSync('dist/cli-main.cache')) console.warn(`esbuild.mjs: no CLI code cache (${run.stderr})`);
}
