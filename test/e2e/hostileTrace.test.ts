// A hostile text trace in real VS Code (issue 8, webview safety): a real SIPp message log whose reason phrases and
// header values were replaced by HTML, <script>, javascript: URIs, mermaid directives (%%{init}%%, click, callback,
// link), bidi controls and a 100 kB value. The diagram shows each one as inert, visible text (clipped labels end
// with "…"), the details pane shows the raw text, and the webview logs no CSP violation and makes no network request.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FrameLocator, Request } from 'playwright-core';
import { clipText } from '../../src/core/render/mermaidText';
import { repoRoot } from '../support/paths';
import { HOSTILE_STRINGS } from '../unit/render/hostileStrings';
import { e2eEnv, findWebview, openWorkbench, progress, quickOpen, runCommand, screenshot, webviewProblems, type Workbench } from './support/workbench';

const env = e2eEnv();
const TRACE = 'hostile.sip';
/** Longest message title on an arrow (src/core/render/arrowLabel.ts): the rest is in the details pane. */
const MAX_TITLE = 60;
const BIG = `<b>${'A'.repeat(100_000)}</b>`;
let bench: Workbench;
let frame: FrameLocator;
const requests: string[] = [];
const dialogs: string[] = [];

/** Values a start line can carry: one line, no NUL, no lone surrogate (the file is UTF-8). */
const REASONS = HOSTILE_STRINGS.filter((s) => s.trim() !== '' && !/[\r\n\0\u0085]/.test(s) && !/[\ud800-\udfff]/.test(s.replace(/[\ud800-\udbff][\udc00-\udfff]/g, '')));

interface Injected { index: number; title: string }

/** The SIPp log of the replication flow with every response's reason phrase and some header values replaced. */
function writeHostileTrace(): Injected[] {
  const lines = readFileSync(join(repoRoot, 'test/fixtures/traces/sipp-ue1.log'), 'utf8').split('\n');
  const injected: Injected[] = [];
  let message = -1;
  let next = 0;
  for (let i = 0; i < lines.length; i++) {
    if (/^(UDP|TCP) message (sent|received)/.test(lines[i])) message++;
    // Start lines only: the log's header line, a blank line, then the start line (a NOTIFY's sipfrag body holds
    // a status line too, and stays as it is).
    const startLine = i >= 2 && /^(UDP|TCP) message (sent|received)/.test(lines[i - 2]);
    const status = startLine ? /^SIP\/2\.0 (\d{3}) /.exec(lines[i]) : null;
    if (status) {
      const reason = next === 2 ? BIG : REASONS[next % REASONS.length];
      next++;
      lines[i] = `SIP/2.0 ${status[1]} ${reason}`;
      injected.push({ index: message, title: `${status[1]} ${reason}` });
    } else if (/^Subject:/i.test(lines[i])) {
      lines[i] = 'Subject: <img src=x onerror=alert(1)> <a href="javascript:alert(1)">x</a> %%{init: {"securityLevel": "loose"}}%%';
    } else if (/^From:/i.test(lines[i]) && message === 0) {
      lines[i] = lines[i].replace('"UE-1"', '"<script>alert(1)</script> \u202eevil\u202c"');
    }
  }
  writeFileSync(join(env.workspace, TRACE), lines.join('\n'));
  return injected;
}

const norm = (s: string): string => s.replace(/\s+/g, ' ').trim();

before(async () => {
  bench = await openWorkbench(env);
  bench.page.on('request', (r: Request) => requests.push(r.url()));
  bench.page.on('dialog', (d) => { dialogs.push(d.message()); void d.dismiss(); });
}, { timeout: 300_000 });

after(async () => {
  if (bench) await screenshot(bench.page, env.run, 'hostile-last-state').catch(() => undefined);
  await bench?.close();
});

test('hostile reason phrases and header values are drawn as inert, visible text', { timeout: 300_000 }, async () => {
  const injected = writeHostileTrace();
  assert.ok(injected.length >= 5);
  const before = requests.length;
  await quickOpen(bench.page, TRACE);
  await bench.page.locator('.monaco-editor .view-lines').first().click();
  await runCommand(bench.page, 'SIP Trail: Show Call Flow');
  progress('waiting for the hostile diagram');
  frame = (await findWebview(bench.page, '#diagram svg text.messageText')).frame;
  const labels = await frame.locator('#diagram svg text.messageText').allTextContents();
  for (const { index, title } of injected) {
    const want = norm(`${index + 1}. ${clipText(title, MAX_TITLE)}`);
    assert.ok(norm(labels[index]).startsWith(want), `arrow ${index + 1}: ${JSON.stringify(labels[index])} should start with ${JSON.stringify(want)}`);
  }
  // The 100 kB reason phrase is clipped visibly, not silently.
  const big = injected.find((i) => i.title.includes(BIG))!;
  assert.ok(labels[big.index].includes('…'));
  assert.ok(labels[big.index].length < 200);

  const census = await frame.locator('#diagram svg').first().evaluate((svg: any) => {
    const all = [...svg.querySelectorAll('*')] as any[];
    return {
      active: [...svg.querySelectorAll('a, script, foreignObject, iframe, object, embed, img, image')].map((e: any) => e.tagName),
      handlers: all.flatMap((e) => [...e.attributes].filter((a: any) => /^on/i.test(a.name)).map((a: any) => `${e.tagName}@${a.name}`)),
      links: all.flatMap((e) => [...e.attributes].filter((a: any) => /href$/i.test(a.name) && !/^#/.test(a.value)).map((a: any) => a.value)),
      forest: (svg.querySelector('style')?.textContent ?? '').includes('forest'),
    };
  });
  assert.deepEqual(census.active, []);
  assert.deepEqual(census.handlers, []);
  assert.deepEqual(census.links, []);
  assert.equal(census.forest, false, 'no %%{init}%% directive took effect');

  // The details pane shows the raw message as text: the markup is characters, not elements.
  await frame.locator('#diagram svg text.messageText').nth(0).click();
  await frame.locator('#details-raw[data-message-index="0"]').waitFor();
  const raw = await frame.locator('#details-raw').textContent() ?? '';
  assert.ok(raw.includes('<script>alert(1)</script>'), raw.slice(0, 300));
  assert.ok(raw.includes('<img src=x onerror=alert(1)>'));
  assert.equal(await frame.locator('#details-raw *').count(), 0);
  await screenshot(bench.page, env.run, 'hostile-diagram');

  assert.deepEqual(dialogs, [], 'no alert() ran');
  const origin = new URL(env.url).host;
  const outside = requests.slice(before).filter((u) => {
    if (/^(data|blob):/.test(u)) return false;
    try {
      const url = new URL(u);
      if (url.host === origin) return false;
      // The webview's own bundle and stylesheet (localResourceRoots: dist/ and media/ of the installed extension),
      // answered by the workbench's service worker, never by the network.
      return !(url.hostname.endsWith('.vscode-resource.vscode-cdn.net') && /\/siptrail\.siptrail-[^/]+\/(dist|media)\//.test(url.pathname));
    } catch { return true; }
  });
  assert.deepEqual(outside, [], 'no request other than the extension\'s own webview files left the code-server origin');
  const problems = webviewProblems(bench.errors);
  assert.deepEqual(problems, [], problems.map((p) => `${p.type}: ${p.text} (${p.url})`).join('\n'));
});
