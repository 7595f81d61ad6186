// The seed (a 3GPP TS 24.237 call-flow section pasted as text) read as a trace: exactly issue 3's REFER.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { detectTextDialect, readTextTrace } from '../../../src/core/trace/readTextTrace';
import { repoRoot, textSource } from './fixtures';

const seedDir = path.resolve(repoRoot, '../shared/seed');
const seedFile = path.join(seedDir, readdirSync(seedDir).filter((f) => f.endsWith('.txt')).sort()[0]);
const seedText = readFileSync(seedFile, 'utf8');
const seedLines = seedText.split(/\r\n|\n|\r/);

it('the seed reads as one 3GPP-table REFER with its 15 header fields and the caption direction', () => {
  assert.equal(detectTextDialect(seedText), '3gpp-table');
  const r = readTextTrace(seedText, { fileName: path.basename(seedFile) });
  if ('error' in r) assert.fail(r.error.message);
  assert.equal(r.dialect, '3gpp-table');
  assert.equal(r.messages.length, 1);
  const m = r.messages[0];
  assert.equal(m.kind, 'request');
  assert.equal(m.method, 'REFER');
  assert.equal(m.requestUri, 'sip:user2@home1.net;gr=urn:uuid:f81d4fae-7dec-11d0-2222-222222222222');
  assert.equal(m.callId, 'Asdasd23123366');
  assert.deepEqual(m.cseq, { seq: 41277, method: 'REFER' });
  assert.equal(m.from?.tag, '171828');
  assert.equal(m.headers.find((h) => h.key === 'refer-to')?.value, '<sip:user3@home2.net>');
  assert.deepEqual(m.headers.map((h) => h.name), [
    'Via', 'Max-Forwards', 'P-Preferred-Identity', 'From', 'To', 'Call-ID', 'Cseq', 'Contact', 'Allow', 'Content-Length',
    'Refer-To', 'Referred-By', 'Require', 'Proxy-Require', 'Security-Verify',
  ]);
  // The explanatory "Request-URI:" / "Refer-To:" paragraphs and the Editor's notes are not header fields.
  assert.equal(m.headers.filter((h) => h.key === 'refer-to').length, 1);
  assert.ok(!m.headers.some((h) => /request-uri|editor/i.test(h.name)));
  assert.deepEqual(m.caption, {
    text: 'Table 4.7.4.2.1.2-3: SIP REFER request (UE-1 to Intermediate IM CN subsystem entities)',
    from: 'UE-1',
    to: 'Intermediate IM CN subsystem entities',
  });
  // Line positions inside the seed: the start line, the last header line, and each header's own line.
  const { line, endLine } = textSource(m);
  assert.match(seedLines[line - 1], /^REFER sip:user2@home1\.net/);
  assert.match(seedLines[endLine - 1], /^Security-Verify: /);
  assert.equal(seedLines.slice(endLine).find((l) => l.trim().length > 0), 'Request-URI:');
  for (const h of m.headers) {
    const at = m.lineMap![h.line];
    assert.ok(seedLines[at - 1].startsWith(`${h.name}:`), `${h.name} is on seed line ${at}`);
  }
  assert.deepEqual(r.findings.filter((f) => f.severity === 'error'), []);
});
