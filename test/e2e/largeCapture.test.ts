// Issue 7 in real VS Code: a SIPp capture of 204,000 SIP messages opened in the SIP Call Flow editor. Progress shows
// at once; while the trace worker parses, a command round-trips through the extension host and answers within a
// few seconds (the host never blocks); then the first page is drawn. Page switches and a jump to one dialog picked
// by Call-ID are timed and reported (not asserted as absolute times), and the webview's own draw of a page is
// compared with a bare mermaid.render of the same source in the same webview: at most 1.5× (issue 7).
//
// The capture: bench/generateCapture.mjs (SIPp uac → uas on 127.0.6.x, tcpdump with a host filter), cached in
// .e2e-run/cache/ (gitignored) so a second local run skips the ~45 s of SIPp. Needs sipp, tcpdump, tshark and editcap.
import { after, before, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, linkSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Frame } from 'playwright-core';
import { repoRoot } from '../support/paths';
import { e2eEnv, openWorkbench, progress, quickOpen, runCommand, screenshot, webviewProblems, type Workbench } from './support/workbench';
import { extensionLogLines, median, webviewFrame } from './support/webviewFrame';
import { extensionHostMemory } from './support/processMemory';

const env = e2eEnv();
/** SIPp's built-in uac scenario is six messages a call (INVITE, 180, 200, ACK, BYE, 200). */
const CALLS = 34_000;
const MIN_MESSAGES = 200_000;
const FILE = `large-${CALLS}-calls.pcap`;
const cached = join(repoRoot, '.e2e-run/cache', FILE);
/** The extension's default sipTrail.diagram.pageSize. */
const PAGE_SIZE = 300;
/** Issue 7: opening a page costs at most this many times a bare mermaid.render of the same text. */
const RENDER_BUDGET = 1.5;

let skipReason: string | null = null;
let sipMessages = 0;
let dialog: { callId: string; titles: string[]; offset: number } | null = null;
let bench: Workbench | undefined;
let frame: Frame;
const figures: string[] = [];

function report(t: TestContext, line: string): void {
  figures.push(line);
  progress(line);
  t.diagnostic(line);
}

function missingTools(): string[] {
  return ['sipp', 'tcpdump', 'tshark', 'editcap'].filter((tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0);
}

/**
 * SIP messages in the capture, counted by tshark: UDP datagrams whose payload holds a SIP start line. The SIP
 * dissector itself is off here: over 200k messages its per-call state makes tshark take half a minute and more.
 */
function countSipMessages(path: string): number {
  const out = execFileSync('tshark', ['-r', path, '-n', '--disable-protocol', 'sip', '--disable-protocol', 'sdp',
    '-Y', 'udp.payload contains "SIP/2.0"', '-T', 'fields', '-e', 'frame.number'], { encoding: 'utf8', maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'ignore'] });
  return out.split('\n').filter((l) => l !== '').length;
}

/**
 * A call from the middle of the capture, read by tshark's SIP dissector from a 2,000-frame cut around it (a SIPp
 * call lasts milliseconds, so all its messages are inside): its Call-ID and message titles in capture order.
 */
function middleDialog(path: string, total: number): { callId: string; titles: string[]; offset: number } {
  const dir = mkdtempSync(join(tmpdir(), 'siptrail-large-'));
  try {
    const cut = join(dir, 'cut.pcap');
    const mid = Math.floor(total / 2);
    execFileSync('editcap', ['-r', path, cut, `${mid - 1000}-${mid + 1000}`], { stdio: 'ignore' });
    const rows = execFileSync('tshark', ['-r', cut, '-n', '-Y', 'sip', '-T', 'fields', '-E', 'separator=/t', '-e', 'sip.Call-ID', '-e', 'sip.Method', '-e', 'sip.Status-Line', '-e', 'frame.time_epoch'],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).split('\n').filter((l) => l !== '').map((l) => l.split('\t'));
    // The capture's first packet time: what the picker's time: offsets count from.
    const captureStart = Number(execFileSync('tshark', ['-r', path, '-n', '-c', '1', '-T', 'fields', '-e', 'frame.time_epoch'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
    const start = rows.findIndex((r, i) => i >= 500 && r[1] === 'INVITE');
    assert.ok(start >= 0, 'an INVITE in the middle of the capture');
    const callId = rows[start][0];
    const titles = rows.filter((r) => r[0] === callId).map(([, method, status]) => method || status.split(' ').slice(1).join(' '));
    return { callId, titles, offset: Number(rows[start][3]) - captureStart };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Pages drawn so far in the webview (data-render-seq), and the timings of the last one. */
async function drawn(): Promise<{ seq: number; page: number; drawMs: number; openMs: number | null }> {
  // Runs in the webview; the test project has no DOM types.
  return frame.evaluate(() => {
    const d = (globalThis as any).document.getElementById('diagram').dataset;
    return { seq: Number(d.renderSeq ?? 0), page: Number(d.page ?? -1), drawMs: Number(d.drawMs ?? NaN), openMs: d.openMs ? Number(d.openMs) : null };
  });
}

/**
 * One round trip through the extension host: "SIP Trail: Export Diagram…" from the palette shows its format pick
 * (src/extension/exportDiagramCommand.ts); closed again with Escape. Milliseconds from the click to the pick.
 */
async function probeHost(page: Workbench['page']): Promise<{ ms: number; drawn: boolean; progress: string | null }> {
  await runCommand(page, 'SIP Trail: Export Diagram…');
  const clicked = Date.now();
  await page.locator('.quick-input-widget input.input[placeholder="Format"]:visible').waitFor({ timeout: 60_000 });
  const ms = Date.now() - clicked;
  if (ms > 2_000) progress(`slow command: issued ${new Date(clicked).toISOString().slice(11, 23)}, answered after ${ms} ms`);
  const state = await frame.evaluate(() => {
    const doc = (globalThis as any).document;
    return { drawn: doc.querySelector('#diagram svg') !== null, progress: doc.getElementById('progress').hidden ? null : doc.getElementById('progress-label').textContent };
  });
  await page.keyboard.press('Escape');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
  return { ms, ...state };
}

async function closeAllEditors(page: Workbench['page']): Promise<void> {
  await runCommand(page, 'View: Close All Editors');
  await page.locator('.tabs-container .tab').first().waitFor({ state: 'detached', timeout: 15_000 });
  await page.waitForTimeout(3_000);
}

/** How long the webview document has existed (performance.now() counts from its start). */
async function webviewLoadTiming(): Promise<{ age: number }> {
  return frame.evaluate(() => ({ age: Math.round((globalThis as any).performance.now()) }));
}

async function waitForDraw(after: number, timeout = 60_000): Promise<void> {
  await frame.waitForFunction((seq) => Number((globalThis as any).document.getElementById('diagram').dataset.renderSeq ?? 0) > seq, after, { timeout, polling: 'raf' });
}

before(async () => {
  const missing = missingTools();
  if (missing.length) {
    skipReason = `${missing.join(', ')} not installed (Debian sip-tester, tcpdump, tshark): scripts/install-test-tools.sh installs them with SIPTRAIL_CAPTURE_TOOLS=1`;
    progress(`large capture: skipped, ${skipReason}`);
    return;
  }
  if (!existsSync(cached) && process.getuid?.() !== 0) {
    // tcpdump needs CAP_NET_RAW to capture on lo; CI runs as root, a developer's account may not.
    skipReason = 'making the capture needs tcpdump on lo, which needs root here';
    progress(`large capture: skipped, ${skipReason}`);
    return;
  }
  mkdirSync(join(repoRoot, '.e2e-run/cache'), { recursive: true });
  const started = Date.now();
  const { ensureBigCapture } = await import(pathToFileURL(join(repoRoot, 'bench/generateCapture.mjs')).href) as {
    ensureBigCapture(path: string, options: { calls: number; rate: number; timeoutSeconds: number }): Promise<boolean>;
  };
  const made = await ensureBigCapture(cached, { calls: CALLS, rate: 800, timeoutSeconds: 150 });
  progress(`large capture: ${made ? 'generated with SIPp' : 'cached'} in ${((Date.now() - started) / 1000).toFixed(1)} s (${cached})`);
  const counting = Date.now();
  sipMessages = countSipMessages(cached);
  progress(`large capture: tshark counts ${sipMessages} SIP messages in ${((Date.now() - counting) / 1000).toFixed(1)} s`);
  if (sipMessages < MIN_MESSAGES) {
    // A short capture (SIPp stopped early, packets dropped) must not stay cached.
    rmSync(cached, { force: true });
    return;
  }
  dialog = middleDialog(cached, sipMessages);
  const target = join(env.workspace, FILE);
  rmSync(target, { force: true });
  try { linkSync(cached, target); } catch { copyFileSync(cached, target); }
  bench = await openWorkbench(env);
}, { timeout: 420_000 });

after(async () => {
  if (bench) {
    await screenshot(bench.page, env.run, 'large-capture-last-state').catch(() => undefined);
    // Closing the editor ends its trace workers and drops the capture's analysis, so the files that run next in this
    // code-server do not share the machine with gigabytes of this trace.
    await closeAllEditors(bench.page).catch((error: unknown) => progress(`closing the editors: ${String(error)}`));
    const memory = extensionHostMemory(env.run);
    if (memory) figures.push(`extension host after the editor closed: ${memory.rssMB} MB resident`);
  }
  await bench?.close();
  if (figures.length) process.stderr.write(`\nlarge capture figures:\n  ${figures.join('\n  ')}\n`);
});

test('the capture holds at least 200,000 SIP messages (tshark)', (t) => {
  if (skipReason) return t.skip(skipReason);
  assert.ok(sipMessages >= MIN_MESSAGES, `tshark counts ${sipMessages} SIP messages in ${cached}, expected at least ${MIN_MESSAGES}`);
  report(t, `messages: ${sipMessages} (tshark)`);
});

test('opening it shows progress at once, a command answers while the worker parses, then the first page is drawn', { timeout: 300_000 }, async (t) => {
  if (skipReason) return t.skip(skipReason);
  assert.ok(bench, 'the workbench is open');
  const page = bench.page;
  const opened = Date.now();
  await quickOpen(page, FILE);
  frame = await webviewFrame(page, '#diagram-pane');
  const load = await webviewLoadTiming();
  report(t, `open → webview document started: ${Date.now() - opened - load.age} ms (VS Code creating the webview; our script runs after)`);

  // Progress: the webview's ring, or VS Code's notification for big captures, whichever shows first.
  const shownAt = await Promise.any([
    frame.locator('#progress:not([hidden])').waitFor({ timeout: 60_000 }).then(() => Date.now()),
    page.locator('.notifications-toasts .notification-toast', { hasText: `Reading ${FILE}` }).first().waitFor({ timeout: 60_000 }).then(() => Date.now()),
  ]);
  assert.equal(await frame.locator('#diagram svg').count(), 0, 'progress shows before the diagram');
  report(t, `open → progress shown: ${shownAt - opened} ms`);

  // Commands through the extension host while the trace is parsed and analysed, until the first page is drawn and
  // the checker's verdict (a second analysis, for the Problems panel) is in the status bar: each must answer.
  // Watched alongside the probes, so the first page's time is exact.
  let firstPage = 0;
  const firstPageDrawn = waitForDraw(0, 300_000).then(() => { firstPage = Date.now(); });
  const first = await probeHost(page);
  report(t, `command answered ${first.ms} ms after it was issued, while the webview showed ${JSON.stringify(first.progress)}`);
  assert.equal(first.drawn, false, 'the answer came before the first page');
  assert.notEqual(first.progress, null, 'the progress was still on screen when the command answered');
  assert.ok(first.ms < 5_000, `the extension host answered a command ${first.ms} ms after it was issued during parsing`);
  const probes = [first];
  const verdict = page.locator('.statusbar-item', { hasText: 'SIP Trail:' });
  const deadline = Date.now() + 240_000;
  while (Date.now() < deadline && !(firstPage && await verdict.count() > 0)) probes.push(await probeHost(page));
  probes.push(await probeHost(page));
  await firstPageDrawn;
  const slowest = probes.reduce((a, b) => (b.ms > a.ms ? b : a));
  report(t, `${probes.length} commands during the load: median ${median(probes.map((p) => p.ms))} ms, slowest ${slowest.ms} ms (webview then: ${slowest.drawn ? 'page drawn' : JSON.stringify(slowest.progress)})`);
  // Issue 7 asks for no frozen host; the capture's second analysis (Problems panel, decoded view) lands on the host
  // thread as one message, which stalls it for seconds on a busy machine: reported above, bounded here.
  assert.ok(slowest.ms < 30_000, `a command took ${slowest.ms} ms to answer: the extension host was blocked`);
  report(t, `open → first page drawn: ${firstPage - opened} ms (webview draw ${(await drawn()).drawMs} ms)`);
  const status = await frame.locator('#status').textContent() ?? '';
  assert.match(status, new RegExp(`^${sipMessages} SIP messages \\(pcap\\)`), `status ${JSON.stringify(status)}`);
  assert.equal(await frame.locator('#diagram svg text.messageText').count(), PAGE_SIZE);
  const pages = Math.ceil(sipMessages / PAGE_SIZE);
  assert.equal(await frame.locator('#page-label').textContent(), `Page 1 of ${pages}`);
  assert.equal(await frame.locator('#progress').isHidden(), true, 'the progress is gone once the page is drawn');

  // Parsed in the worker thread, as the extension's log says.
  const read = extensionLogLines(env.run).find((l) => l.includes(`${FILE}: ${sipMessages} SIP messages`));
  if (read) report(t, `extension log: ${read.replace(/^.*?\] /, '')}`);
  if (read) assert.match(read, /\(worker thread\)/);
  const memory = extensionHostMemory(env.run);
  if (memory) report(t, `extension host process (host + trace worker threads): ${memory.rssMB} MB resident now, ${memory.peakMB} MB at peak`);
  await screenshot(page, env.run, 'large-capture-first-page');
});

test('page switches are timed; the webview draws a page within 1.5× a bare mermaid.render of its text', { timeout: 240_000 }, async (t) => {
  if (skipReason) return t.skip(skipReason);
  assert.ok(frame, 'the capture is open');
  const openMs: number[] = [];
  for (let next = 1; next <= 3; next++) {
    const before = await drawn();
    const clicked = Date.now();
    await frame.locator('#page-next').click();
    await waitForDraw(before.seq);
    const elapsed = Date.now() - clicked;
    const now = await drawn();
    assert.equal(now.page, next);
    const first = await frame.locator('#diagram svg text.messageText').first().textContent() ?? '';
    assert.match(first, new RegExp(`^${next * PAGE_SIZE + 1}\\. `), 'the page continues the numbering');
    assert.equal(await frame.locator('#diagram svg text.messageText').count(), PAGE_SIZE);
    report(t, `page ${next} → ${next + 1}: ${elapsed} ms click → drawn (webview: ${now.openMs} ms since its request, of which ${now.drawMs} ms drawing)`);
    if (now.openMs !== null) openMs.push(now.openMs);
  }

  // The same page drawn both ways in turn, three times, inside the webview (src/protocol/messages.ts measureRender).
  await frame.evaluate(() => (globalThis as any).postMessage({ type: 'measureRender', runs: 3 }, '*'));
  await frame.waitForFunction(() => (globalThis as any).document.getElementById('diagram').dataset.drawRunsMs !== undefined, null, { timeout: 60_000 });
  const measured = await frame.evaluate(() => {
    const d = (globalThis as any).document.getElementById('diagram').dataset;
    return { bare: String(d.bareRenderMs).split(',').map(Number), draw: String(d.drawRunsMs).split(',').map(Number), page: Number(d.measuredPage) };
  });
  const bare = median(measured.bare);
  const draw = median(measured.draw);
  report(t, `page ${measured.page + 1} (${PAGE_SIZE} arrows): bare mermaid.render ${measured.bare.join(', ')} ms; webview draw ${measured.draw.join(', ')} ms; ratio of medians ${(draw / bare).toFixed(2)}`);
  if (openMs.length) report(t, `page open incl. host and worker (median ${median(openMs)} ms) / bare mermaid.render: ${(median(openMs) / bare).toFixed(2)}`);
  assert.ok(draw <= RENDER_BUDGET * bare, `the webview drew the page in ${draw} ms, more than ${RENDER_BUDGET}× the bare mermaid.render (${bare} ms)`);
});

test('a dialog picked by Call-ID from the 34,000 in the picker is drawn on its own', { timeout: 180_000 }, async (t) => {
  if (skipReason) return t.skip(skipReason);
  assert.ok(frame && dialog && bench, 'the capture is open');
  const page = bench.page;
  const before = await drawn();
  const clicked = Date.now();
  await frame.locator('#pick-selection').click();
  const input = page.locator('.quick-input-widget input.input:visible');
  await input.waitFor();
  await page.locator('.quick-input-list .monaco-list-row:visible', { hasText: 'Call-ID' }).first().waitFor();
  const listed = Date.now();
  // A time range of 4 ms around the dialog's INVITE (seconds from the capture start). Every call in progress then
  // matches (hundreds at 800 calls/s), more than the picker lists; each listed one starts before the range ends.
  const to = dialog.offset + 0.002;
  await input.fill(`time:+${(dialog.offset - 0.002).toFixed(3)}..+${to.toFixed(3)}`);
  const listedRows = page.locator('.quick-input-list .monaco-list-row:visible', { hasText: 'UTC (+' });
  // The list before showed the trace's first calls (offsets near 0); the answer shows calls from the middle.
  assert.ok(dialog.offset > 5, `the middle dialog starts ${dialog.offset} s in`);
  await page.waitForFunction(() => {
    const row = [...(globalThis as any).document.querySelectorAll('.quick-input-list .monaco-list-row')].find((r: any) => r.textContent.includes('UTC (+'));
    return row !== undefined && Number(/UTC \(\+(\d+\.\d+) s\)/.exec(row.textContent)?.[1]) > 1;
  }, undefined, { timeout: 60_000 });
  const ranged = Date.now();
  const rows = await listedRows.allTextContents();
  assert.ok(rows.length > 0, 'dialogs in the time range');
  for (const row of rows) {
    const start = Number(/UTC \(\+(\d+\.\d+) s\)/.exec(row)?.[1]);
    assert.ok(start <= to + 0.001, `${row}: starts after the range`);
  }
  report(t, `dialog picker: a time range of 4 ms answered in ${ranged - listed} ms (${rows.length} dialogs visible, each starting before its end)`);
  const typed = Date.now();
  await input.fill(dialog.callId);
  const row = page.locator('.quick-input-list .monaco-list-row:visible', { hasText: `Call-ID ${dialog.callId}` }).first();
  await row.waitFor();
  const found = Date.now();
  await row.click();
  const picked = Date.now();
  await waitForDraw(before.seq);
  const shown = Date.now();
  report(t, `dialog picker: listed ${listed - clicked} ms after the click, Call-ID found ${found - typed} ms after typing, drawn ${shown - picked} ms after the pick (webview draw ${(await drawn()).drawMs} ms)`);

  const labels = await frame.locator('#diagram svg text.messageText').allTextContents();
  assert.equal(labels.length, dialog.titles.length, `arrows of Call-ID ${dialog.callId}: ${JSON.stringify(labels)}`);
  labels.forEach((label, i) => assert.match(label, new RegExp(`^\\d+\\. ${escapeRegExp(dialog!.titles[i])}( |$)`), `arrow ${i + 1}`));
  assert.ok((await frame.locator('#selection-title').textContent() ?? '').includes(dialog.callId));
  await screenshot(page, env.run, 'large-capture-dialog');

  const problems = webviewProblems(bench.errors);
  assert.deepEqual(problems, [], problems.map((p) => `${p.type}: ${p.text} (${p.url})`).join('\n'));
});

test('after the Problems analysis, the analyser\'s worker has ended and handed its copy of the capture back', { timeout: 420_000 }, async (t) => {
  if (skipReason) return t.skip(skipReason);
  // The capture's Problems entries are worked out after the first page (traceDiagnostics.ts), in the analyser's own
  // worker; once done, only the diagram's worker keeps a parse of the capture.
  const deadline = Date.now() + 400_000;
  let done: string | undefined;
  while (!(done = extensionLogLines(env.run).find((l) => l.includes(`${FILE}: analysed ${sipMessages} messages`))) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
  assert.ok(done, 'the analyser logged its analysis of the capture');
  report(t, `extension log: ${done.replace(/^.*?\] /, '')}`);
  // Freed memory comes back to the system after a collection, not at once: a few samples.
  const samples: number[] = [];
  for (let k = 0; k < 5; k++) {
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const memory = extensionHostMemory(env.run);
    if (memory) samples.push(memory.rssMB);
  }
  const memory = extensionHostMemory(env.run);
  if (!memory) return;
  report(t, `extension host after the analysis: ${samples.join(', ')} MB resident (every 3 s), ${memory.peakMB} MB at peak`);
  // The analyser's parse of 204,000 messages held well over a gigabyte; with its thread ended, that is handed back.
  assert.ok(Math.min(...samples) <= memory.peakMB - 500, `resident ${samples.join(', ')} MB against a peak of ${memory.peakMB} MB`);
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
