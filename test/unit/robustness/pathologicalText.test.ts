// Text readers against pathological input: every dialect reader (forced, and all detectors at once) and the SIP
// parser get megabyte-long lines made of one prefix repeated, the shape that makes a backtracking regex go
// quadratic or worse, and must finish within 2 s + 1 s/MB. The prefixes are the header lines of our own text
// fixtures (cut at several lengths) and the openers of each dialect's header patterns.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseSipMessage } from '../../../src/core/sip/parseSipMessage';
import { DIALECT_READERS } from '../../../src/core/trace/dialects/index';
import { readTextTrace } from '../../../src/core/trace/readTextTrace';
import { repoRoot } from '../../support/paths';

const LINE_BYTES = 1 << 20;
const BOUND_MS = 2000 + (1000 * LINE_BYTES) / (1 << 20);
const MESSAGE = 'INVITE sip:ue2@example.com SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK1\r\nCall-ID: a@b\r\nCSeq: 1 INVITE\r\nFrom: <sip:ue1@example.com>;tag=1\r\nTo: <sip:ue2@example.com>\r\nContent-Length: 0\r\n\r\n';

/** Openers of header patterns and separators, and characters that regex runs stop at. */
const GENERIC_UNITS = [
  '<--- Transmitting (', '<--- Received SIP request (1 bytes) from UDP:', '<--- SIP read from ', 'channel [',
  'channel [x]: received [1] new bytes from [udp://', 'TX 1 bytes Request msg x (', '(a): ', 'proto:UDP ', 'Table 1: ',
  ' ', '\t', '-', '=', '[', '(', ':', ';', '"', '<', '0000  ', 'U 1.2.3.4:5 -> ', 'Node 0: ', 'SIP/2.0 ',
]

function fixtureUnits(): string[] {
  const dir = join(repoRoot, 'test/fixtures/traces');
  const units = new Set<string>();
  for (const name of readdirSync(dir).filter((f) => /\.(txt|log|sip)$/.test(f))) {
    const lines = readFileSync(join(dir, name), 'utf8').split(/\r?\n/);
    // The first line that is not SIP is the dialect's own header line (or a timestamp prefix).
    const header = lines.find((l) => l.length > 8 && !/^(SIP\/2\.0|[A-Z]+ sip:|[A-Za-z-]+: )/.test(l));
    if (!header) continue;
    units.add(header.slice(0, header.length - 1));
  }
  return [...units];
}

function longLine(unit: string, bytes = LINE_BYTES): string {
  return unit.repeat(Math.ceil(bytes / unit.length)).slice(0, bytes);
}

function elapsed(run: () => unknown): number {
  const started = performance.now();
  run();
  return performance.now() - started;
}

/**
 * Runs `make(line)` with a 256 kB line, then a 1 MB one. Passes when the 1 MB run is within the bound, or when it
 * grew no more than linearly from the 256 kB run (×4, with slack to ×8): a busy machine slows both alike, while a
 * quadratic pattern grows ×16 (and already blows the bound at 256 kB).
 */
function timed(what: string, unit: string, make: (line: string) => () => unknown): void {
  const quarter = elapsed(make(longLine(unit, LINE_BYTES / 4)));
  assert.ok(quarter < BOUND_MS, `${what} took ${quarter.toFixed(0)} ms on a 256 kB line (bound ${BOUND_MS} ms for 1 MB)`);
  const full = elapsed(make(longLine(unit)));
  assert.ok(full < BOUND_MS || full < 8 * Math.max(quarter, 5), `${what} took ${full.toFixed(0)} ms on a 1 MB line, ${quarter.toFixed(0)} ms on a 256 kB one (bound ${BOUND_MS} ms, or linear growth)`);
}

const units = [...GENERIC_UNITS, ...fixtureUnits()];

test('the adversarial set has each fixture\'s header prefixes', () => {
  assert.ok(units.length > GENERIC_UNITS.length + 10, `${units.length} units`);
});

test('every dialect reader, forced and detected, reads a text with a 1 MB line in bounded time', () => {
  for (const unit of units) {
    // The long line before a real message, and after one (where a reader looks for the message's end).
    for (const place of [(line: string) => `${line}\n${MESSAGE}${line}\n`]) {
      timed(`detection with ${JSON.stringify(unit)}`, unit, (line) => { const text = place(line); return () => readTextTrace(text); });
      for (const reader of DIALECT_READERS) {
        timed(`${reader.dialect} with ${JSON.stringify(unit)}`, unit, (line) => { const text = place(line); return () => readTextTrace(text, { dialect: reader.dialect }); });
      }
    }
  }
});

test('a 1 MB header value, Request-URI or reason phrase parses in bounded time, with a result', () => {
  const enc = new TextEncoder();
  // The headers the parser reads into structure (the others keep their raw value).
  const names = ['Via', 'From', 'To', 'Contact', 'CSeq', 'Call-ID', 'Content-Length', 'Date', 'Max-Forwards'];
  for (const unit of [';', ',', ';a=', '<sip:', '"', '\\"', '[::', ' ', 'sip:a@', '1.']) {
    for (const name of names) {
      timed(`${name}: ${JSON.stringify(unit)}…`, unit, (value) => {
        const bytes = enc.encode(MESSAGE.replace('Content-Length: 0', `${name}: ${value}\r\nContent-Length: 0`));
        return () => {
          const r = parseSipMessage(bytes);
          assert.ok(r.ok);
          assert.ok(r.message.issues.length < 100, `${name}: ${r.message.issues.length} issues for one header value`);
        };
      });
    }
    timed(`Request-URI ${JSON.stringify(unit)}…`, unit, (value) => { const b = enc.encode(MESSAGE.replace('sip:ue2@example.com SIP', `sip:${value} SIP`)); return () => parseSipMessage(b); });
    timed(`reason phrase ${JSON.stringify(unit)}…`, unit, (value) => { const b = enc.encode(`SIP/2.0 200 ${value}\r\nCall-ID: a\r\n\r\n`); return () => parseSipMessage(b); });
  }
});
