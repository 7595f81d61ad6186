// Escaping trace-derived text for Markdown (CommonMark / GitHub Flavored Markdown). Runs anywhere core runs.
// CommonMark lets a backslash escape any ASCII punctuation (spec §2.4), which disarms emphasis, links, autolinks
// (`\:`), code spans, headings and GFM's table pipes (`\|`, GFM §4.10) alike; `<` and `&` become entities so no
// raw HTML or entity survives. The result is one line, safe inside a table cell.

const PUNCTUATION = new Uint8Array(128);
for (const c of '!"#$%\'()*+,-./:;=?@[\\]^_`{|}~') PUNCTUATION[c.charCodeAt(0)] = 1;

/** Markdown-safe form of `text` for paragraphs and table cells: one line, read back as exactly `text`. */
export function escapeMarkdownText(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 128 && PUNCTUATION[c] === 1) out += '\\' + text[i];
    else if (c === 0x3c) out += '&lt;';
    else if (c === 0x3e) out += '&gt;';
    else if (c === 0x26) out += '&amp;';
    else if (c === 0x09 || c === 0x0a || c === 0x0d) out += ' ';
    else if (c < 0x20 || (c >= 0x7f && c < 0xa0)) out += '\ufffd';
    else if (c >= 0xd800 && c <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        out += text[i] + text[i + 1];
        i++;
      } else out += '\ufffd';
    } else if (c >= 0xdc00 && c <= 0xdfff) out += '\ufffd';
    else if (c === 0x202a || c === 0x202b || c === 0x202c || c === 0x202d || c === 0x202e || (c >= 0x2066 && c <= 0x2069)) {
      // Bidirectional overrides would reorder the rest of the rendered line (CVE-2021-42574 style).
      out += '\ufffd';
    } else out += text[i];
  }
  return out;
}
