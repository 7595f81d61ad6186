// The diagram webview as a playwright Frame (not a FrameLocator): for evaluate / waitForFunction, which time a
// render from inside the page, and for the extension's own log lines read from the run folder.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Frame, Page } from 'playwright-core';

/** The inner webview frame (`iframe#active-frame`) whose document holds `selector`. */
export async function webviewFrame(page: Page, selector: string, timeoutMs = 60_000): Promise<Frame> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const frame of page.frames()) {
      if (frame === page.mainFrame() || frame.isDetached()) continue;
      const found = await frame.$(selector).catch(() => null);
      if (found) return frame;
    }
    await page.waitForTimeout(100);
  }
  throw new Error(`no webview frame with ${selector} within ${timeoutMs} ms`);
}

/** The lines of the extension's "SIP Trail" log (exthost*\/siptrail.siptrail/SIP Trail.log under the run's user data). */
export function extensionLogLines(run: string): string[] {
  const logs = join(run, 'ud/logs');
  const lines: string[] = [];
  const walk = (dir: string): void => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name === 'SIP Trail.log') lines.push(...readFileSync(path, 'utf8').split('\n'));
    }
  };
  walk(logs);
  return lines;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
