// One test per dialect over its fixture (made by make-fixtures.sh with the real tool, or from the tool's documented
// format where it cannot run here): detection, message count and order, Call-IDs, methods/status, and line ranges
// checked against the fixture's own lines.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { detectTextDialect, readTextTrace, type TextDialect, type TextTraceResult } from '../../../src/core/trace/readTextTrace';
import { fixtureLines, label, readFixture, textSource, tsharkRows } from './fixtures';

interface Case {
  file: string;
  dialect: TextDialect;
  /** Reference sequence: tshark's list of the capture the fixture shows, or markers read from the fixture text. */
  reference: () => { label: string; callId: string }[];
  /** What the fixture line right after a message's last line looks like. */
  after: RegExp;
  /** The fixture shows lines re-laid-out (hex), so only the start line can be compared. */
  hex?: boolean;
  /** Every message has src and dst (or, for one-sided logs, the peer) from the dialect header lines. */
  addresses?: 'both' | 'peer' | 'none';
  timed?: boolean;
  /** The fixture lost bytes on purpose (CRLF → LF), so the parser's length errors are expected. */
  lossy?: boolean;
}

const run1 = () => tsharkRows('sipp-udp.tshark-fields.tsv').map((r) => ({ label: r.label, callId: r.callId }));
const run2 = () => tsharkRows('sipp-tcp6.tshark-fields.tsv').map((r) => ({ label: r.label, callId: r.callId }));

/** The messages a Kamailio sipdump / baresip fixture holds, read from the fixture text with plain string tests. */
function markersAfter(file: string, isMarker: (line: string, next: string) => boolean, offset: number) {
  const lines = fixtureLines(file);
  const out: { label: string; callId: string }[] = [];
  for (let i = 0; i + offset < lines.length; i++) {
    if (!isMarker(lines[i], lines[i + 1] ?? '')) continue;
    const start = lines[i + offset];
    const lbl = start.startsWith('SIP/2.0 ') ? start.split(' ')[1] : start.split(' ')[0];
    let j = i + offset;
    while (!lines[j].startsWith('Call-ID:')) j++;
    out.push({ label: lbl, callId: lines[j].slice(8).trim() });
  }
  return out;
}

const CASES: Case[] = [
  { file: 'raw-crlf.sip', dialect: 'raw', reference: run1, after: /^-----$|^$/ , addresses: 'none' },
  { file: 'raw-lf.txt', dialect: 'raw', reference: run1, after: /^$/, addresses: 'none', lossy: true },
  { file: 'sipp-ue1.log', dialect: 'sipp-trace', reference: run1, after: /^$/, addresses: 'none', timed: true },
  { file: 'sipp-ue2.log', dialect: 'sipp-trace', reference: run1, after: /^$/, addresses: 'none', timed: true },
  { file: 'sipp-tcp6-ue1.log', dialect: 'sipp-trace', reference: run2, after: /^$/, addresses: 'none', timed: true },
  { file: 'tshark-V.txt', dialect: 'tshark-verbose', reference: run1, after: /^ {16}|^ {12}\[|^$/, addresses: 'both', timed: true },
  { file: 'tshark-O-sip.txt', dialect: 'tshark-verbose', reference: run1, after: /^ {16}|^ {12}\[|^$/, addresses: 'both' },
  { file: 'tshark-x.txt', dialect: 'tshark-hex', reference: run1, after: /^$/, hex: true, addresses: 'both' },
  { file: 'tshark-x-tcp6.txt', dialect: 'tshark-hex', reference: run2, after: /^$/, hex: true, addresses: 'both' },
  { file: 'follow-udp.txt', dialect: 'follow-stream', reference: run1, after: /^$/, addresses: 'both' },
  { file: 'follow-tcp6.txt', dialect: 'follow-stream', reference: run2, after: /^$/, addresses: 'both' },
  { file: 'ngrep-live.txt', dialect: 'ngrep', reference: run1, after: /^$/, addresses: 'both', timed: true },
  { file: 'ngrep-file.txt', dialect: 'ngrep', reference: run1, after: /^$/, addresses: 'both' },
  { file: 'sngrep-export.txt', dialect: 'sngrep', reference: run1, after: /^$/, addresses: 'both', timed: true },
  { file: 'asterisk-pjsip.txt', dialect: 'asterisk', reference: run1, after: /^$/, addresses: 'peer' },
  { file: 'asterisk-chan-sip.txt', dialect: 'asterisk', reference: run1, after: /^$/, addresses: 'peer' },
  { file: 'freeswitch-siptrace.txt', dialect: 'freeswitch', reference: run1, after: /^ {3}-{72}$/, addresses: 'peer', timed: true },
  { file: 'kamailio-sipdump.txt', dialect: 'kamailio-sipdump', reference: () => markersAfter('kamailio-sipdump.txt', (l) => l === '~~~~~~~~~~~~~~~~~~~~', 1), after: /^\|{20}$/, addresses: 'both', timed: true },
  { file: 'homer.txt', dialect: 'homer', reference: run1, after: /^$/, addresses: 'both', timed: true },
  { file: 'pjsua.txt', dialect: 'pjsip', reference: run1, after: /^$/, addresses: 'peer' },
  { file: 'belle-sip.txt', dialect: 'belle-sip', reference: run2, after: /^$|^\d{4}-\d\d-\d\d |^SIP\/2\.0 \d|^[A-Z]+ sip:/, addresses: 'peer', timed: true },
  { file: 'baresip.txt', dialect: 'baresip', reference: () => markersAfter('baresip.txt', (l, next) => /#$/.test(l) && /^UDP .* -> /.test(next), 2), after: /^\x1b\[;m$/, addresses: 'both' },
];

function read(file: string): TextTraceResult {
  const r = readTextTrace(readFixture(file), { fileName: file });
  if ('error' in r) assert.fail(`${file}: ${r.error.message}`);
  return r;
}

describe('text-trace dialects over their fixtures', () => {
  for (const c of CASES) {
    it(`${c.file} is read as ${c.dialect}`, () => {
      const text = readFixture(c.file);
      assert.equal(detectTextDialect(text), c.dialect, 'detected by content');
      const r = read(c.file);
      assert.equal(r.dialect, c.dialect);
      const ref = c.reference();
      assert.ok(ref.length > 0, 'reference has messages');
      assert.deepEqual(r.messages.map((m) => label(m)), ref.map((x) => x.label), 'methods/status in order');
      assert.deepEqual(r.messages.map((m) => m.callId), ref.map((x) => x.callId), 'Call-IDs');
      assert.deepEqual(r.messages.map((m) => m.index), ref.map((_, i) => i), 'indices 0..n-1');
      // No parser complaints on messages real SIP software sent (CRLF turned into LF is the raw-lf fixture's point).
      const errors = r.findings.filter((f) => f.severity === 'error');
      if (!c.lossy) assert.deepEqual(errors, [], 'no error findings');

      const lines = fixtureLines(c.file);
      let previousEnd = 0;
      for (const m of r.messages) {
        const { line, endLine } = textSource(m);
        assert.ok(line > previousEnd && endLine >= line, `ranges in order and disjoint (${line}-${endLine})`);
        previousEnd = endLine;
        const startText = new TextDecoder().decode(m.raw).split('\r\n')[0].split('\n')[0];
        if (c.hex) {
          assert.match(lines[line - 1], /^[0-9a-f]{4}  /, 'the start line is a hex dump line');
        } else {
          assert.ok(lines[line - 1].includes(startText), `line ${line} of ${c.file} holds the start line "${startText}"`);
          // Every rebuilt line comes from the fixture line its lineMap names.
          const rawLines = new TextDecoder().decode(m.raw).split('\n').map((l) => l.replace(/\r$/, ''));
          rawLines.forEach((rl, k) => {
            if (rl.length === 0 || !m.lineMap) return;
            const src = lines[m.lineMap[k] - 1];
            const value = /^[a-z]=/.test(rl) ? rl.slice(2) : rl; // tshark -V shows SDP as "… (v): 0"
            assert.ok(src.includes(value) || rl.startsWith(src.replace(/^.*\]:$/, '')), `raw line "${rl}" comes from line ${m.lineMap[k]}`);
          });
        }
        assert.equal(m.lineMap?.[m.lineMap.length - 1] !== undefined, true);
        const next = lines[endLine] ?? '';
        assert.match(next, c.after, `the line after ${c.file}:${endLine} ends the message`);
        if (c.addresses === 'both') assert.ok(m.src && m.dst, 'src and dst from the header lines');
        if (c.addresses === 'peer') assert.ok(m.src || m.dst, 'the peer address from the header line');
        if (c.addresses === 'none') assert.ok(m.src === null && m.dst === null, 'no address invented');
        if (c.timed) assert.equal(typeof m.time, 'number', 'time from the header line');
        else if (c.file !== 'ngrep-file.txt') assert.equal(m.time, null, 'no time invented');
      }
    });
  }

  it('each dialect of the required list has a fixture here', () => {
    const all: TextDialect[] = ['raw', '3gpp-table', 'sipp-trace', 'tshark-verbose', 'tshark-hex', 'follow-stream', 'ngrep', 'sngrep', 'asterisk', 'freeswitch', 'kamailio-sipdump', 'homer', 'pjsip', 'belle-sip', 'baresip'];
    const covered = new Set<string>([...CASES.map((c) => c.dialect), '3gpp-table' /* the seed: seed.test.ts */]);
    assert.deepEqual(all.filter((d) => !covered.has(d)), []);
  });

  it('times are absolute where the tool logs them so (tshark -V, sipdump) and agree with tshark\'s capture list', () => {
    const ref = tsharkRows('sipp-udp.tshark-fields.tsv');
    const v = read('tshark-V.txt');
    v.messages.forEach((m, k) => assert.ok(Math.abs((m.time ?? 0) - ref[k].time) < 1e-6, `frame ${ref[k].frame} time`));
    // sngrep and ngrep print local time; this machine runs on UTC, which is how the readers read local time.
    const s = read('sngrep-export.txt');
    s.messages.forEach((m, k) => assert.ok(Math.abs((m.time ?? 0) - ref[k].time) < 1e-3, `sngrep message ${k} time`));
  });

  it('addresses and transport come from the dialect header lines', () => {
    const ref = tsharkRows('sipp-udp.tshark-fields.tsv');
    for (const file of ['ngrep-live.txt', 'sngrep-export.txt', 'tshark-V.txt', 'tshark-x.txt', 'follow-udp.txt', 'homer.txt']) {
      const r = read(file);
      r.messages.forEach((m, k) => {
        assert.deepEqual(m.src, { ip: ref[k].src, port: ref[k].srcPort }, `${file} #${k} src`);
        assert.deepEqual(m.dst, { ip: ref[k].dst, port: ref[k].dstPort }, `${file} #${k} dst`);
      });
    }
    const tcp = read('tshark-x-tcp6.txt');
    assert.ok(tcp.messages.every((m) => m.transport === 'TCP' && m.src?.ip === '::1'));
    const sipp = read('sipp-ue1.log');
    assert.ok(sipp.messages.every((m) => m.transport === 'UDP'));
  });

  it('a message logged with its size keeps exactly that many bytes', () => {
    for (const file of ['sipp-ue1.log', 'asterisk-pjsip.txt', 'pjsua.txt', 'freeswitch-siptrace.txt', 'belle-sip.txt']) {
      const r = read(file);
      assert.deepEqual(r.findings.filter((f) => f.code === 'trace.length-mismatch'), [], file);
    }
    // The same bytes as the capture: the SIPp trace and the capture's follow-stream agree byte for byte.
    const a = read('sipp-ue1.log').messages.map((m) => Buffer.from(m.raw).toString('latin1'));
    const b = read('follow-udp.txt').messages.map((m) => Buffer.from(m.raw).toString('latin1'));
    assert.deepEqual(a, b);
  });

  it('belle-sip TCP chunks that split or join messages are reassembled', () => {
    const lines = fixtureLines('belle-sip.txt');
    const readLines = lines.flatMap((l, k) => (/received \[\d+\] new bytes/.test(l) ? [k + 1] : []));
    const r = read('belle-sip.txt');
    // One logged read holds two messages, and one message spans two reads.
    const joined = readLines.some((at, k) => r.messages.filter((m) => textSource(m).line > at && textSource(m).line < (readLines[k + 1] ?? Infinity)).length >= 2);
    const split = r.messages.some((m) => readLines.some((at) => at > textSource(m).line && at < textSource(m).endLine));
    assert.ok(joined, 'a read with two messages');
    assert.ok(split, 'a message across two reads');
    assert.deepEqual(r.messages.map((m) => m.callId), run2().map((x) => x.callId));
  });

  it('raw LF text (CRLF lost in an editor) still splits at each message and says what is off', () => {
    const r = read('raw-lf.txt');
    assert.ok(r.findings.some((f) => f.code === 'sip.content-length-mismatch'));
    for (const f of r.findings) assert.ok(f.source && 'line' in f.source && f.source.line >= 1);
  });
});
