// Driving the code-server workbench that scripts/e2e/run.mjs started, with playwright-core and Debian's chromium.
// Selectors follow ../shared/e2e/VSCODE-IN-CHROMIUM.md.
import { mkdirSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type BrowserContext, type ConsoleMessage, type FrameLocator, type Page } from 'playwright-core';

export interface E2eEnv {
  url: string;
  run: string;
  workspace: string;
  /** File name of the capture copied into the workspace, and where it came from. */
  capture: string;
  captureSource: string;
}

export function e2eEnv(): E2eEnv {
  const url = process.env.SIPTRAIL_E2E_URL;
  const run = process.env.SIPTRAIL_E2E_RUN;
  const workspace = process.env.SIPTRAIL_E2E_WORKSPACE;
  if (!url || !run || !workspace) throw new Error('run the end-to-end tests through `npm run test:e2e` (scripts/e2e/run.mjs), which starts code-server');
  return {
    url, run, workspace,
    capture: process.env.SIPTRAIL_E2E_CAPTURE ?? '',
    captureSource: process.env.SIPTRAIL_E2E_CAPTURE_SOURCE ?? '',
  };
}

export const BROWSER_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
];

/** Launches chromium with a fresh profile under `dir` (launchPersistentContext: launch() refuses --user-data-dir). */
export async function launchBrowser(dir: string): Promise<BrowserContext> {
  mkdirSync(dir, { recursive: true });
  return chromium.launchPersistentContext(mkdtempSync(join(dir, 'profile-')), {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: BROWSER_ARGS,
    viewport: { width: 1600, height: 1000 },
  });
}

export interface ConsoleEntry { type: string; text: string; url: string }

export interface Workbench {
  context: BrowserContext;
  page: Page;
  /** Every console error and page error seen so far, from any frame. */
  errors: ConsoleEntry[];
  close(): Promise<void>;
}

export async function openWorkbench(env: E2eEnv): Promise<Workbench> {
  const context = await launchBrowser(join(env.run, 'browser', tmpdirName()));
  const page = context.pages()[0] ?? await context.newPage();
  const errors: ConsoleEntry[] = [];
  page.on('console', (message: ConsoleMessage) => {
    if (message.type() === 'error' || message.type() === 'warning') {
      errors.push({ type: message.type(), text: message.text(), url: message.location().url });
    }
  });
  page.on('pageerror', (error) => errors.push({ type: 'pageerror', text: error.message, url: '' }));
  page.setDefaultTimeout(60_000);
  progress('opening the workbench');
  await page.goto(`${env.url}/?folder=${encodeURIComponent(env.workspace)}`, { timeout: 120_000 });
  await page.locator('.monaco-workbench').waitFor({ timeout: 120_000 });
  await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 120_000 });
  progress('workbench ready');
  return { context, page, errors, close: () => context.close() };
}

function tmpdirName(): string {
  return `${process.pid}-${Date.now()}`;
}

/** Opens a workspace file with Quick Open (Ctrl+P). */
export async function quickOpen(page: Page, fileName: string): Promise<void> {
  progress(`quick open ${fileName}`);
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input.input');
  await input.waitFor();
  await input.fill(fileName);
  await page.locator('.quick-input-list .monaco-list-row').first().waitFor();
  await page.keyboard.press('Enter');
  await page.locator('.tabs-container .tab', { hasText: fileName }).first().waitFor();
}

/** Runs a command from the palette (F1) by its title. */
export async function runCommand(page: Page, title: string): Promise<void> {
  progress(`command ${title}`);
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input.input');
  await input.waitFor();
  await input.fill(`>${title}`);
  // Click the matching row: Enter would run whichever row is focused (a recently used one may rank first).
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
  await row.waitFor();
  await row.click();
}

/**
 * The inner frame of the webview that holds `selector`. Webviews are two nested iframes
 * (`iframe.webview.ready` › `iframe#active-frame`); with several open, each is probed in turn.
 */
export async function findWebview(page: Page, selector: string, timeoutMs = 60_000, skip: number[] = []): Promise<{ frame: FrameLocator; index: number }> {
  const deadline = Date.now() + timeoutMs;
  const outer = page.locator('iframe.webview.ready');
  while (Date.now() < deadline) {
    const n = await outer.count();
    for (let i = n - 1; i >= 0; i--) {
      if (skip.includes(i)) continue;
      const frame = page.frameLocator('iframe.webview.ready').nth(i).frameLocator('iframe#active-frame');
      // A frame still loading can keep a query waiting: give each probe a short budget.
      if (await withTimeout(frame.locator(selector).count(), 5_000, 0) > 0) return { frame, index: i };
    }
    await page.waitForTimeout(500);
  }
  throw new Error(`no webview with ${selector} within ${timeoutMs} ms`);
}

function withTimeout<T>(promise: Promise<T>, ms: number, fallback: T): Promise<T> {
  return Promise.race([promise, new Promise<T>((resolve) => setTimeout(() => resolve(fallback), ms).unref())]);
}

/** Progress lines on stderr, so a slow step in a long run can be seen while it happens. */
export function progress(message: string): void {
  process.stderr.write(`[e2e ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

/** Console entries that come from inside our webviews: errors, CSP violations, our own reports. */
export function webviewProblems(errors: readonly ConsoleEntry[]): ConsoleEntry[] {
  return errors.filter((e) =>
    // The webview reports its own errors and every securitypolicyviolation event with this prefix.
    e.text.includes('[sip-trail webview]')
    // Anything else logged from a webview document or from our bundle (the workbench's own noise, such as the
    // blocked gallery at 127.0.0.1:9, comes from workbench.js and is not ours).
    || (e.type !== 'warning' && /\/webview\/|vscode-resource|siptrail/i.test(e.url)));
}

export async function screenshot(page: Page, run: string, name: string): Promise<string> {
  const dir = join(run, 'screenshots');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${name}.png`);
  await page.screenshot({ path });
  return path;
}
