// Diagnostics and language features in real VS Code: a negative text trace (tshark -V of a failing replication)
// gets the checker's finding in the Problems panel at the offending header, a failing verdict in the status bar,
// an outline of its dialogs and a CodeLens per message; the negative capture's findings sit in its decoded-messages
// view; two UE logs open as one trace with the clock-skew correction reported.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { e2eEnv, findWebview, openWorkbench, progress, runCommand, screenshot, type Workbench } from './support/workbench';

const env = e2eEnv();
const TRACE = 'referred-by-mismatch.sip';
const CAPTURE = 'referred-by-mismatch.pcap';
let bench: Workbench;

before(async () => {
  bench = await openWorkbench(env);
}, { timeout: 300_000 });

after(async () => {
  if (bench) await screenshot(bench.page, env.run, 'diagnostics-last-state').catch(() => undefined);
  await bench?.close();
});

/** 1-based line of the first line of the workspace file whose trimmed text is `text`. */
function lineOf(file: string, text: string): number {
  return readFileSync(join(env.workspace, file), 'utf8').split('\n').findIndex((l) => l.trim() === text) + 1;
}

async function focusProblems(page: Page): Promise<void> {
  progress('focus the Problems view');
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input.input');
  await input.waitFor();
  // The view's focus command is titled after its container ("View:" or "Problems:" by version): match the rest.
  await input.fill('>Focus on Problems View');
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: 'Focus on Problems View' }).first();
  await row.waitFor();
  await row.click();
  await page.locator('.markers-panel').first().waitFor();
}

/** Text of the Problems rows once one contains `needle`. */
async function problemRows(page: Page, needle: string, timeout = 60_000): Promise<string[]> {
  await page.locator('.markers-panel .monaco-list-row', { hasText: needle }).first().waitFor({ timeout });
  return page.locator('.markers-panel .monaco-list-row').allTextContents();
}

/** Quick Open, picking the row of exactly `name` (recently opened files would rank first for Enter). */
async function openFile(page: Page, name: string): Promise<void> {
  progress(`open ${name}`);
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input.input');
  await input.waitFor();
  await input.fill(name);
  const row = page.locator('.quick-input-list .monaco-list-row:visible', { hasText: name }).first();
  await row.waitFor();
  await row.click();
  await page.locator('.tabs-container .tab', { hasText: name }).first().waitFor();
}

async function closeAllEditors(page: Page): Promise<void> {
  await runCommand(page, 'View: Close All Editors');
  await page.waitForTimeout(500);
}

test('a negative text trace: flow.referred-by-mismatch in Problems at the INVITE\'s Referred-By line; status bar says fail', { timeout: 300_000 }, async () => {
  const line = lineOf(TRACE, 'Referred-By: <sip:user4@home1.net>');
  assert.ok(line > 0);
  await openFile(bench.page, TRACE);
  await bench.page.locator('.monaco-editor .view-lines').first().waitFor();
  progress('waiting for the diagnostics');
  const verdict = bench.page.locator('.statusbar-item', { hasText: 'SIP Trail: fail' });
  await verdict.first().waitFor({ timeout: 90_000 });
  assert.match(await verdict.first().textContent() ?? '', /SIP Trail: fail \(1 error/);

  await focusProblems(bench.page);
  const rows = await problemRows(bench.page, 'flow.referred-by-mismatch');
  const row = rows.find((r) => r.includes('flow.referred-by-mismatch')) ?? '';
  assert.match(row, /Referred-By/);
  assert.match(row, /SIP Trail/);
  assert.match(row, new RegExp(`\\[Ln ${line}, Col 9\\]`), row);
  // Every row is ours and none is an error except the one finding.
  await screenshot(bench.page, env.run, 'diagnostics-text-problems');

  // Clicking the entry moves the cursor to the header.
  await bench.page.locator('.markers-panel .monaco-list-row', { hasText: 'flow.referred-by-mismatch' }).first().dblclick();
  await bench.page.locator('[id="status.editor.selection"]').filter({ hasText: `Ln ${line},` }).waitFor({ timeout: 30_000 });
  assert.ok(await bench.page.locator('.monaco-editor .squiggly-error').count() >= 1);
  await screenshot(bench.page, env.run, 'diagnostics-text-squiggle');
});

test('the text trace has a CodeLens per message and an outline of its dialogs', { timeout: 180_000 }, async () => {
  // Go to the REFER's start line: its lens ("4. REFER", the trace's fourth message) sits right above it.
  const referLine = lineOf(TRACE, 'Request-Line: REFER sip:user2@home1.net;gr=urn:uuid:f81d4fae-7dec-11d0-2222-222222222222 SIP/2.0');
  assert.ok(referLine > 0);
  await bench.page.locator('.monaco-editor .view-lines').first().click();
  await bench.page.keyboard.press('Control+G');
  await bench.page.locator('.quick-input-widget input.input').fill(`:${referLine}`);
  await bench.page.keyboard.press('Enter');
  const lens = bench.page.locator('.monaco-editor .codelens-decoration:visible', { hasText: 'Show in call flow (4. REFER)' });
  await lens.first().waitFor({ timeout: 60_000 });
  await screenshot(bench.page, env.run, 'diagnostics-codelens');
  // The lens opens the call flow beside the text with the REFER (message index 3) selected.
  // A lens re-rendered under the pointer (the analysis refreshing) can swallow the click: click again if no
  // diagram came.
  let found: Awaited<ReturnType<typeof findWebview>> | null = null;
  for (let attempt = 1; attempt <= 3 && !found; attempt++) {
    await lens.first().locator('a', { hasText: 'Show in call flow' }).first().click();
    found = await findWebview(bench.page, '#diagram svg text.messageText', 30_000).catch((error: unknown) => {
      progress(`no diagram after lens click ${attempt}: ${error instanceof Error ? error.message : String(error)}`);
      return null;
    });
  }
  assert.ok(found, 'the CodeLens opened the call flow');
  const { frame } = found;
  await bench.page.locator('.tabs-container .tab', { hasText: `Call Flow: ${TRACE}` }).first().waitFor();
  await frame.locator('#details-raw[data-message-index="3"]').waitFor({ timeout: 60_000 });
  assert.match(await frame.locator('#details-raw').textContent() ?? '', /^REFER sip:user2@home1\.net/);
  await screenshot(bench.page, env.run, 'diagnostics-codelens-call-flow');

  await runCommand(bench.page, 'Explorer: Focus on Outline View');
  const outlineRows = bench.page.locator('.outline-pane .monaco-list-row, [id="outline"] .monaco-list-row');
  await outlineRows.first().waitFor({ timeout: 60_000 });
  const texts = await outlineRows.allTextContents();
  progress(`outline: ${texts.slice(0, 8).join(' | ')}`);
  // Dialogs first in trace order (the list draws only the rows in view): the original session's INVITE dialog with
  // its messages inside, then the REFER dialog (README of test/captures/negative: Call-IDs neg-ue1-1, neg-ue1-2).
  assert.match(texts[0], /^INVITE sip:user1@home1\.net → sip:user3@home2\.net.*Call-ID neg-ue1-1@home1\.net · confirmed/);
  assert.match(texts[1], /^INVITE127\.0\.3\.1:35001 → 127\.0\.3\.3:35003/);
  assert.ok(texts.some((t) => /^REFER sip:user1@home1\.net → sip:user2@home1\.net.*Call-ID neg-ue1-2@home1\.net/.test(t)), texts.join('\n'));
  await screenshot(bench.page, env.run, 'diagnostics-outline');
});

test('the negative capture: its finding in Problems points into the decoded-messages view at frame 6', { timeout: 300_000 }, async () => {
  await closeAllEditors(bench.page);
  await openFile(bench.page, CAPTURE);
  await findWebview(bench.page, '#diagram svg text.messageText', 90_000);
  await bench.page.locator('.statusbar-item', { hasText: 'SIP Trail: fail' }).first().waitFor({ timeout: 90_000 });
  await focusProblems(bench.page);
  await problemRows(bench.page, 'flow.referred-by-mismatch');
  assert.ok(await bench.page.locator('.markers-panel .monaco-list-row', { hasText: `${CAPTURE}.decoded.siptrace` }).count() >= 1);

  // The entry opens the decoded view at the INVITE's Referred-By line, under its frame line.
  await bench.page.locator('.markers-panel .monaco-list-row', { hasText: 'flow.referred-by-mismatch' }).first().dblclick();
  await bench.page.locator('.tabs-container .tab', { hasText: `${CAPTURE}.decoded.siptrace` }).first().waitFor({ timeout: 60_000 });
  const editor = bench.page.locator('.editor-instance .monaco-editor').first();
  await editor.locator('.view-line', { hasText: 'Referred-By: <sip:user4@home1.net>' }).first().waitFor({ timeout: 30_000 });
  await editor.locator('.view-line', { hasText: '=== Frame 6 · ' }).first().waitFor({ timeout: 30_000 });
  assert.ok(await editor.locator('.squiggly-error').count() >= 1);
  assert.match(await bench.page.locator('.statusbar-item', { hasText: 'SIP Trail:' }).first().textContent() ?? '', /SIP Trail: fail/);
  await screenshot(bench.page, env.run, 'diagnostics-decoded-view');
});

test('"Show Decoded SIP Messages" from the palette lists every frame of the active capture', { timeout: 180_000 }, async () => {
  await closeAllEditors(bench.page);
  await openFile(bench.page, CAPTURE);
  await findWebview(bench.page, '#diagram svg text.messageText', 90_000);
  await runCommand(bench.page, 'SIP Trail: Show Decoded SIP Messages');
  await bench.page.locator('.tabs-container .tab.active', { hasText: `${CAPTURE}.decoded.siptrace` }).waitFor({ timeout: 60_000 });
  const editor = bench.page.locator('.editor-instance .monaco-editor').first();
  await editor.locator('.view-line', { hasText: '=== Frame 1 · ' }).first().waitFor({ timeout: 30_000 });
  assert.ok(await editor.locator('.view-line', { hasText: 'INVITE sip:user3@home2.net SIP/2.0' }).count() >= 1);
});

test('two UE logs opened as one trace: the merged diagram and the clock-skew finding', { timeout: 300_000 }, async () => {
  await closeAllEditors(bench.page);
  const page = bench.page;
  // Expand logs/ in the explorer, select both logs, run the command from the context menu.
  const folder = page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'logs' }).first();
  await folder.click();
  const ue1 = page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'ue1.log' }).first();
  const ue2 = page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'ue2.log' }).first();
  await ue1.waitFor();
  await ue1.click();
  await ue2.click({ modifiers: ['Control'] });
  await ue2.click({ button: 'right' });
  const item = page.locator('.monaco-menu .action-item', { hasText: 'Open Logs as One Trace' }).first();
  await item.waitFor({ timeout: 30_000 });
  await item.click();
  progress('waiting for the merged diagram');
  const { frame } = await findWebview(page, '#diagram svg text.messageText', 90_000);
  const arrows = await frame.locator('#diagram svg text.messageText').count();
  assert.ok(arrows >= 11, `${arrows} arrows`);
  assert.ok(await page.locator('.tabs-container .tab', { hasText: 'Call Flow: ue1.log + ue2.log' }).count() > 0);
  await focusProblems(page);
  const rows = await problemRows(page, 'trace.clock-skew', 90_000);
  const skew = rows.find((r) => r.includes('trace.clock-skew')) ?? '';
  assert.match(skew, /ue2\.log" runs 2\.\d{3} s ahead of "ue1\.log"/);
  await screenshot(page, env.run, 'merged-trace');
});

test('the walkthrough lists its steps; its "Open Example Capture" opens the bundled capture, which passes', { timeout: 180_000 }, async () => {
  await closeAllEditors(bench.page);
  await runCommand(bench.page, 'Welcome: Open Walkthrough...');
  const pick = bench.page.locator('.quick-input-list .monaco-list-row', { hasText: 'Get Started with SIP Trail' }).first();
  await pick.waitFor({ timeout: 30_000 });
  await pick.click();
  const page = bench.page.locator('.gettingStartedContainer, .getting-started-container, .gettingStarted').first();
  await page.waitFor({ timeout: 30_000 });
  for (const title of ['Open the example capture', 'Read the ladder diagram', 'See the checker\'s findings', 'Export the diagram', 'Check your own traces and logs']) {
    await page.getByText(title, { exact: true }).first().waitFor({ timeout: 30_000 });
  }
  await screenshot(bench.page, env.run, 'walkthrough');
  await page.getByText('Open the example capture', { exact: true }).first().click();
  await page.getByRole('button', { name: 'Open Example Capture' }).first().click();
  await bench.page.locator('.tabs-container .tab', { hasText: 'session-replication-push.pcap' }).first().waitFor({ timeout: 60_000 });
  await findWebview(bench.page, '#diagram svg text.messageText', 90_000);
  await bench.page.locator('.statusbar-item', { hasText: 'SIP Trail: pass' }).first().waitFor({ timeout: 90_000 });
});
