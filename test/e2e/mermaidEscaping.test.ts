// Mermaid itself (the webview's own renderDiagram, bundled as the extension bundles it) parses and draws diagrams
// whose every text slot holds a hostile string: the drawing has exactly the statements the trace implies, every
// label reads back as the original text, and nothing active (links, scripts, handlers, config changes) appears.
// Positive controls show the same probes do catch an unescaped injection. Chromium only; no code-server needed.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import type { BrowserContext, Page } from 'playwright-core';
import { readCapture } from '../../src/core/capture/readCapture';
import { renderSequenceDiagram, type MessageAnnotation } from '../../src/core/render/sequenceDiagram';
import { clipText } from '../../src/core/render/mermaidText';
import { copyMessage } from '../../src/core/export/messageCopy';
import { repoRoot } from '../support/paths';
import { HOSTILE_STRINGS } from '../unit/render/hostileStrings';
import { launchBrowser, progress } from './support/workbench';

const runDir = process.env.SIPTRAIL_E2E_RUN ?? join(repoRoot, '.e2e-run', 'probe');
const messages = readCapture([new Uint8Array(readFileSync(join(repoRoot, 'test/captures/replication-udp.pcap')))]).messages;

/** Runs in the page: webview/diagram.ts's renderDiagram, plus a census of what the SVG holds. */
const PROBE = `
import { renderDiagram } from './webview/diagram';
import { exportSvg } from './webview/exportImage';
const ACTIVE = 'a, script, foreignObject, iframe, object, embed, image, img, use, animate, set';
window.probe = async (source) => {
  const container = document.getElementById('diagram');
  const outcome = await renderDiagram(container, source);
  if (!outcome.ok) return { ok: false, error: outcome.error ?? 'stale' };
  const svg = outcome.svg;
  const all = [...svg.querySelectorAll('*')];
  return {
    ok: true,
    messageTexts: outcome.labels.map((e) => e.textContent),
    lines: outcome.lines.length,
    actorTexts: [...svg.querySelectorAll('text.actor')].map((e) => e.textContent),
    noteTexts: [...svg.querySelectorAll('text.noteText')].map((e) => e.textContent),
    titleTexts: [...svg.querySelectorAll('text.sequenceTitle, .titleText')].map((e) => e.textContent),
    active: [...svg.querySelectorAll(ACTIVE)].map((e) => e.tagName),
    handlers: all.flatMap((e) => [...e.attributes].filter((a) => /^on/i.test(a.name)).map((a) => e.tagName + '@' + a.name)),
    links: all.flatMap((e) => [...e.attributes].filter((a) => /href$/i.test(a.name)).map((a) => a.value)),
    style: [...svg.querySelectorAll('style')].map((e) => e.textContent).join('\\n'),
  };
};
// "Export Diagram…" as SVG: the standalone file, parsed back by the browser's XML parser.
window.probeExport = async (source) => {
  const image = await exportSvg(source, 'white');
  const doc = new DOMParser().parseFromString(image.data, 'image/svg+xml');
  const all = [...doc.querySelectorAll('*')];
  return {
    parseError: doc.querySelector('parsererror') ? doc.querySelector('parsererror').textContent : null,
    texts: [...doc.querySelectorAll('text')].map((e) => e.textContent),
    active: [...doc.querySelectorAll(ACTIVE)].map((e) => e.tagName),
    handlers: all.flatMap((e) => [...e.attributes].filter((a) => /^on/i.test(a.name)).map((a) => e.tagName + '@' + a.name)),
    links: all.flatMap((e) => [...e.attributes].filter((a) => /href$/i.test(a.name)).map((a) => a.value)),
  };
};
`;

interface ProbeResult {
  ok: boolean;
  error?: string;
  messageTexts: string[];
  lines: number;
  actorTexts: string[];
  noteTexts: string[];
  titleTexts: string[];
  active: string[];
  handlers: string[];
  links: string[];
  style: string;
}

let context: BrowserContext;
let page: Page;
const dialogs: string[] = [];
const consoleErrors: string[] = [];

before(async () => {
  const bundle = await esbuild.build({
    stdin: { contents: PROBE, resolveDir: repoRoot, loader: 'ts', sourcefile: 'probe.ts' },
    bundle: true, write: false, format: 'iife', platform: 'browser', target: 'es2022', external: ['fs'], logLevel: 'silent',
  });
  const script = bundle.outputFiles[0].text;
  const nonce = 'cHJvYmU';
  // The webview's CSP, so anything mermaid would need beyond it fails here too.
  const html = `<!DOCTYPE html><html><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'nonce-${nonce}'; style-src 'unsafe-inline'; img-src data:;">
</head><body class="vscode-dark"><div id="diagram"></div><script nonce="${nonce}" src="http://probe.test/probe.js"></script></body></html>`;
  context = await launchBrowser(join(runDir, 'browser'));
  page = context.pages()[0] ?? await context.newPage();
  page.on('dialog', (d) => { dialogs.push(d.message()); void d.dismiss(); });
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  page.on('pageerror', (e) => consoleErrors.push(e.message));
  await page.route('http://probe.test/**', (route) => {
    const url = route.request().url();
    if (url.endsWith('/probe.js')) return route.fulfill({ contentType: 'text/javascript', body: script });
    return route.fulfill({ contentType: 'text/html', body: html });
  });
  await page.goto('http://probe.test/index.html');
  await page.waitForFunction('typeof window.probe === "function"');
  progress('mermaid probe page ready');
}, { timeout: 180_000 });

after(async () => {
  await context?.close();
});

async function probe(source: string): Promise<ProbeResult> {
  return await page.evaluate(`window.probe(${JSON.stringify(source)})`) as ProbeResult;
}

/** What a label must read as once drawn: one line, controls shown as U+FFFD, SVG whitespace collapsed. */
function shown(text: string): string {
  return text.replace(/[\t\r\n]/g, ' ')
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g, '\ufffd')
    .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd')
    .replace(/\s+/g, ' ').trim();
}

function assertInert(result: ProbeResult, what: string): void {
  assert.deepEqual(result.active, [], `${what}: active elements`);
  assert.deepEqual(result.handlers, [], `${what}: event handler attributes`);
  assert.deepEqual(result.links, [], `${what}: links`);
}

test('every hostile string, in every text slot, is drawn as plain text by mermaid and adds no statement', { timeout: 600_000 }, async () => {
  const responses = messages.filter((m) => m.kind === 'response').length;
  for (const s of HOSTILE_STRINGS) {
    // copyMessage keeps a captured message's lazily rebuilt headers (a spread would drop the getter).
    const hostile = messages.map((m) => (m.kind === 'response' ? copyMessage(m, { reason: s }) : m));
    const first = messages[0];
    const annotations = new Map<number, MessageAnnotation>(messages.map((m) => [m.index, { dialogId: s, findings: [{ severity: 'warning', text: s }] }]));
    const page0 = renderSequenceDiagram(hostile, {
      names: { [`${first.src!.ip}:${first.src!.port}`]: s || 'x' },
      annotations,
      title: s,
      missingSteps: [{ afterMessageIndex: 0, text: s }],
    });
    const result = await probe(page0.text);
    assert.ok(result.ok, `${JSON.stringify(s)}: mermaid failed: ${result.error}`);
    assert.equal(result.messageTexts.length, messages.length, `${JSON.stringify(s)}: one label per message`);
    assert.equal(result.lines, messages.length, `${JSON.stringify(s)}: one line per message`);
    assert.equal(result.noteTexts.length, messages.length + 1, `${JSON.stringify(s)}: one note per message plus the missing step`);
    let checked = 0;
    result.messageTexts.forEach((label, i) => {
      const m = messages[i];
      if (m.kind !== 'response') return;
      checked++;
      // The arrow reads `N. <status> <reason>`, the status line part clipped at 60 characters.
      const expected = `${m.index + 1}. ${clipText(s ? `${m.status} ${s}` : String(m.status), 60)}`;
      assert.ok(shown(label).startsWith(shown(expected)), `${JSON.stringify(s)} drawn as ${JSON.stringify(label)}, expected ${JSON.stringify(expected)}`);
    });
    assert.equal(checked, responses);
    if (s.trim()) {
      // Lifeline names are clipped at 60 characters, notes at 160.
      assert.ok(result.actorTexts.some((t) => shown(t) === shown(clipText(s, 60))), `${JSON.stringify(s)} as lifeline name: ${JSON.stringify(result.actorTexts)}`);
      assert.ok(result.noteTexts.some((t) => shown(t) === shown(`⚠ ${clipText(s, 160)}`)), `${JSON.stringify(s)} in a note: ${JSON.stringify(result.noteTexts.slice(0, 2))}`);
    }
    assertInert(result, JSON.stringify(s));
    // The init directive would have set this colour; escaped, it never reaches mermaid's config.
    assert.ok(!/forest|#f00\b/i.test(result.style) || !/forest|#f00\b/i.test(s), `${JSON.stringify(s)} changed the theme`);
  }
  assert.deepEqual(dialogs, []);
  assert.deepEqual(consoleErrors, []);
});

test('the exported SVG of a hostile diagram parses as XML and stays inert, every label still readable', { timeout: 300_000 }, async () => {
  for (const s of HOSTILE_STRINGS.filter((h) => h.trim() !== '')) {
    const hostile = messages.map((m) => (m.kind === 'response' ? copyMessage(m, { reason: s }) : m));
    const text = renderSequenceDiagram(hostile, { title: s, missingSteps: [{ afterMessageIndex: 0, text: s }] }).text;
    const exported = await page.evaluate((source) => (globalThis as any).probeExport(source), text) as {
      parseError: string | null; texts: string[]; active: string[]; handlers: string[]; links: string[];
    };
    assert.equal(exported.parseError, null, `${JSON.stringify(s)}: the SVG does not parse`);
    assert.deepEqual(exported.active, [], `${JSON.stringify(s)}: active elements`);
    assert.deepEqual(exported.handlers, [], `${JSON.stringify(s)}: handlers`);
    assert.deepEqual(exported.links, [], `${JSON.stringify(s)}: links`);
    const first = hostile.find((m) => m.kind === 'response')!;
    const label = `${first.index + 1}. ${clipText(`${first.status} ${s}`, 60)}`;
    assert.ok(exported.texts.some((t) => shown(t).startsWith(shown(label))), `${JSON.stringify(s)}: ${JSON.stringify(label)} in the exported SVG`);
  }
  assert.deepEqual(dialogs, []);
});

test('positive controls: the same probes catch an unescaped directive, line break and statement', { timeout: 120_000 }, async () => {
  const base = 'sequenceDiagram\nparticipant p1 as A\nparticipant p2 as B\n';
  // A directive in a label reconfigures mermaid when not escaped.
  const directive = await probe(`%%{init: {"themeVariables": {"actorBkg": "#123456"}}}%%\n${base}p1->>p2: OK\n`);
  assert.ok(directive.ok && /#123456/i.test(directive.style), 'an unescaped init directive does change the colours');
  const escapedDirective = await probe(renderSequenceDiagram(messages, { title: '%%{init: {"themeVariables": {"actorBkg": "#123456"}}}%%' }).text);
  assert.ok(escapedDirective.ok && !/#123456/i.test(escapedDirective.style), 'escaped, it does not');
  // An unescaped <br> splits a label into two text lines; `;` starts a second statement.
  const br = await probe(`${base}p1->>p2: one<br>two\n`);
  assert.equal(br.messageTexts.length, 2);
  const semicolon = await probe(`${base}p1->>p2: OK; p2->>p1: injected\n`);
  assert.equal(semicolon.messageTexts.length, 2);
  // Raw HTML in a label is at least sanitized by mermaid's strict level; escaped, it is plain text.
  const html = await probe(`${base}p1->>p2: <img src=x onerror=alert(1)>\n`);
  assertInert(html, 'raw <img> under strict');
});
