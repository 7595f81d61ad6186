// The web build (package.json `browser`, dist/web/extension.js) in code-server's web worker extension host, as
// VS Code for the Web runs it. scripts/e2e/run.mjs --web installs the packaged .vsix with `main` removed from its
// manifest, so the workbench can only run the browser entry. The example capture must open in the SIP Call Flow
// editor and render one arrow per SIP message (tshark's count), parsed in the Web Worker the web build starts.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FrameLocator } from 'playwright-core';
import { hasTshark, tsharkFields } from '../support/tshark';
import { e2eEnv, findWebview, openWorkbench, progress, quickOpen, runCommand, screenshot, webviewProblems, type Workbench } from './support/workbench';

const env = e2eEnv();
let bench: Workbench;
let frame: FrameLocator;
/** Everything logged by the page, its frames and its workers (the web extension host is a worker). */
const consoleLines: string[] = [];

before(async () => {
  if (process.env.SIPTRAIL_E2E_WEB !== '1') throw new Error('run this file through `node scripts/e2e/run.mjs --web`, which installs the browser-only package');
  bench = await openWorkbench(env);
  const record = (where: string) => (m: { type(): string; text(): string }) => consoleLines.push(`${where} ${m.type()}: ${m.text()}`);
  bench.page.on('console', record('page'));
  bench.page.on('worker', (worker) => {
    consoleLines.push(`worker started: ${worker.url()}`);
    worker.on('console', record(`worker ${worker.url().slice(0, 80)}`));
  });
}, { timeout: 300_000 });

after(async () => {
  if (bench) await screenshot(bench.page, env.run, 'web-last-state').catch(() => undefined);
  writeFileSync(join(env.run, 'web-console.log'), consoleLines.join('\n') + '\n');
  await bench?.close();
});

test('the installed package declares only the browser entry', () => {
  const extensions = join(env.run, 'ext');
  const folder = readdirSync(extensions).find((d) => d.startsWith('siptrail.siptrail-'));
  assert.ok(folder, `siptrail is not installed in ${extensions}`);
  const manifest = JSON.parse(readFileSync(join(extensions, folder, 'package.json'), 'utf8')) as { main?: string; browser?: string };
  assert.equal(manifest.main, undefined);
  assert.equal(manifest.browser, './dist/web/extension.js');
});

test('the example capture renders in the web extension host: one arrow per SIP message', { timeout: 300_000 }, async () => {
  hasTshark();
  const expected = tsharkFields(env.captureSource, ['frame.number', 'sip.Method', 'sip.Status-Code'], { filter: 'sip' });
  await quickOpen(bench.page, env.capture);
  progress('waiting for the diagram webview (web extension host)');
  frame = (await findWebview(bench.page, '#diagram svg', 180_000)).frame;
  const labels = frame.locator('#diagram svg text.messageText');
  await labels.first().waitFor();
  const texts = await labels.allTextContents();
  assert.equal(texts.length, expected.length);
  texts.forEach((text, i) => {
    const [, method, status] = expected[i];
    assert.ok(text.startsWith(`${i + 1}. ${method || status}`), `arrow ${i + 1}: ${JSON.stringify(text)} should start "${i + 1}. ${method || status}"`);
  });
  assert.match(await frame.locator('#status').textContent() ?? '', new RegExp(`^${expected.length} SIP messages`));
  // The analysis (its own worker) reached the status bar: the bundled example passes its flow check.
  await bench.page.locator('.part.statusbar', { hasText: 'SIP Trail: pass' }).waitFor({ timeout: 60_000 });
  await screenshot(bench.page, env.run, 'web-diagram');
});

test('clicking an arrow shows the raw message, fetched from the Web Worker', { timeout: 180_000 }, async () => {
  // frame.number keeps the responses' rows (tsharkFields drops empty lines, and responses have no sip.Method).
  const methods = tsharkFields(env.captureSource, ['frame.number', 'sip.Method'], { filter: 'sip' }).map(([, m]) => m);
  const pick = methods.indexOf('REFER');
  assert.ok(pick >= 0, 'the example capture holds a REFER');
  const label = frame.locator('#diagram svg text.messageText').nth(pick);
  await label.scrollIntoViewIfNeeded();
  await label.click();
  await frame.locator(`#details-raw[data-message-index="${pick}"]`).waitFor();
  const text = await frame.locator('#details-raw').textContent() ?? '';
  assert.match(text.split(/\r?\n/)[0], /^REFER \S+ SIP\/2\.0$/);
  assert.match(text, /^(Refer-To|r)\s*:/mi);
});

test('the SIP Trail log says the trace was parsed in a Web Worker', { timeout: 180_000 }, async () => {
  await runCommand(bench.page, 'Output: Show Output Channels...');
  const row = bench.page.locator('.quick-input-list .monaco-list-row', { hasText: 'SIP Trail' }).first();
  await row.waitFor();
  await row.click();
  const lines = bench.page.locator('.part.panel .monaco-editor .view-lines');
  await lines.filter({ hasText: 'SIP messages' }).first().waitFor({ timeout: 60_000 });
  // Monaco draws spaces as no-break spaces.
  const text = (await lines.first().textContent() ?? '').replace(/\u00a0/g, ' ');
  progress(`SIP Trail log: ${text.slice(0, 600)}`);
  await screenshot(bench.page, env.run, 'web-output');
  assert.match(text, /traces are parsed in a Web Worker \(dist\/web\/traceWorker\.js\)/);
  assert.doesNotMatch(text, /Web Worker unusable|no Web Worker/);
});

test('no webview error or CSP violation', () => {
  const problems = webviewProblems(bench.errors);
  assert.deepEqual(problems, [], `webview console errors or CSP violations:\n${problems.map((p) => `${p.type}: ${p.text} (${p.url})`).join('\n')}`);
});
