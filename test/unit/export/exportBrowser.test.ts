// SVG, PNG, HTML and mermaid text in Debian's headless Chromium (playwright-core, never a browser download):
// mermaid's own parse accepts every exported source, the SVG is standalone XML with every lifeline and label, the PNG
// has the scale's pixel size and background, and the HTML file works offline: no request, no console error, a click
// on an arrow shows that message, and hostile trace text stays text.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import type { Page } from 'playwright-core';
import { openMermaidBrowser, type MermaidBrowser } from '../../../src/cli/render/headlessMermaid';
import { buildDiagramParts } from '../../../src/core/export/diagramParts';
import { htmlExport } from '../../../src/core/export/htmlExport';
import { markdownExport } from '../../../src/core/export/markdownExport';
import { copyMessage } from '../../../src/core/export/messageCopy';
import { buildDiagramModel, mermaidSource, type MessageAnnotation } from '../../../src/core/render/sequenceDiagram';
import { formatEndpoint } from '../../../src/core/model/packet';
import { parseXml, type XmlElement } from '../report/support/miniXml';
import { HOSTILE_STRINGS } from '../render/hostileStrings';
import { runDiagram } from './cliRun';
import { exampleCapture, readMessages, REPLICATION_FLOW, replicationCapture, viewOf, viewOfMessages } from './support';

const CHROMIUM = '/usr/bin/chromium';
const skip = existsSync(CHROMIUM) ? false : `${CHROMIUM} is absent (Debian package chromium); browser export tests skipped`;
const out = mkdtempSync(join(tmpdir(), 'siptrail-export-browser-'));
let browser: MermaidBrowser;

before(async () => {
  if (!skip) browser = await openMermaidBrowser({ chromium: CHROMIUM });
}, { timeout: 120_000 });

after(async () => {
  await browser?.close();
});

function texts(e: XmlElement): string[] {
  const own = e.text.trim() ? [e.text] : [];
  return [...own, ...e.children.flatMap(texts)];
}

function allElements(e: XmlElement): XmlElement[] {
  return [e, ...e.children.flatMap(allElements)];
}

test('mermaid parses every exported source: whole, split into parts, the Markdown fences, and hostile labels', { skip, timeout: 180_000 }, async () => {
  assert.notEqual(await browser.parse('sequenceDiagram\nA->>B: x\nend\nend\n'), null, 'positive control: a broken source is refused');
  const view = viewOf(replicationCapture, { flow: REPLICATION_FLOW });
  const sources = [
    ...buildDiagramParts(view).parts.map((p) => p.mermaid),
    ...buildDiagramParts(viewOf(replicationCapture, { hops: true }), { maxTextSize: 1000 }).parts.map((p) => p.mermaid),
  ];
  const md = markdownExport(view, buildDiagramParts(view));
  sources.push(md.slice(md.indexOf('```mermaid\n') + 11, md.indexOf('\n```', md.indexOf('```mermaid\n'))) + '\n');
  const { messages } = readMessages(replicationCapture);
  const response = messages.find((m) => m.kind === 'response')!;
  const hostile = HOSTILE_STRINGS.map((s, i) => copyMessage(response, { index: i, reason: s }));
  const annotations = new Map<number, MessageAnnotation>(hostile.map((m, i) => [i, { dialogId: HOSTILE_STRINGS[i], findings: [{ severity: 'error', text: HOSTILE_STRINGS[i] }] }]));
  sources.push(mermaidSource(buildDiagramModel(hostile, { pageSize: hostile.length, annotations }).statements));
  for (const s of sources) assert.equal(await browser.parse(s), null, s.slice(0, 200));
});

let svgSize: { width: number; height: number } | null = null;

test('SVG: standalone XML with explicit size, every participant and arrow label, no theme variable, script or link', { skip, timeout: 180_000 }, async () => {
  const file = join(out, 'replication.svg');
  const r = await runDiagram([exampleCapture, '--format', 'svg', '--flow', REPLICATION_FLOW, '-o', file]);
  assert.equal(r.code, null, r.err);
  const text = readFileSync(file, 'utf8');
  assert.ok(text.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<svg'));
  const root = parseXml(text);
  assert.equal(root.name, 'svg');
  assert.equal(root.attributes.xmlns, 'http://www.w3.org/2000/svg');
  svgSize = { width: Number(root.attributes.width), height: Number(root.attributes.height) };
  assert.ok(Number.isInteger(svgSize.width) && svgSize.width > 100 && Number.isInteger(svgSize.height) && svgSize.height > 100);
  assert.ok(!text.includes('var(--'), 'no unresolved CSS variables');
  const elements = allElements(root);
  assert.ok(elements.some((e) => e.name === 'style' && /font-family/.test(e.text)), 'styles inlined');
  assert.deepEqual(elements.filter((e) => ['script', 'foreignObject', 'a', 'image', 'use'].includes(e.name)).map((e) => e.name), []);
  assert.deepEqual(elements.flatMap((e) => Object.keys(e.attributes).filter((a) => /href$|^on/i.test(a))), []);
  const drawn = texts(root).map((t) => t.trim());
  const model = buildDiagramParts(viewOf(exampleCapture, { flow: REPLICATION_FLOW })).parts[0].model;
  for (const s of model.statements) {
    if (s.kind === 'participant') for (const t of [s.name, s.detail!]) assert.ok(drawn.includes(t), `participant ${t}`);
    if (s.kind === 'arrow') assert.ok(drawn.includes(s.label), `label ${s.label}`);
  }
  assert.ok(drawn.includes('3gpp-replication-push #1: PASS'));
});

/** Width, height and first pixel (RGBA) of a PNG: IHDR, then the first scanline of the inflated IDAT data. */
function readPng(bytes: Uint8Array): { width: number; height: number; colourType: number; firstPixel: number[] } {
  const b = Buffer.from(bytes);
  assert.deepEqual([...b.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'PNG signature');
  assert.equal(b.toString('latin1', 12, 16), 'IHDR');
  const width = b.readUInt32BE(16);
  const height = b.readUInt32BE(20);
  const bitDepth = b[24];
  const colourType = b[25];
  const idat: Buffer[] = [];
  for (let at = 8; at < b.length;) {
    const len = b.readUInt32BE(at);
    const type = b.toString('latin1', at + 4, at + 8);
    if (type === 'IDAT') idat.push(b.subarray(at + 8, at + 8 + len));
    at += 12 + len;
  }
  assert.equal(bitDepth, 8);
  const raw = inflateSync(Buffer.concat(idat));
  const channels = colourType === 6 ? 4 : colourType === 2 ? 3 : 0;
  assert.ok(channels > 0, `colour type ${colourType}`);
  assert.equal(raw.length, height * (1 + width * channels));
  // Every filter type leaves the first pixel of the first row unchanged (its neighbours are all zero).
  const firstPixel = [...raw.subarray(1, 1 + channels)];
  return { width, height, colourType, firstPixel: channels === 3 ? [...firstPixel, 255] : firstPixel };
}

test('PNG: decodes with the SVG size times the scale (1×, 2×, 3×), white or transparent background', { skip, timeout: 300_000 }, async () => {
  assert.ok(svgSize, 'the SVG test ran first');
  for (const [scale, background] of [[1, 'white'], [2, 'transparent'], [3, 'white']] as const) {
    const file = join(out, `replication-${scale}x.png`);
    const r = await runDiagram([exampleCapture, '--format', 'png', '--flow', REPLICATION_FLOW, '--scale', String(scale), '--background', background, '-o', file]);
    assert.equal(r.code, null, r.err);
    const png = readPng(readFileSync(file));
    assert.equal(png.width, svgSize.width * scale);
    assert.equal(png.height, svgSize.height * scale);
    if (background === 'white') assert.deepEqual(png.firstPixel, [255, 255, 255, 255]);
    else assert.equal(png.firstPixel[3], 0, 'transparent corner');
  }
});

interface OpenedHtml { page: Page; requests: string[]; errors: string[]; dialogs: string[] }

async function openHtml(html: string): Promise<OpenedHtml> {
  const page = await browser.context.newPage();
  const requests: string[] = [];
  const errors: string[] = [];
  const dialogs: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('dialog', (d) => { dialogs.push(d.message()); void d.dismiss(); });
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url === 'http://export.test/flow.html') return route.fulfill({ contentType: 'text/html; charset=utf-8', body: html });
    requests.push(url);
    return route.abort();
  });
  await page.goto('http://export.test/flow.html');
  await page.waitForLoadState('load');
  return { page, requests, errors, dialogs };
}

test('HTML: one self-contained file; offline (zero requests), zero console errors, clicking an arrow shows its message', { skip, timeout: 180_000 }, async () => {
  const file = join(out, 'replication.html');
  const r = await runDiagram([exampleCapture, '--format', 'html', '--flow', REPLICATION_FLOW, '-o', file]);
  assert.equal(r.code, null, r.err);
  const html = readFileSync(file, 'utf8');
  assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'nonce-[A-Za-z0-9+/=]+';/);
  const view = viewOf(exampleCapture, { flow: REPLICATION_FLOW });
  const { page, requests, errors } = await openHtml(html);
  try {
    const labels = page.locator('.diagram-part text.messageText');
    assert.equal(await labels.count(), view.messages.length);
    assert.equal(await page.locator('#details').isHidden(), true);
    for (const k of [0, 4, view.messages.length - 1]) {
      await labels.nth(k).click();
      const raw = await page.locator('#details-raw').textContent();
      assert.equal(raw, new TextDecoder().decode(view.messages[k].raw), `arrow ${k}`);
      assert.match((await page.locator('#details-head').textContent())!, new RegExp(`^${k + 1}\\. `));
    }
    await labels.nth(1).focus();
    await page.keyboard.press('Enter');
    assert.equal(await page.locator('#details-raw').textContent(), new TextDecoder().decode(view.messages[1].raw));
    assert.deepEqual(requests, []);
    assert.deepEqual(errors, []);
  } finally {
    await page.close();
  }
});

test('HTML: hostile reason phrases, names, findings and raw bytes (`</script>` included) stay text', { skip, timeout: 180_000 }, async () => {
  const { messages } = readMessages(replicationCapture);
  const response = messages.find((m) => m.kind === 'response')!;
  const enc = new TextEncoder();
  const hostile = HOSTILE_STRINGS.map((s, i) => copyMessage(response, {
    index: i, reason: s, raw: enc.encode(`SIP/2.0 200 ${s}\r\nX: </script><script>alert(${i})</script><!--\r\n\r\n`),
  }));
  const base = viewOfMessages(hostile, { hops: true, filter: { hideTrying: false, hideRetransmissions: false, hideProvisionalNotify: false } });
  const view = { ...base, findings: HOSTILE_STRINGS.map((s) => ({ code: 'x.hostile', severity: 'warning' as const, message: `${s}</script>`, messages: [0] })) };
  const names = { [formatEndpoint(response.src!)]: '<img src=x onerror=alert(1)>', [formatEndpoint(response.dst!)]: '</script><script>alert(2)</script>' };
  const diagram = buildDiagramParts(view, { names });
  const svgs = [];
  for (const [i, p] of diagram.parts.entries()) svgs.push((await browser.renderSvg(p.mermaid, `hostile-${i}`, 'white')).svg);
  const html = htmlExport(view, diagram, { names, svgs, nonce: 'dGVzdG5vbmNl', trace: { path: '<script>alert(3)</script>.pcap', format: 'pcap', packets: null } });
  const { page, requests, errors, dialogs } = await openHtml(html);
  try {
    assert.equal(await page.locator('script').count(), 2, 'the data element and the nonce script only');
    assert.equal(await page.locator('img, iframe, object, embed, a[href]').count(), 0);
    const labels = page.locator('.diagram-part text.messageText');
    assert.equal(await labels.count(), hostile.length);
    for (const k of [0, 10, 14, hostile.length - 1]) {
      await labels.nth(k).click();
      assert.equal(await page.locator('#details-raw').textContent(), new TextDecoder().decode(hostile[k].raw));
    }
    const findings = await page.locator('#findings li').allTextContents();
    assert.equal(findings.length, HOSTILE_STRINGS.length);
    // As an HTML document reads text: CR LF and lone CR as LF (HTML §13.2.3.5), controls and lone surrogates as U+FFFD.
    const asRead = (t: string) => t.replace(/\r\n?/g, '\n').replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g, '\ufffd')
      .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
    findings.forEach((f, i) => assert.ok(f.includes(`${asRead(HOSTILE_STRINGS[i])}</script>`), `finding ${JSON.stringify(HOSTILE_STRINGS[i])} shown as ${JSON.stringify(f)}`));
    assert.equal(await page.title(), 'SIP call flow: <script>alert(3)</script>.pcap');
    assert.deepEqual(dialogs, []);
    assert.deepEqual(requests, []);
    assert.deepEqual(errors, []);
  } finally {
    await page.close();
  }
});
