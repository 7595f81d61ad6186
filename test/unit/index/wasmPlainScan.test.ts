// The WebAssembly scanner (wasm/plainScan.ts) is the JavaScript one at compiled speed, never a second opinion:
// message by message, on every message of the repo's and the corpus's captures, the torture messages and tens of
// thousands of mutations of them, it must come to scanPlainSip's verdict, the same index row and the same string
// table — and it must read most messages itself.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { DEFAULT_CORRELATION_HEADERS } from '../../../src/core/dialog/callLegs';
import { MessageColumns } from '../../../src/core/index/messageColumns';
import { evidenceHeaderNames, HeaderNames, scanPlainSip } from '../../../src/core/index/plainSipScan';
import { WasmPlainScanner } from '../../../src/core/index/wasmPlainScan';
import { PlainCaptureIndexer } from '../../../src/core/index/plainCaptureIndex';
import { plainScanWasm } from '../../../src/cli/plainScanWasm';
import { PLAIN_SCAN_WASM_BASE64 } from '../../../src/cli/plainScanWasmBinary';
import { allMessageBytes } from '../../support/sipMessageBytes';
import { repoRoot } from '../../support/paths';

const names = new HeaderNames(evidenceHeaderNames([...DEFAULT_CORRELATION_HEADERS, 'x-call-ref']));

const COLUMNS = ['kind', 'method', 'status', 'requestUri', 'callId', 'cseq', 'fromUri', 'fromTag', 'toUri', 'toTag', 'topBranch', 'topSentBy', 'bottomBranch', 'bottomSentBy'] as const;

/** What a scan left behind: its answer, the last row and every string the table holds, in id order. */
function outcome(cols: MessageColumns, why: string | null): unknown {
  const strings: string[] = [];
  for (let id = 0; id < cols.strings.size; id++) strings.push(cols.strings.text(id));
  const last = cols.count - 1;
  const row = last < 0 ? null : Object.fromEntries(COLUMNS.map((c) => [c, cols[c][last]]));
  const evidence = last < 0 ? [] : cols.evidenceHeaders.map((_, k) => cols.evidenceOf(last, k));
  return { why, count: cols.count, row, evidence, strings, endpoints: last < 0 ? [] : [cols.frame[last], cols.time[last], cols.src[last], cols.dst[last]] };
}

const evidenceNames = evidenceHeaderNames([...DEFAULT_CORRELATION_HEADERS, 'x-call-ref']);

/**
 * Both scanners on one message after another, each into an index of its own (so the fields a message repeats from
 * the one before, which the WebAssembly scanner flags, are met as in a capture): after each message the same
 * answer, the same row and the same string table.
 */
class SideBySide {
  private js = new MessageColumns(16, evidenceNames);
  private wasm = new MessageColumns(16, evidenceNames);
  private scanned = 0;
  constructor(private readonly scanner: WasmPlainScanner) {}
  compare(bytes: Uint8Array, where: string, startLineChecked: boolean): void {
    // A new pair of indexes now and then: the scanner must not carry ids from one string table to the next.
    if (++this.scanned % 64 === 0) {
      this.js = new MessageColumns(16, evidenceNames);
      this.wasm = new MessageColumns(16, evidenceNames);
    }
    const expected = outcome(this.js, scanPlainSip(bytes, 0, bytes.length, this.js, names, 7, 3, 1, 2, startLineChecked));
    const actual = outcome(this.wasm, this.scanner.scan(bytes, 0, bytes.length, this.wasm, names, 7, 3, 1, 2, startLineChecked));
    assert.deepEqual(actual, expected, where);
  }
}

test('the committed WebAssembly is what wasm/plainScan.ts compiles to (npm run build:wasm after an edit)', () => {
  // In a process of its own: through tsx, the compiler's 10 MB of JavaScript would be transformed first.
  const r = spawnSync(process.execPath, [join(repoRoot, 'scripts/buildWasm.mjs'), '--print'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, readFileSync(join(repoRoot, 'src/cli/plainScanWasmBinary.ts'), 'utf8'));
  assert.match(r.stdout, new RegExp(PLAIN_SCAN_WASM_BASE64.slice(0, 40).replace(/[+/]/g, '\\$&')));
});

test('message by message, the WebAssembly scanner comes to scanPlainSip’s verdict, row and strings', () => {
  const scanner = WasmPlainScanner.create(plainScanWasm()!, names)!;
  assert.ok(scanner);
  const messages = allMessageBytes();
  const sides = new SideBySide(scanner);
  for (const { where, bytes } of messages) for (const checked of [true, false]) sides.compare(bytes, where, checked);
  // It reads most of them itself (the rest: refusals and the full parser's checks, which stay JavaScript).
  assert.ok(scanner.scannedHere > 2000, `read by WebAssembly: ${scanner.scannedHere}, handed over: ${scanner.handedOver}`);
});

test('on mutated messages too: every byte class at every kind of position, lines dropped and repeated', () => {
  const scanner = WasmPlainScanner.create(plainScanWasm()!, names)!;
  const sides = new SideBySide(scanner);
  const messages = allMessageBytes().filter((m) => m.bytes.length < 4000);
  let seed = 20261126;
  const random = (n: number): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return (seed >>> 8) % n;
  };
  // The bytes the grammar turns on, and some it refuses.
  const interesting = [...' ;=<>":@,.-_/\\\t\r\nAZaz09%+~!*\'`?[]'].map((c) => c.charCodeAt(0)).concat([0, 0x7f, 0x80, 0xc3, 0xff]);
  // Pieces of the grammar, for the rules a single byte rarely reaches: parameters with rules of their own, number
  // limits, hosts, ports, quoting.
  const pieces = [';ttl=1', ';maddr=10.0.0.1', ';method=INVITE', ';tag=t1', ';tag=', ';branch=z9hG4bKx1', ';branch=z9hG4bK', ';branch=x',
    ';rport', ';rport=5060', ';rport=0', ';received=10.0.0.1', ';received=host', ';lr', ';Tag=T', '1234567890', '999999999', '0', '00',
    ':0', ':65535', ':65536', ':05060', ':5060', '"q" ', '"a\\"b" ', '<sip:a@b>', '<sips:x.example.com>', 'sips:', '@', '..', '-', '.-',
    '256.1.1.1', '1.2.3', '[::1]', ', ', '  ', '\t', 'A', 'SIP/2.0/UDP ', 'EXAMPLE.COM', 'a-.b', '1.example', 'x y', 'SIP/2.1'];
  // And pieces that replace one of the message's own: its branch, ports, tags, numbers and IPv4 hosts at the limits.
  const replacements: Array<[RegExp, string[]]> = [
    [/branch=[^;\r\n]*/g, ['branch=z9hG4bK', 'branch=z9hG4bKa', 'branch=', 'branch', 'branch=abc', 'branch=z9hG4bK%41']],
    [/:\d+/g, [':0', ':00', ':1', ':65535', ':65536', ':05060', ':123456', ':']],
    [/tag=[^;>\r\n]*/g, ['tag', 'tag=', 'tag=x', 'tag=x;tag=y', 'TAG=x', 'tag=a%20b']],
    [/\d+/g, ['0', '00', '1234567890', '999999999', '2147483648', '255', '256', '1000']],
    [/\d+\.\d+\.\d+\.\d+/g, ['256.0.0.1', '1.2.3', '01.2.3.4', 'a.b', 'A.example', 'x-.y', '1.2.3.4.5', 'example', '1.2.3.4.']],
    [/[A-Z]{3,}/g, ['', 'A', 'a', 'X'.repeat(65)]],
  ];
  let scannedBefore = scanner.scannedHere;
  let mutants = 0;
  for (let round = 0; round < 120000; round++) {
    const original = messages[random(messages.length)].bytes;
    let bytes: Uint8Array;
    const kind = random(6);
    const at = random(original.length);
    if (kind === 0) {
      bytes = original.slice();
      bytes[at] = interesting[random(interesting.length)];
    } else if (kind === 1) {
      bytes = new Uint8Array([...original.subarray(0, at), ...original.subarray(at + 1)]);
    } else if (kind === 2) {
      bytes = new Uint8Array([...original.subarray(0, at), interesting[random(interesting.length)], ...original.subarray(at)]);
    } else if (kind === 3) {
      const piece = Buffer.from(pieces[random(pieces.length)], 'latin1');
      bytes = new Uint8Array([...original.subarray(0, at), ...piece, ...original.subarray(at)]);
    } else if (kind === 4) {
      const [pattern, options] = replacements[random(replacements.length)];
      const text = Buffer.from(original).toString('latin1');
      const matches = [...text.matchAll(pattern)];
      if (matches.length === 0) continue;
      const m = matches[random(matches.length)];
      bytes = new Uint8Array(Buffer.from(text.slice(0, m.index) + options[random(options.length)] + text.slice(m.index! + m[0].length), 'latin1'));
    } else {
      // A header line dropped or repeated.
      const text = Buffer.from(original).toString('latin1').split('\r\n');
      const line = 1 + random(Math.max(1, text.length - 2));
      if (random(2) === 0) text.splice(line, 1);
      else text.splice(line, 0, text[line] ?? '');
      bytes = new Uint8Array(Buffer.from(text.join('\r\n'), 'latin1'));
    }
    sides.compare(bytes, `round ${round} (mutation ${kind} at ${at})`, random(2) === 0);
    mutants++;
  }
  assert.ok(mutants > 110000, `mutants: ${mutants}`);
  assert.ok(scanner.scannedHere - scannedBefore > 3000, `mutants read by WebAssembly: ${scanner.scannedHere - scannedBefore}`);
});

test('the load captures: read where they were read (no copy), nearly every message by WebAssembly', () => {
  const wasm = plainScanWasm()!;
  const bytes = new Uint8Array(readFileSync(join(repoRoot, 'test/captures/index/load-udp.pcap')));
  const indexer = new PlainCaptureIndexer({ correlationHeaders: DEFAULT_CORRELATION_HEADERS, wasm });
  // As the CLI does: the file read into the scanner's own memory, in pieces smaller than the file.
  let buffer = indexer.readBuffer(1 << 16);
  let held = 0;
  for (let position = 0; position < bytes.length;) {
    const n = Math.min(buffer.length - held, bytes.length - position);
    buffer.set(bytes.subarray(position, position + n), held);
    position += n;
    const used = indexer.consume(buffer.subarray(0, held + n));
    assert.ok(used >= 0);
    buffer.copyWithin(0, used, held + n);
    held = held + n - used;
  }
  const indexed = indexer.end(held);
  assert.ok(indexed.plain);
  const scanner = (indexer as unknown as { wasmScanner: WasmPlainScanner }).wasmScanner;
  assert.equal(scanner.scannedHere + scanner.handedOver, indexed.columns.count);
  assert.ok(scanner.handedOver === 0, `handed over: ${scanner.handedOver}`);
  // The same index as the JavaScript scanner's.
  const js = new PlainCaptureIndexer({ correlationHeaders: DEFAULT_CORRELATION_HEADERS });
  js.push(bytes);
  const expected = js.end();
  assert.ok(expected.plain);
  for (const c of COLUMNS) assert.deepEqual(indexed.columns[c].subarray(0, indexed.columns.count), expected.columns[c].subarray(0, expected.columns.count), c);
});

test('header names past the module’s table: the JavaScript scanner does the work, with the same result', () => {
  const many = Array.from({ length: 300 }, (_, i) => `x-correlation-header-number-${i}`);
  const big = new HeaderNames(evidenceHeaderNames(many));
  assert.equal(WasmPlainScanner.create(plainScanWasm()!, big), null);
  const bytes = new Uint8Array(readFileSync(join(repoRoot, 'test/captures/index/load-udp.pcap')));
  const indexer = new PlainCaptureIndexer({ correlationHeaders: many, wasm: plainScanWasm() });
  indexer.push(bytes);
  const indexed = indexer.end();
  assert.ok(indexed.plain && indexed.columns.count > 1000);
});
