// Issue 8's torture bar, with the verdicts read from the corpus MANIFEST (not typed in): every file of
// ../shared/corpus/public/torture/ has a row, and each RFC 4475 / RFC 5118 message gets the verdict its row states.
// test/unit/sip/torture.test.ts checks each message's exact issues; this file checks the MANIFEST's word on each.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseSipMessage } from '../../../src/core/sip/parseSipMessage';
import { corpusDir } from '../../support/paths';

type Verdict = 'accept' | 'reject' | 'syntax-valid' | 'good' | 'bad' | 'parser-test';
interface Row { file: string; notes: string; verdict: Verdict; group: string }

function rows(): Row[] {
  const lines = readFileSync(join(corpusDir, 'MANIFEST.tsv'), 'utf8').split('\n').filter((l) => l.length > 0);
  const header = lines[0].split('\t');
  const fileCol = header.indexOf('file');
  const notesCol = header.indexOf('notes');
  const out: Row[] = [];
  for (const line of lines.slice(1)) {
    const cells = line.split('\t');
    if (!cells[fileCol].startsWith('torture/')) continue;
    const notes = cells[notesCol];
    const group = /RFC (4475|5118) (§?[\d.]+)/.exec(notes)?.slice(1).join(' ') ?? 'parser test';
    const verdict: Verdict = /valid message \(parsers must accept\)/.test(notes) ? 'accept'
      : /invalid message \(should be rejected \/ flagged\)/.test(notes) ? 'reject'
        : /RFC 4475 3\.[23] .*semantics/.test(notes) ? 'syntax-valid'
          : /RFC 5118 .*\(good\)/.test(notes) ? 'good'
            : /RFC 5118 .*\(bad\)/.test(notes) ? 'bad'
              : 'parser-test';
    out.push({ file: cells[fileCol].slice('torture/'.length), notes, verdict, group });
  }
  return out;
}

const manifest = rows();
const SYNTAX_CODES = new Set(['sip.malformed-start-line', 'sip.malformed-header', 'sip.malformed-uri', 'sip.unknown-version', 'sip.bad-status-code']);

/**
 * Where siptrail follows the RFC's text over the classification the MANIFEST copied from ersip's test suite.
 * RFC 5118 §4.3: the Request-URI sip:[2001:db8::10:5070] "is well-formed"; the ambiguity (address or port?) is for
 * the user, so it parses without any issue.
 */
const RFC_OVER_MANIFEST: Record<string, string> = {
  'ersip__port-ambiguous': 'RFC 5118 §4.3 calls the message well-formed; ersip lists it as bad',
};

test('every torture file has a MANIFEST row and every row its file', () => {
  const onDisk = readdirSync(join(corpusDir, 'torture')).sort();
  assert.deepEqual(manifest.map((r) => r.file).sort(), onDisk);
  const count = (v: Verdict) => manifest.filter((r) => r.verdict === v).length;
  // RFC 4475: 13 valid (§3.1.1), 19 invalid (§3.1.2), 17 syntactically valid with deeper problems (§3.2-§3.4);
  // RFC 5118: 12 messages.
  assert.deepEqual([count('accept'), count('reject'), count('syntax-valid'), count('good') + count('bad')], [13, 19, 17, 12]);
});

for (const row of manifest) {
  const name = row.file.replace(/\.(dat|txt)$/, '');
  test(`${row.group}: ${name} — MANIFEST verdict "${row.verdict}"`, () => {
    const bytes = new Uint8Array(readFileSync(join(corpusDir, 'torture', row.file)));
    const r = parseSipMessage(bytes);
    const issues = r.ok ? r.message.issues : [r.issue];
    const errors = issues.filter((i) => i.severity === 'error');
    const list = issues.map((i) => `${i.severity} ${i.code}: ${i.message}`).join('\n');
    const verdict = RFC_OVER_MANIFEST[name] ? 'good' : row.verdict;
    switch (verdict) {
      case 'accept':
      case 'good':
        assert.ok(r.ok, list);
        assert.deepEqual(errors, [], list);
        break;
      case 'reject':
        assert.ok(!r.ok || errors.length > 0, `expected the message to be flagged with an error:\n${list}`);
        break;
      case 'bad':
        assert.ok(!r.ok || issues.some((i) => i.severity !== 'info'), `expected the message to be flagged:\n${list}`);
        break;
      case 'syntax-valid':
        assert.ok(r.ok, list);
        assert.deepEqual(issues.filter((i) => SYNTAX_CODES.has(i.code)), [], list);
        break;
      case 'parser-test':
        assert.ok(r.ok, list);
        break;
    }
  });
}
