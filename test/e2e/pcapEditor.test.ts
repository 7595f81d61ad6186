// A capture opened in real VS Code (code-server) shows its ladder diagram in the SIP Call Flow editor:
// participants and arrow labels as tshark reads the capture, a click on an arrow shows that message's raw text,
// the diagram follows the colour theme, and the webview logs no error and no CSP violation.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
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

/** Marker references of the arrows that do not resolve to a marker inside the same SVG (arrows without heads). */
async function headlessArrows(): Promise<string[]> {
  // Runs in the page; the test project has no DOM types, hence `any`.
  return frame.locator('#diagram svg').first().evaluate((svg: any) => {
    const out: string[] = [];
    for (const line of svg.querySelectorAll('.messageLine0, .messageLine1')) {
      const ref = /url\(["']?#([^"')]+)/.exec(line.getAttribute('marker-end') ?? '')?.[1];
      const marker = ref ? svg.ownerDocument.getElementById(ref) : null;
      if (!marker || marker.closest('svg') !== svg) out.push(ref ?? `no marker-end on ${line.outerHTML.slice(0, 80)}`);
    }
    return out;
  });
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
  assert.deepEqual(await headlessArrows(), [], 'every arrow has its head');
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
  const input = bench.page.locator('.quick-input-widget input.input[placeholder*="theme" i]:visible');
  await input.waitFor();
  await input.fill(name);
  const row = bench.page.locator('.quick-input-list .monaco-list-row:visible', { hasText: name }).first();
  await row.waitFor();
  await row.click();
}

test('the diagram follows the colour theme (light screenshot), with no webview error or CSP violation', { timeout: 180_000 }, async () => {
  await pickTheme('Light Modern');
  await frame.locator('body.vscode-light').waitFor({ timeout: 30_000 });
  await frame.locator('#diagram svg text.messageText').first().waitFor();
  // Redrawn in mermaid's light theme: the lifeline boxes take the default theme's fill.
  await bench.page.waitForTimeout(1000);
  await screenshot(bench.page, env.run, 'capture-diagram-light');
  await bench.page.locator('.part.editor').screenshot({ path: join(env.run, 'screenshots', 'diagram-light.png') });
  await pickTheme('Dark Modern');
  await frame.locator('body.vscode-dark').waitFor({ timeout: 30_000 });
  await frame.locator('#diagram svg text.messageText').first().waitFor();
  await bench.page.waitForTimeout(1000);
  await bench.page.locator('.part.editor').screenshot({ path: join(env.run, 'screenshots', 'diagram-dark.png') });
  assert.deepEqual(await headlessArrows(), [], 'every arrow has its head after the redraw');

  const problems = webviewProblems(bench.errors);
  assert.deepEqual(problems, [], `webview console errors or CSP violations:\n${problems.map((p) => `${p.type}: ${p.text} (${p.url})`).join('\n')}`);
});

test('lifeline names stay pinned while the diagram scrolls; clicking a lifeline renames it through the settings', { timeout: 180_000 }, async () => {
  const expected = expectedMessages();
  const pinned = frame.locator('#lifelines');
  assert.equal(await pinned.isHidden(), true, 'the copy is hidden while the real boxes are on screen');
  await frame.locator('#diagram-pane').hover();
  await bench.page.mouse.wheel(0, 3000);
  await frame.locator('#lifelines:not([hidden]) svg text.actor').first().waitFor({ timeout: 10_000 });
  const pinnedText = (await frame.locator('#lifelines svg text.actor').allTextContents()).join('\n');
  assert.ok(pinnedText.includes(expected[0].src), pinnedText);
  await screenshot(bench.page, env.run, 'capture-scrolled-pinned-lifelines');
  await bench.page.mouse.wheel(0, -3000);
  await pinned.waitFor({ state: 'hidden' });

  // Rename the sender of the first message: the input box, then the redrawn diagram and the workspace setting.
  // The box's label lies over the box, so the click lands on the label, as a user's would.
  const label = frame.locator('#diagram svg g:has(> rect.actor-top) text.actor', { hasText: expected[0].src }).first();
  await label.click();
  const input = bench.page.locator('.quick-input-widget input.input:visible');
  await input.waitFor();
  await input.fill('UE-1');
  await bench.page.keyboard.press('Enter');
  await frame.locator('#diagram svg text.actor', { hasText: 'UE-1' }).first().waitFor({ timeout: 30_000 });
  const settings = JSON.parse(readFileSync(join(env.workspace, '.vscode/settings.json'), 'utf8')) as Record<string, Record<string, string>>;
  const renamedKeys = Object.entries(settings['sipTrail.participantNames'] ?? {}).filter(([, v]) => v === 'UE-1').map(([k]) => k);
  assert.deepEqual(renamedKeys, [expected[0].src], JSON.stringify(settings));
  // Same arrows as before: a rename changes names only.
  assert.equal(await frame.locator('#diagram svg text.messageText').count(), expected.length);
  assert.deepEqual(await headlessArrows(), []);
  const problems = webviewProblems(bench.errors);
  assert.deepEqual(problems, [], problems.map((p) => `${p.type}: ${p.text} (${p.url})`).join('\n'));
});
