// The shared line splitter and the small readers under the dialects: terminators kept apart, addresses and log
// times parsed as the tools print them.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { parseEndpoint } from '../../../src/core/trace/endpoints';
import { parseDateTime, parseTimeOfDay } from '../../../src/core/trace/logTime';
import { takeMessage } from '../../../src/core/trace/sipLines';
import { TextLines, utf8Length } from '../../../src/core/trace/textLines';

it('splits CRLF, LF and lone CR lines as an editor counts them, keeping each terminator', () => {
  const t = new TextLines('a\r\nb\nc\rd');
  assert.equal(t.count, 4);
  assert.deepEqual([0, 1, 2, 3].map((i) => [t.text(i), t.term(i), t.sourceLine(i)]), [['a', '\r\n', 1], ['b', '\n', 2], ['c', '\r', 3], ['d', '', 4]]);
  assert.equal(new TextLines('').count, 0);
  assert.equal(new TextLines('x\n').count, 1);
});

it('counts UTF-8 bytes without encoding (Content-Length is in bytes, RFC 3261 §20.14)', () => {
  for (const s of ['abc', 'é', '€', '😀', 'Grüße 😀 €']) assert.equal(utf8Length(s), new TextEncoder().encode(s).length, s);
});

it('a Content-Length body ends the message even when the next line looks like a message (sipfrag body)', () => {
  const text = 'NOTIFY sip:a@b SIP/2.0\r\nContent-Length: 16\r\n\r\nSIP/2.0 200 OK\r\nSIP/2.0 200 OK\r\nContent-Length: 0\r\n\r\n';
  const lines = new TextLines(text);
  const e = takeMessage(lines, 0, lines.count);
  assert.equal(e.end, 4);
  assert.equal(e.headersEnded, true);
  assert.equal(e.bodyShort, false);
});

it('parses endpoints as logs print them', () => {
  assert.deepEqual(parseEndpoint('127.0.2.1:25060'), { ip: '127.0.2.1', port: 25060 });
  assert.deepEqual(parseEndpoint('[::1]:25100'), { ip: '::1', port: 25100 });
  assert.deepEqual(parseEndpoint('::1:25100'), { ip: '::1', port: 25100 });
  assert.equal(parseEndpoint('host.example:5060'), null);
  assert.equal(parseEndpoint('1.2.3.4:99999'), null);
});

it('reads zone-less log times as UTC and honours an explicit zone', () => {
  assert.equal(parseDateTime('2026-11-25 11:53:35.5'), Date.UTC(2026, 10, 25, 11, 53, 35) / 1000 + 0.5);
  assert.equal(parseDateTime('2026/11/25 11:53:35'), Date.UTC(2026, 10, 25, 11, 53, 35) / 1000);
  assert.equal(parseDateTime('2026-11-25T11:53:35Z'), Date.UTC(2026, 10, 25, 11, 53, 35) / 1000);
  assert.equal(parseDateTime('2026-11-25T12:53:35+01:00'), Date.UTC(2026, 10, 25, 11, 53, 35) / 1000);
  assert.equal(parseDateTime('2026-11-25 11:53:35:464'), Date.UTC(2026, 10, 25, 11, 53, 35) / 1000 + 0.464);
  assert.equal(parseDateTime('not a date'), null);
  assert.equal(parseTimeOfDay('01:02:03.25'), 3723.25);
});
