// Header-line patterns that may sit anywhere in a line (after a logger's prefix), matched in linear time.
// An unanchored regex is retried at every position of the line, and one with a run like `[^)]*` or `[^\]]+`
// then scans to the end of the line from each start: O(n²) on a long hostile line (1 MB of "channel [" took
// minutes). Here an anchored regex runs only where the pattern's literal marker occurs, first and last.

export class MarkedPattern {
  /**
   * @param markers literal texts a match starts with (the regex must accept each at its start)
   * @param anchored the pattern, starting with `^`
   * @param wordStart true when the match must start at a word boundary (the unanchored form began with `\b`)
   */
  constructor(private readonly markers: readonly string[], private readonly anchored: RegExp, private readonly wordStart = false) {}

  exec(line: string): RegExpExecArray | null {
    for (const marker of this.markers) {
      const first = line.indexOf(marker);
      if (first < 0) continue;
      const m = this.at(line, first);
      if (m) return m;
      const last = line.lastIndexOf(marker);
      if (last > first) {
        const n = this.at(line, last);
        if (n) return n;
      }
    }
    return null;
  }

  test(line: string): boolean {
    return this.exec(line) !== null;
  }

  private at(line: string, start: number): RegExpExecArray | null {
    if (this.wordStart && start > 0 && isWordChar(line.charCodeAt(start - 1))) return null;
    return this.anchored.exec(start === 0 ? line : line.slice(start));
  }
}

function isWordChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}
