// Whether stdout or stderr is a terminal, asked of the file descriptor first: Node creates process.stdout /
// process.stderr on first use (~8 ms for a pipe, ~5 ms for /dev/null), which a run writing with writeSync and
// drawing no progress never needs.
import { fstatSync, type Stats } from 'node:fs';

/** True when fd 1 or 2 is a terminal; `stats` when the caller has fstat'ed it already. */
export function isTerminal(fd: 1 | 2, stats?: Stats): boolean {
  try {
    const st = stats ?? fstatSync(fd);
    // A terminal is a character device, and never one of Linux's memory devices (char major 1: /dev/null, /dev/zero).
    if (!st.isCharacterDevice() || linuxMajor(st.rdev) === 1) return false;
  } catch {
    return false;
  }
  return (fd === 1 ? process.stdout : process.stderr).isTTY === true;
}

/** The major number of a Linux device number (glibc's gnu_dev_major, for majors below 4096). */
function linuxMajor(rdev: number): number {
  return process.platform === 'linux' ? (rdev >>> 8) & 0xfff : -1;
}
