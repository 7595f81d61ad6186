// The web build (package.json `browser`, for VS Code for the Web): dist/web/extension.js and dist/web/traceWorker.js
// as `npm run build` writes them. They must not load Node built-ins, and the worker must parse a capture with
// nothing but a Web Worker's globals (onmessage/postMessage), giving tshark's count of SIP messages.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vm from 'node:vm';
import { repoRoot } from '../../support/paths';
import { hasTshark, tsharkFields } from '../../support/tshark';

const extensionBundle = join(repoRoot, 'dist/web/extension.js');
const workerBundle = join(repoRoot, 'dist/web/traceWorker.js');
const capture = join(repoRoot, 'examples/session-replication-push.pcap');

before(() => {
  if (existsSync(extensionBundle) && existsSync(workerBundle)) return;
  const built = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: repoRoot, encoding: 'utf8' });
  assert.equal(built.status, 0, `npm run build failed: ${built.stderr}`);
});

/** Every module name the bundle passes to require() (esbuild leaves externals and Node built-ins as require calls);
 * not require() text inside string literals (ajv keeps `'require("ajv/dist/runtime/uri").default'` for its
 * standalone code generation, which is never run). */
function requiredModules(code: string): string[] {
  return [...code.matchAll(/(?<!['"`\w.$])require\(\s*["'`]([^"'`]+)["'`]\s*\)/g)].map((m) => m[1]);
}

test('package.json `browser` names the web bundle, beside the Node `main`', () => {
  const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { main?: string; browser?: string };
  assert.equal(manifest.browser, './dist/web/extension.js');
  assert.equal(manifest.main, './dist/extension.js');
  const ignore = readFileSync(join(repoRoot, '.vscodeignore'), 'utf8').split('\n');
  for (const shipped of ['!dist/web/extension.js', '!dist/web/traceWorker.js']) assert.ok(ignore.includes(shipped), `.vscodeignore lacks ${shipped}`);
});

test('the web extension bundle requires only vscode: no fs, worker_threads, child_process or other Node built-in', () => {
  const code = readFileSync(extensionBundle, 'utf8');
  assert.deepEqual([...new Set(requiredModules(code))], ['vscode']);
  for (const name of ['worker_threads', 'child_process', '"node:', "'node:", 'require("fs")']) assert.equal(code.includes(name), false, `dist/web/extension.js mentions ${name}`);
  // The web launcher, not the worker_threads one, is in the bundle (checked by strings that survive minification:
  // CI's e2e step leaves the production build in dist/).
  assert.ok(code.includes('traces are parsed in a Web Worker'), 'the web launcher is bundled');
  assert.ok(code.includes('createObjectURL'), 'the worker starts from a blob: URL');
});

test('the web trace worker bundle requires nothing at all', () => {
  const code = readFileSync(workerBundle, 'utf8');
  assert.deepEqual(requiredModules(code), []);
  for (const name of ['worker_threads', 'child_process', '"node:', "'node:", 'parentPort']) assert.equal(code.includes(name), false, `dist/web/traceWorker.js mentions ${name}`);
});

test('the web trace worker parses the example capture with only Web Worker globals: one message per SIP packet', async () => {
  hasTshark();
  const replies: { id: number; kind: string; result?: unknown; message?: string }[] = [];
  let settle: () => void = () => undefined;
  const done = new Promise<void>((resolve) => { settle = resolve; });
  // A worker's global scope as far as the bundle may use it: no require, process, Buffer or module.
  const scope: Record<string, unknown> = {
    TextDecoder, TextEncoder, console, setTimeout, clearTimeout, queueMicrotask,
    postMessage(reply: { id: number; kind: string }) {
      replies.push(reply);
      if (reply.kind !== 'progress' && reply.id === 2) settle();
    },
  };
  scope.self = scope;
  const context = vm.createContext(scope);
  vm.runInContext(readFileSync(workerBundle, 'utf8'), context, { filename: workerBundle });
  const onmessage = context.onmessage as (event: { data: unknown }) => void;
  assert.equal(typeof onmessage, 'function');
  const bytes = new Uint8Array(readFileSync(capture));
  onmessage({ data: { op: 'openCapture', id: 1, traceId: 't', fileName: 'session-replication-push.pcap', bytes } });
  onmessage({ data: { op: 'render', id: 2, traceId: 't', options: { page: 0, pageSize: 300, filter: {}, names: {}, showTimeOffsets: true } } });
  await done;
  const frames = tsharkFields(capture, ['frame.number'], { filter: 'sip' });
  const opened = replies.find((r) => r.id === 1 && r.kind === 'result')?.result as { info: { messageCount: number } } | undefined;
  assert.ok(opened, `no result for openCapture: ${JSON.stringify(replies.filter((r) => r.kind === 'error'))}`);
  assert.equal(opened.info.messageCount, frames.length);
  const diagram = replies.find((r) => r.id === 2 && r.kind === 'result')?.result as { arrows: unknown[]; text: string } | undefined;
  assert.ok(diagram);
  assert.equal(diagram.arrows.length, frames.length);
  assert.match(diagram.text, /^sequenceDiagram\n/);
});
