// Escaping trace-derived text for mermaid diagram source. Runs anywhere core runs.
//
// Everything a trace can contain ends up in a participant label, an arrow label, a note or the title, and
// mermaid reads all of those as code first: `;` and newlines end a statement, `#` starts a comment, `%%{…}%%`
// anywhere is a config directive, `<br>` breaks a line, `<tag …>` is rewritten, `:` after `style` triggers
// mermaid's own entity munging, and `#name;` is an entity code. So only a small set of characters passes
// through as is and every other one becomes mermaid's numeric entity code `#NNN;`, which mermaid hides from its
// parser and turns into `&#NNN;` in the SVG: a character reference in text, never markup.

import { labelCodePoint } from './labelCodePoint';

/** Characters that mean nothing to mermaid's lexers or preprocessors in label text. */
const PASS = new Uint8Array(128);
for (const range of ['AZ', 'az', '09']) {
  for (let c = range.charCodeAt(0); c <= range.charCodeAt(1); c++) PASS[c] = 1;
}
for (const c of ' ._-@/()[]+*\'!?~,') PASS[c.charCodeAt(0)] = 1;

/**
 * Mermaid-safe form of `text` for labels, notes and titles: one line, every character outside a small safe set
 * written as `#NNN;` (decimal code point). Tabs and line breaks become spaces; other control characters and lone
 * surrogates become U+FFFD (a NUL reference would make the SVG invalid XML).
 */
export function escapeMermaidText(text: string): string {
  let out = '';
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 128 && PASS[c] === 1) continue;
    if (start < i) out += text.slice(start, i);
    const point = labelCodePoint(text, i);
    i += point.units - 1;
    out += point.printable === 'space' ? ' ' : `#${point.code};`;
    start = i + 1;
  }
  return start === 0 ? text : out + text.slice(start);
}

/**
 * Shortens `text` to at most `max` characters (code points), ending with `…` when cut, so one hostile header
 * value cannot blow mermaid's text-size limit or the layout.
 */
export function clipText(text: string, max: number): string {
  if (text.length <= max) return text;
  // 2·max + 2 UTF-16 units hold more than max code points, so a longer text is cut for sure.
  const head = text.length > 2 * max + 2 ? text.slice(0, 2 * max + 2) : text;
  const points = Array.from(head);
  if (head === text && points.length <= max) return text;
  return points.slice(0, Math.max(0, max - 1)).join('') + '…';
}
