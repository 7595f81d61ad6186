// A capture opened in real VS Code (code-server) shows its ladder diagram in the SIP Call Flow editor:
// participants and arrow labels as tshark reads the capture, a click on an arrow shows that message's raw text,
// the diagram follows the colour theme, and the webview logs no error and no CSP violation.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FrameLocator } from 'playwright-core';
import { hasTshark, tsharkFields } from '../support/tshark';
import { e2eEnv, findWebview, openWorkbench, progress, quickOpen, runCommand, screenshot, webviewProblems, type Workbench } from './support/workbench';

const env = e2eEnv();
let bench: Workbench;
let frame: FrameLocator;

interface Expected { src: string; dst: string; title: string; requestLine: string; callId: string }

/** What each arrow must say, read by tshark (the reference dissector), in capture order. */
function expectedMessages(): Expected[] {
  hasTshark();
  const rows = tsharkFields(env.captureSource, [
    'ip.src', 'ipv6.src', 'udp.srcport', 'tcp.srcport', 'ip.dst', 'ipv6.dst', 'udp.dstport', 'tcp.dstport',
    'sip.Method', 'sip.Status-Line', 'sip.Request-Line', 'sip.Call-ID',
  ], { filter: 'sip' });
  return rows.map(([ip4s, ip6s, us, ts, ip4d, ip6d, ud, td, method, statusLine, requestLine, callId]) => ({
    src: ip6s ? `[${ip6s}]:${us || ts}` : `${ip4s}:${us || ts}`,
    dst: ip6d ? `[${ip6d}]:${ud || td}` : `${ip4d}:${ud || td}`,
    title: method || statusLine.split(' ').slice(1).join(' '),
    requestLine,
    callId,
  }));
}

before(async () => {
  progress(`capture ${env.capture}`);
  bench = await openWorkbench(env);
}, { timeout: 300_000 });

after(async () => {
  // The last state on screen, whatever happened: the first thing to look at when a test failed.
  if (bench) await screenshot(bench.page, env.run, 'capture-last-state').catch(() => undefined);
  await bench?.close();
});

test('the capture opens in the SIP Call Flow custom editor and mermaid draws one arrow per SIP message', { timeout: 300_000 }, async () => {
  const expected = expectedMessages();
  await quickOpen(bench.page, env.capture);
  progress('waiting for the diagram webview');
  frame = (await findWebview(bench.page, '#diagram svg')).frame;
  progress('diagram found');
  const labels = frame.locator('#diagram svg text.messageText');
  await labels.first().waitFor();
  const texts = await labels.allTextContents();
  assert.equal(texts.length, expected.length);
  texts.forEach((text, i) => {
    assert.ok(text.startsWith(`${i + 1}. ${expected[i].title} (+`), `arrow ${i + 1}: ${JSON.stringify(text)} should read "${i + 1}. ${expected[i].title}"`);
  });
  // Every transport address is on a lifeline (as its name or under the user@host name).
  const actorText = (await frame.locator('#diagram svg text.actor').allTextContents()).join('\n');
  for (const address of new Set(expected.flatMap((e) => [e.src, e.dst]))) {
    assert.ok(actorText.includes(address), `lifeline for ${address} in ${JSON.stringify(actorText)}`);
  }
  assert.match(await frame.locator('#status').textContent() ?? '', new RegExp(`^${expected.length} SIP messages`));
  await screenshot(bench.page, env.run, 'capture-diagram-dark');
});

test('clicking an arrow shows that message\'s raw text in the details pane', { timeout: 180_000 }, async () => {
  const expected = expectedMessages();
  const pick = Math.max(0, expected.findIndex((e) => e.requestLine.startsWith('REFER ')));
  const label = frame.locator('#diagram svg text.messageText').nth(pick);
  await label.scrollIntoViewIfNeeded();
  await label.click();
  const raw = frame.locator('#details-raw');
  await frame.locator(`#details-raw[data-message-index="${pick}"]`).waitFor();
  const text = await raw.textContent() ?? '';
  assert.equal(text.split(/\r?\n/)[0], expected[pick].requestLine || `SIP/2.0 ${expected[pick].title}`);
  assert.match(text, new RegExp(`^(Call-ID|i):\\s*${expected[pick].callId.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`, 'mi'));
  assert.equal(await label.getAttribute('class'), 'messageText selected');
  const header = await frame.locator('#details-header').textContent() ?? '';
  assert.ok(header.includes(`${expected[pick].src} → ${expected[pick].dst}`), header);
  // Keyboard: the arrows are focusable buttons; Enter on the next one selects it.
  await label.press('ArrowDown');
  await bench.page.keyboard.press('Enter');
  await frame.locator(`#details-raw[data-message-index="${pick + 1}"]`).waitFor();
  await screenshot(bench.page, env.run, 'capture-message-details');
});

/** Picks a colour theme the way a user does: "Preferences: Color Theme", type its name, Enter. */
async function pickTheme(name: string): Promise<void> {
  await runCommand(bench.page, 'Preferences: Color Theme');
  // The theme picker replaces the command palette in the same quick input, which keeps the focus.
  await bench.page.locator('.quick-input-widget input.input[aria-label*="theme" i]:visible, .quick-input-widget input.input[placeholder*="theme" i]:visible').first().waitFor();
  await bench.page.keyboard.type(name);
  await bench.page.locator('.quick-input-list .monaco-list-row:visible', { hasText: name }).first().waitFor();
  await bench.page.keyboard.press('Enter');
}

test('the diagram follows the colour theme (light screenshot), with no webview error or CSP violation', { timeout: 180_000 }, async () => {
  await pickTheme('Light Modern');
  await frame.locator('body.vscode-light').waitFor({ timeout: 30_000 });
  await frame.locator('#diagram svg text.messageText').first().waitFor();
  // Redrawn in mermaid's light theme: the lifeline boxes take the default theme's fill.
  await bench.page.waitForTimeout(1000);
  await screenshot(bench.page, env.run, 'capture-diagram-light');
  await pickTheme('Dark Modern');
  await frame.locator('body.vscode-dark').waitFor({ timeout: 30_000 });

  const problems = webviewProblems(bench.errors);
  assert.deepEqual(problems, [], `webview console errors or CSP violations:\n${problems.map((p) => `${p.type}: ${p.text} (${p.url})`).join('\n')}`);
});
