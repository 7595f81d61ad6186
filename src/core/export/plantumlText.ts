// Escaping trace-derived text for PlantUML sequence-diagram source. Runs anywhere core runs.
//
// PlantUML reads a text slot through three layers: the preprocessor (`!include`, `!define`, `%getenv()` and other
// built-in functions, `$variables`), the diagram grammar (quotes end a display name, `@enduml` ends the diagram,
// `skinparam`, colours after `#`) and Creole markup in the text (`**bold**`, `--strike--`, `//italic//`, `~` escape,
// `<tag>`, `\n` line breaks, `/'` block comments). So only a small set of characters passes as is, three more pass
// when not doubled, and every other one becomes PlantUML's Unicode reference `<U+XXXX>`, which the renderer draws as
// that character after every layer has run: plain text, never syntax. The output is pure ASCII.

import { labelCodePoint } from '../render/labelCodePoint';

const PASS = new Uint8Array(128);
for (const range of ['AZ', 'az', '09']) {
  for (let c = range.charCodeAt(0); c <= range.charCodeAt(1); c++) PASS[c] = 1;
}
for (const c of ' .,()?=+;@') PASS[c.charCodeAt(0)] = 1;
/** Meaningful to Creole only when doubled (`--`, `//`) or to comments (`/'`, whose quote is always escaped). */
const SINGLE = new Uint8Array(128);
for (const c of '-/:') SINGLE[c.charCodeAt(0)] = 1;

function hex(code: number): string {
  return `<U+${code.toString(16).toUpperCase().padStart(4, '0')}>`;
}

/** PlantUML-safe form of `text` for display names, labels, notes, group labels and titles: one line, ASCII only. */
export function escapePlantUmlText(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 128 && PASS[c] === 1) {
      out += text[i];
      continue;
    }
    if (c < 128 && SINGLE[c] === 1 && text.charCodeAt(i - 1) !== c && text.charCodeAt(i + 1) !== c) {
      out += text[i];
      continue;
    }
    const point = labelCodePoint(text, i);
    i += point.units - 1;
    out += point.printable === 'space' ? ' ' : hex(point.code);
  }
  return out;
}
