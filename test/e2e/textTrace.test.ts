// A text trace (a SIPp message log of the replication flow, saved as .sip) in real VS Code: "Show Call Flow"
// opens the diagram beside the text, clicking an arrow shows the message and "Reveal in trace" selects its lines,
// and the diagram follows edits of the text.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FrameLocator } from 'playwright-core';
import { e2eEnv, findWebview, openWorkbench, progress, quickOpen, runCommand, screenshot, webviewProblems, type Workbench } from './support/workbench';

const env = e2eEnv();
const TRACE = 'replication-ue1.sip';
let bench: Workbench;
let frame: FrameLocator;

interface Expected { title: string; line: number }

/** The log's own structure: a "UDP message sent/received" line, a blank line, then the start line. */
function expectedMessages(): Expected[] {
  const lines = readFileSync(join(env.workspace, TRACE), 'utf8').split('\n');
  const out: Expected[] = [];
  lines.forEach((line, i) => {
    if (!/^(UDP|TCP) message (sent|received)/.test(line)) return;
    const start = lines[i + 2].trim();
    const title = start.startsWith('SIP/2.0 ') ? start.slice(8) : start.split(' ')[0];
    out.push({ title, line: i + 3 });
  });
  return out;
}

before(async () => {
  bench = await openWorkbench(env);
}, { timeout: 300_000 });

after(async () => {
  if (bench) await screenshot(bench.page, env.run, 'text-last-state').catch(() => undefined);
  await bench?.close();
});

test('"Show Call Flow" opens the diagram of the text trace beside it', { timeout: 300_000 }, async () => {
  const expected = expectedMessages();
  assert.ok(expected.length >= 10);
  await quickOpen(bench.page, TRACE);
  await bench.page.locator('.monaco-editor .view-lines').first().click();
  await runCommand(bench.page, 'SIP Trail: Show Call Flow');
  progress('waiting for the call-flow webview');
  frame = (await findWebview(bench.page, '#diagram svg text.messageText')).frame;
  const texts = await frame.locator('#diagram svg text.messageText').allTextContents();
  assert.equal(texts.length, expected.length);
  texts.forEach((text, i) => assert.ok(text.startsWith(`${i + 1}. ${expected[i].title} (+`), `arrow ${i + 1}: ${JSON.stringify(text)}`));
  assert.ok(await bench.page.locator('.tabs-container .tab', { hasText: `Call Flow: ${TRACE}` }).count() > 0);
  await screenshot(bench.page, env.run, 'text-trace-call-flow');
});

test('clicking an arrow shows the message; "Reveal in trace" selects its lines in the text', { timeout: 180_000 }, async () => {
  const expected = expectedMessages();
  const pick = Math.max(0, expected.findIndex((e) => e.title === 'REFER'));
  await frame.locator('#diagram svg text.messageText').nth(pick).click();
  await frame.locator(`#details-raw[data-message-index="${pick}"]`).waitFor();
  const raw = await frame.locator('#details-raw').textContent() ?? '';
  assert.ok(raw.startsWith('REFER sip:'), raw.slice(0, 80));
  assert.match(await frame.locator('#details-header').textContent() ?? '', new RegExp(`lines ${expected[pick].line}–`));
  await frame.locator('#reveal-in-trace').click();
  const selection = bench.page.locator('[id="status.editor.selection"]');
  await selection.filter({ hasText: `Ln ${expected[pick].line},` }).waitFor({ timeout: 30_000 });
});

test('the diagram follows edits of the text: emptied, it says so; undone, it is drawn again', { timeout: 180_000 }, async () => {
  const expected = expectedMessages();
  const editor = bench.page.locator('.monaco-editor .view-lines').first();
  await editor.click();
  await bench.page.keyboard.press('Control+A');
  await bench.page.keyboard.press('Delete');
  await frame.locator('#diagram-error:not([hidden])', { hasText: 'No SIP messages found' }).waitFor({ timeout: 30_000 });
  await editor.click();
  await bench.page.keyboard.press('Control+Z');
  await frame.locator('#diagram svg text.messageText').nth(expected.length - 1).waitFor({ timeout: 30_000 });
  assert.equal(await frame.locator('#diagram svg text.messageText').count(), expected.length);
  assert.equal(await frame.locator('#diagram-error').isHidden(), true);

  const problems = webviewProblems(bench.errors);
  assert.deepEqual(problems, [], `webview console errors or CSP violations:\n${problems.map((p) => `${p.type}: ${p.text} (${p.url})`).join('\n')}`);
});
