// The shared line splitter every text-trace dialect reads through: lines of a text with their own terminators
// (CRLF, LF or lone CR kept apart), so a reader can rebuild message bytes exactly and point at 1-based lines.

/** A sequence of lines a message can be read from: the text itself, or lines a dialect rebuilt from it. */
export interface LineView {
  readonly count: number;
  /** Line content without its terminator. */
  text(i: number): string;
  /** The terminator that ended line i in the message: '\r\n', '\n', '\r' or '' (last line without one). */
  term(i: number): string;
  /** 1-based line of the source text this line came from. */
  sourceLine(i: number): number;
}

/** The lines of a text, split once; 0-based indices here, 1-based `sourceLine()` for positions. */
export class TextLines implements LineView {
  readonly count: number;
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];
  private readonly nexts: number[] = [];

  constructor(readonly source: string) {
    const s = source;
    const n = s.length;
    let pos = 0;
    let cr = -2; // next CR at or after pos, cached so LF-only texts are not rescanned (O(n), not O(n^2))
    while (pos < n) {
      let lf = s.indexOf('\n', pos);
      if (cr !== -1 && cr < pos) cr = s.indexOf('\r', pos);
      // A lone CR (old Mac files) also ends a line; CR LF is one terminator.
      if (cr >= 0 && (lf < 0 || cr < lf - 1)) {
        this.starts.push(pos);
        this.ends.push(cr);
        this.nexts.push(cr + 1);
        pos = cr + 1;
        continue;
      }
      if (lf < 0) lf = n;
      this.starts.push(pos);
      this.ends.push(lf > pos && s.charCodeAt(lf - 1) === 13 ? lf - 1 : lf);
      this.nexts.push(Math.min(lf + 1, n));
      pos = lf + 1;
    }
    this.count = this.starts.length;
  }

  text(i: number): string {
    return this.source.slice(this.starts[i], this.ends[i]);
  }

  term(i: number): string {
    return this.source.slice(this.ends[i], this.nexts[i]);
  }

  sourceLine(i: number): number {
    return i + 1;
  }
}

/** Lines a dialect rebuilt (e.g. ngrep's trailing '.' turned back into CRLF, FreeSWITCH's indent removed). */
export class RebuiltLines implements LineView {
  private readonly texts: string[] = [];
  private readonly terms: string[] = [];
  private readonly sources: number[] = [];

  get count(): number {
    return this.texts.length;
  }

  push(text: string, term: string, sourceLine: number): void {
    this.texts.push(text);
    this.terms.push(term);
    this.sources.push(sourceLine);
  }

  text(i: number): string {
    return this.texts[i];
  }

  term(i: number): string {
    return this.terms[i];
  }

  sourceLine(i: number): number {
    return this.sources[i];
  }
}

/** Bytes of a string once encoded as UTF-8 (without encoding it). */
export function utf8Length(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) n += 1;
    else if (c >= 0xd800 && c <= 0xdbff) { n += 2; i++; } // surrogate pair: 4 bytes for 2 UTF-16 units
    else n += 2;
  }
  return n;
}
