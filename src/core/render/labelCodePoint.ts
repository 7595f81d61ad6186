// The one rule both diagram escapers (mermaid, PlantUML) apply to a character they do not pass through as is:
// which code point it stands for, or how it must be written when it is not printable.

const REPLACEMENT = 0xfffd;

/**
 * The code point at `text[i]` and how many UTF-16 units it takes; lone surrogates become U+FFFD. `printable` is
 * 'space' for tab/CR/LF (labels are one line), 'replace' for other control characters (a NUL reference would make
 * the SVG invalid XML, so they are drawn as U+FFFD), 'as-is' otherwise.
 */
export function labelCodePoint(text: string, i: number): { code: number; units: 1 | 2; printable: 'as-is' | 'space' | 'replace' } {
  const c = text.charCodeAt(i);
  let code = c;
  let units: 1 | 2 = 1;
  if (c >= 0xd800 && c <= 0xdbff) {
    const next = i + 1 < text.length ? text.charCodeAt(i + 1) : 0;
    if (next >= 0xdc00 && next <= 0xdfff) {
      code = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
      units = 2;
    } else code = REPLACEMENT;
  } else if (c >= 0xdc00 && c <= 0xdfff) code = REPLACEMENT;
  if (code === 0x09 || code === 0x0a || code === 0x0d) return { code, units, printable: 'space' };
  if (code < 0x20 || (code >= 0x7f && code < 0xa0)) return { code: REPLACEMENT, units, printable: 'replace' };
  return { code, units, printable: 'as-is' };
}
