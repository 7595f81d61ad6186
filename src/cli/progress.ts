// Reading progress on stderr, only when stderr is a terminal: a piped or redirected stderr (scripts, CI, JSON
// consumers) never sees it, and stdout is never touched.
import type { WriteStream } from 'node:tty';
import { isTerminal } from './terminal';

export interface Progress {
  /** Bytes read so far out of the file's size. */
  update(bytes: number, total: number): void;
  /** Clears the progress line. */
  done(): void;
}

const REDRAW_MS = 100;

/** A progress line for reading `label`, or null when stderr (or the given stream) is not a TTY. */
export function terminalProgress(label: string, given?: NodeJS.WriteStream): Progress | null {
  if (!given && !isTerminal(2)) return null;
  const stream = given ?? process.stderr;
  if (!stream.isTTY) return null;
  const tty = stream as WriteStream;
  const started = Date.now();
  let lastDraw = 0;
  let drawn = false;
  return {
    update(bytes, total) {
      const now = Date.now();
      // The first 300 ms stay quiet so small files do not flicker a line on and off.
      if (now - lastDraw < REDRAW_MS || now - started < 300) return;
      lastDraw = now;
      const percent = total > 0 ? Math.min(100, Math.floor((bytes / total) * 100)) : 0;
      const line = `reading ${label}: ${percent}% (${(bytes / 1048576).toFixed(0)} of ${(total / 1048576).toFixed(0)} MiB)`;
      const width = tty.columns ? tty.columns - 1 : 79;
      tty.write(`\r${line.length > width ? line.slice(0, width) : line}\x1b[K`);
      drawn = true;
    },
    done() {
      if (drawn) tty.write('\r\x1b[K');
      drawn = false;
    },
  };
}
