// escapeMermaidText: what leaves it can only be plain characters or mermaid entity codes, and decoding those
// codes the way mermaid does gives back the input (line breaks as spaces). Mermaid's own parser and renderer
// check the same strings in test/e2e/mermaidEscaping.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clipText, escapeMermaidText } from '../../../src/core/render/mermaidText';
import { HOSTILE_STRINGS } from './hostileStrings';

/** Characters that may stay raw, or a `#NNN;` entity code; nothing else. */
const SAFE_OUTPUT = /^(?:[A-Za-z0-9 ._\-@/()[\]+*'!?~,]|#\d+;)*$/;

/** Mermaid's entity round trip, as the browser ends it: `#NNN;` → `&#NNN;` → the character. */
function decodeLikeMermaid(escaped: string): string {
  return escaped.replace(/#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)));
}

test('hostile strings come out as safe characters and entity codes only', () => {
  for (const s of HOSTILE_STRINGS) {
    const escaped = escapeMermaidText(s);
    assert.match(escaped, SAFE_OUTPUT, JSON.stringify(s));
    for (const bad of ['%', '{', '}', '<', '>', '\n', '\r', ':', '"', '&', '`', '=', '\\']) {
      assert.ok(!escaped.includes(bad), `${JSON.stringify(s)} kept ${JSON.stringify(bad)}`);
    }
    // `;` only as the end of an entity code, `#` only as its start.
    assert.equal(escaped.replace(/#\d+;/g, '').includes(';'), false);
    assert.equal(escaped.replace(/#\d+;/g, '').includes('#'), false);
  }
});

test('decoding the entity codes gives back the input, line breaks and tabs as spaces', () => {
  for (const s of HOSTILE_STRINGS) {
    const expected = s.replace(/[\t\r\n]/g, ' ').replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g, '\ufffd')
      .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
    assert.equal(decodeLikeMermaid(escapeMermaidText(s)), expected, JSON.stringify(s));
  }
});

test('an entity code written in the trace is shown as written, not decoded', () => {
  // `#60;` in a trace must not become `<`: its `#` and `;` are themselves escaped.
  assert.equal(escapeMermaidText('#60;'), '#35;60#59;');
  assert.equal(escapeMermaidText('#lt;'), '#35;lt#59;');
  assert.equal(decodeLikeMermaid(escapeMermaidText('#60;#quot;')), '#60;#quot;');
});

test('mermaid\'s own entity placeholders in a trace cannot reach its decoder', () => {
  // Mermaid turns `#60;` into `ﬂ°°60¶ß` before parsing and back into `&#60;` after rendering; a trace holding
  // those characters must not be decoded as an entity.
  const escaped = escapeMermaidText('ﬂ°°60¶ßﬂ°lt¶ß');
  assert.ok(!/[ﬂ°¶ß]/.test(escaped), escaped);
});

test('characters beyond the BMP are one entity code; lone surrogates and NUL become U+FFFD', () => {
  assert.equal(escapeMermaidText('📞'), '#128222;');
  assert.equal(escapeMermaidText('a\ud800b'), 'a#65533;b');
  assert.equal(escapeMermaidText('a\udc00b'), 'a#65533;b');
  assert.equal(escapeMermaidText('\u0000'), '#65533;');
  assert.equal(escapeMermaidText('a\r\nb\tc'), 'a  b c');
});

test('plain text passes unchanged', () => {
  for (const s of ['INVITE', '3. REFER', '10. 202 Accepted (+0.512s)', 'user1@home1.net', 'UE-1']) {
    assert.equal(escapeMermaidText(s), s);
  }
});

test('clipText keeps short text and cuts long text to the limit with an ellipsis, never inside a pair', () => {
  assert.equal(clipText('abc', 3), 'abc');
  assert.equal(clipText('abcdef', 4), 'abc…');
  assert.equal(Array.from(clipText('📞'.repeat(10), 4)).length, 4);
  assert.equal(clipText('📞'.repeat(10), 4), '📞📞📞…');
  assert.equal(clipText('📞📞', 2), '📞📞');
  const long = 'x'.repeat(1_000_000);
  assert.equal(clipText(long, 80).length, 80);
});
