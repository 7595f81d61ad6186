// Text that holds no SIP message is an error finding, not an empty trace; a forced dialect that does not fit too.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { detectTextDialect, readTextTrace } from '../../../src/core/trace/readTextTrace';
import { readFixture, repoRoot } from './fixtures';

it('the project README is rejected with a positioned error', () => {
  const text = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
  assert.equal(detectTextDialect(text), null);
  const r = readTextTrace(text, { fileName: 'README.md' });
  assert.ok('error' in r);
  assert.equal(r.error.code, 'trace.no-sip-message');
  assert.equal(r.error.severity, 'error');
  assert.match(r.error.message, /README\.md/);
  assert.deepEqual(r.error.source, { line: 1, endLine: text.split(/\r\n|\n|\r/).length - (text.endsWith('\n') ? 1 : 0) });
});

it('source code, JSON and an empty file are rejected too', () => {
  for (const text of [readFileSync(path.join(repoRoot, 'package.json'), 'utf8'), readFixture('makeDocumentedFixtures.mjs'), '', '\n\n']) {
    const r = readTextTrace(text);
    assert.ok('error' in r, text.slice(0, 40));
  }
});

it('a forced dialect that does not fit the text is an error naming the dialect', () => {
  const r = readTextTrace(readFixture('sngrep-export.txt'), { dialect: 'kamailio-sipdump' });
  assert.ok('error' in r);
  assert.equal(r.error.code, 'trace.dialect-mismatch');
  assert.match(r.error.message, /kamailio-sipdump/);
});

it('a forced dialect that fits is used even where detection would pick another', () => {
  // sngrep's export is also plain SIP separated by blank lines: raw reads the same 11 messages, without times.
  const r = readTextTrace(readFixture('sngrep-export.txt'), { dialect: 'raw' });
  if ('error' in r) assert.fail(r.error.message);
  assert.equal(r.dialect, 'raw');
  assert.equal(r.messages.length, 11);
  assert.ok(r.messages.every((m) => m.time === null));
});

it('garbage and truncated input never throws', () => {
  const sipp = readFixture('sipp-ue1.log');
  for (const cut of [10, 100, 400, 1000, 2500, sipp.length - 3]) {
    const r = readTextTrace(sipp.slice(0, cut));
    assert.ok('error' in r || r.messages.length >= 0);
  }
  const binaryish = String.fromCharCode(...Array.from({ length: 2000 }, (_, i) => (i * 37) % 256));
  assert.ok('error' in readTextTrace(binaryish));
});
