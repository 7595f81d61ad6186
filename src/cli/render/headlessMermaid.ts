// Mermaid in a headless Chromium, for the CLI's SVG, PNG and HTML exports (and the export tests). Chromium is the
// machine's own (Debian `chromium`), driven through playwright-core; never downloaded. The page loads nothing from
// the network: mermaid's bundle is injected from node_modules and every request the page would make is aborted.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';

export const DEFAULT_CHROMIUM = '/usr/bin/chromium';

export const CHROMIUM_FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync',
];

/** Raised when no Chromium executable is found; the CLI prints it and exits 2. */
export class ChromiumMissingError extends Error {}

export type Background = 'white' | 'transparent';

export interface MermaidBrowserOptions {
  /** Chromium executable: the --chromium flag, else $SIPTRAIL_CHROMIUM, else /usr/bin/chromium. */
  chromium?: string;
  /** Device pixels per CSS pixel for PNG screenshots (1, 2 or 3). */
  scale?: number;
}

export interface RenderedSvg {
  /** Standalone SVG document (XML, own styles, explicit integer width and height in CSS pixels). */
  svg: string;
  width: number;
  height: number;
}

export interface MermaidBrowser {
  /** Mermaid's own parser: null when the source parses, else its error message. */
  parse(source: string): Promise<string | null>;
  renderSvg(source: string, id: string, background: Background): Promise<RenderedSvg>;
  /** PNG of the rendered diagram at the browser's scale: width × scale by height × scale pixels. */
  renderPng(source: string, id: string, background: Background): Promise<{ png: Uint8Array; width: number; height: number }>;
  /** The page, for tests that open other documents in the same browser. */
  readonly context: BrowserContext;
  close(): Promise<void>;
}

/** Where Chromium is, or a ChromiumMissingError saying how to get one. */
export function findChromium(flag?: string, env: NodeJS.ProcessEnv = process.env): string {
  const candidate = flag ?? env.SIPTRAIL_CHROMIUM ?? DEFAULT_CHROMIUM;
  if (existsSync(candidate)) return candidate;
  const from = flag !== undefined ? '--chromium' : env.SIPTRAIL_CHROMIUM !== undefined ? 'SIPTRAIL_CHROMIUM' : 'the default path';
  throw new ChromiumMissingError(`no Chromium at ${candidate} (from ${from}): SVG, PNG and HTML exports render mermaid in a headless Chromium; install one (Debian: apt-get install chromium) or pass --chromium <path> or set SIPTRAIL_CHROMIUM. Text formats (mermaid, markdown, report, plantuml, pcap) need no browser.`);
}

/** The mermaid bundle the extension ships, read from node_modules. */
export function mermaidBundle(): string {
  const require = createRequire(__filename);
  return readFileSync(require.resolve('mermaid/dist/mermaid.min.js'), 'utf8');
}

// Runs in the page. Same settings as the webview (webview/diagram.ts) except the theme: exports are read outside
// VS Code, so the light default theme and a font every system has.
const PAGE_SCRIPT = `
window.siptrailInit = () => {
  mermaid.initialize({
    startOnLoad: false, securityLevel: 'strict', theme: 'default', maxTextSize: 50000,
    fontFamily: 'Arial, Helvetica, sans-serif',
    sequence: { useMaxWidth: false, mirrorActors: true, actorMargin: 40, boxMargin: 8, noteMargin: 8, messageMargin: 28 },
  });
};
window.siptrailParse = async (source) => {
  try { await mermaid.parse(source); return null; } catch (e) { return String(e && e.message || e); }
};
window.siptrailRender = async (source, id, background) => {
  const { svg } = await mermaid.render(id, source);
  const holder = document.getElementById('holder');
  holder.innerHTML = svg;
  const el = holder.querySelector('svg');
  const box = el.viewBox.baseVal;
  const width = Math.ceil(box && box.width ? box.width : el.getBoundingClientRect().width);
  const height = Math.ceil(box && box.height ? box.height : el.getBoundingClientRect().height);
  el.setAttribute('width', String(width));
  el.setAttribute('height', String(height));
  el.removeAttribute('style');
  el.style.display = 'block';
  if (background === 'white') {
    el.style.backgroundColor = 'white';
    const rect = document.createElementNS('http://www.w3.org/2000/svg', 'rect');
    rect.setAttribute('x', String(box.x)); rect.setAttribute('y', String(box.y));
    rect.setAttribute('width', String(box.width)); rect.setAttribute('height', String(box.height));
    rect.setAttribute('fill', 'white');
    el.insertBefore(rect, el.firstChild);
  }
  return { svg: new XMLSerializer().serializeToString(el), width, height };
};
`;

export async function openMermaidBrowser(options: MermaidBrowserOptions = {}): Promise<MermaidBrowser> {
  const executablePath = findChromium(options.chromium);
  // Loaded at run time, not bundled into dist/cli.js: playwright-core carries its own assets.
  const { chromium } = createRequire(__filename)('playwright-core') as typeof import('playwright-core');
  const profile = mkdtempSync(join(tmpdir(), 'siptrail-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath,
      headless: true,
      args: CHROMIUM_FLAGS,
      deviceScaleFactor: options.scale ?? 1,
      viewport: { width: 1600, height: 1000 },
      offline: true,
    });
  } catch (e) {
    rmSync(profile, { recursive: true, force: true });
    throw new ChromiumMissingError(`Chromium at ${executablePath} did not start: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
  }
  const page: Page = context.pages()[0] ?? await context.newPage();
  await page.route('**/*', (route) => route.abort());
  await page.setContent('<!DOCTYPE html><html><head><meta charset="utf-8"><style>body{margin:0;background:transparent}</style></head><body><div id="holder"></div></body></html>');
  await page.addScriptTag({ content: mermaidBundle() });
  await page.addScriptTag({ content: PAGE_SCRIPT });
  await page.evaluate('window.siptrailInit()');

  // Arguments travel as JSON literals inside a fixed expression.
  const render = async (source: string, id: string, background: Background): Promise<RenderedSvg> =>
    await page.evaluate(`window.siptrailRender(${JSON.stringify(source)}, ${JSON.stringify(id)}, ${JSON.stringify(background)})`) as RenderedSvg;

  return {
    context,
    parse: async (source) => await page.evaluate(`window.siptrailParse(${JSON.stringify(source)})`) as string | null,
    renderSvg: render,
    async renderPng(source, id, background) {
      const r = await render(source, id, background);
      await page.setViewportSize({ width: Math.max(1, r.width), height: Math.max(1, r.height) });
      const png = await page.locator('#holder > svg').screenshot({ type: 'png', omitBackground: background === 'transparent', animations: 'disabled' });
      return { png: new Uint8Array(png), width: r.width, height: r.height };
    },
    async close() {
      await context.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
