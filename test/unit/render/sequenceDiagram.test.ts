// renderSequenceDiagram over real captures (SIPp on loopback, and the public corpus), with tshark as the oracle
// for what each arrow must say, plus hostile strings that must never become mermaid statements.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readCapture } from '../../../src/core/capture/readCapture';
import type { SipMessage } from '../../../src/core/model/sipMessage';
import { prepareDiagram, renderPreparedPage, renderSequenceDiagram, type MessageAnnotation } from '../../../src/core/render/sequenceDiagram';
import { copyMessage } from '../../../src/core/export/messageCopy';
import { corpusDir, repoRoot } from '../../support/paths';
import { hasTshark, tsharkFields } from '../../support/tshark';
import { HOSTILE_STRINGS } from './hostileStrings';
import { mermaidGrammarProblem } from '../../support/mermaidGrammar';

const replication = join(repoRoot, 'test/captures/replication-udp.pcap');
const cloudshark = join(corpusDir, 'pcap/suricata-verify__public-cloudshark-sip-s0.pcap');

function messagesOf(file: string): SipMessage[] {
  return readCapture([new Uint8Array(readFileSync(file))]).messages;
}

/** Mermaid's entity round trip, as the browser ends it. */
function decode(escaped: string): string {
  return escaped.replace(/#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)));
}

function assertOnlyKnownStatements(text: string): string[] {
  assert.equal(mermaidGrammarProblem(text), null);
  return text.slice(0, -1).split('\n');
}

function arrowLines(text: string): string[] {
  return text.split('\n').filter((l) => /^p\d+-{1,2}>>p\d+: /.test(l));
}

test('arrows follow the capture: one per SIP message, numbered in trace order, labelled like the spec (tshark as oracle)', () => {
  hasTshark();
  for (const file of [replication, cloudshark]) {
    const messages = messagesOf(file);
    const rows = tsharkFields(file, ['frame.time_epoch', 'ip.src', 'udp.srcport', 'ip.dst', 'udp.dstport', 'sip.Method', 'sip.Status-Code', 'sip.Status-Line'], { filter: 'sip' });
    assert.equal(messages.length, rows.length, file);
    const page = renderSequenceDiagram(messages);
    const lines = assertOnlyKnownStatements(page.text);
    const arrows = arrowLines(page.text);
    assert.equal(arrows.length, rows.length);
    assert.deepEqual(page.arrows, messages.map((m) => m.index));
    const t0 = Number(rows[0][0]);
    const idOf = new Map<string, string>();
    for (const l of lines) {
      const m = /^participant (p\d+) as (.*)$/.exec(l);
      if (m) for (const addr of decode(m[2]).split('<br/>')) idOf.set(addr, m[1]);
    }
    rows.forEach(([time, src, sport, dst, dport, method, status, statusLine], i) => {
      const title = method ? method : `${status} ${statusLine.split(' ').slice(2).join(' ')}`;
      const offset = Number(time) - t0;
      const expected = `${i + 1}. ${title} (+${offset.toFixed(3)}s)`;
      const [, from, arrow, to, label] = /^(p\d+)(-{1,2}>>)(p\d+): (.*)$/.exec(arrows[i])!;
      assert.equal(decode(label), expected, `${file} message ${i + 1}`);
      assert.equal(arrow, method ? '->>' : '-->>', 'requests solid, responses dotted');
      // Lifelines carry the transport address under the name (or as the name).
      const names = page.participants.map((p) => ({ id: p.id, keys: p.keys }));
      assert.ok(names.find((p) => p.id === from)?.keys.includes(`${src}:${sport}`), `${src}:${sport} is ${from}`);
      assert.ok(names.find((p) => p.id === to)?.keys.includes(`${dst}:${dport}`), `${dst}:${dport} is ${to}`);
    });
    // One lifeline per distinct transport address (no user names given).
    const addresses = new Set(rows.flatMap((r) => [`${r[1]}:${r[2]}`, `${r[3]}:${r[4]}`]));
    assert.equal(page.participants.length, addresses.size);
    assert.ok(idOf.size > 0);
  }
});

test('user agents are named after the party in From/To when their Contact points at their own address', () => {
  hasTshark();
  const messages = messagesOf(replication);
  const page = renderSequenceDiagram(messages);
  // tshark: the From of each request whose Contact host equals the sending IP names that sender.
  const rows = tsharkFields(replication, ['ip.src', 'udp.srcport', 'sip.from.user', 'sip.from.host', 'sip.contact.host'], { filter: 'sip.Method' });
  for (const [ip, port, user, host, contactHost] of rows) {
    if (contactHost !== ip || !user) continue;
    const p = page.participants.find((x) => x.keys.includes(`${ip}:${port}`))!;
    assert.equal(p.name, `${user}@${host}`);
    assert.equal(p.detail, `${ip}:${port}`);
  }
});

test('participants are aliased: no trace text is ever a mermaid identifier (mermaid#193)', () => {
  const page = renderSequenceDiagram(messagesOf(replication));
  for (const line of page.text.split('\n')) {
    if (line.startsWith('participant ')) assert.match(line, /^participant p\d+ as /);
  }
  assert.deepEqual(page.participants.map((p) => p.id), page.participants.map((_, i) => `p${i + 1}`));
});

test('user-set names rename lifelines, and addresses given one name merge into one lifeline', () => {
  const messages = messagesOf(replication);
  const plain = renderSequenceDiagram(messages);
  const [a, b, c] = plain.participants;
  const merged = renderSequenceDiagram(messages, { names: { [a.keys[0]]: 'Core', [b.keys[0]]: 'Core', [c.keys[0].split(':')[0]]: 'UE-2' } });
  assert.equal(merged.participants.length, 2);
  const core = merged.participants.find((p) => p.name === 'Core')!;
  assert.deepEqual(core.keys, [a.keys[0], b.keys[0]]);
  assert.equal(core.detail, `${a.keys[0]}, ${b.keys[0]}`);
  assert.equal(merged.participants.find((p) => p.name === 'UE-2')!.keys[0], c.keys[0], 'a bare IP names every port of it');
  assertOnlyKnownStatements(merged.text);
  // Messages between merged addresses become self-arrows; the arrow count does not change.
  assert.equal(arrowLines(merged.text).length, messages.length);
});

test('paging: at most pageSize arrows per page, the pages together draw every message once, the title says which page', () => {
  const messages = messagesOf(replication);
  const pageSize = 4;
  const first = renderSequenceDiagram(messages, { pageSize });
  assert.equal(first.pageCount, Math.ceil(messages.length / pageSize));
  const all: number[] = [];
  for (let page = 0; page < first.pageCount; page++) {
    const p = renderSequenceDiagram(messages, { pageSize, page });
    assertOnlyKnownStatements(p.text);
    assert.ok(p.arrows.length <= pageSize && p.arrows.length > 0);
    assert.equal(arrowLines(p.text).length, p.arrows.length);
    const title = decode(/^title (.*)$/m.exec(p.text)![1]);
    const from = page * pageSize + 1;
    assert.equal(title, `page ${page + 1} of ${first.pageCount}, messages ${from}–${from + p.arrows.length - 1} of ${messages.length}`);
    // Only lifelines this page uses are declared.
    const used = new Set(arrowLines(p.text).flatMap((l) => /^(p\d+)-{1,2}>>(p\d+)/.exec(l)!.slice(1, 3)));
    assert.deepEqual(new Set(p.participants.map((x) => x.id)), used);
    all.push(...p.arrows);
  }
  assert.deepEqual(all, messages.map((m) => m.index));
  // Out-of-range pages are clamped; a single page has no page title.
  assert.equal(renderSequenceDiagram(messages, { pageSize, page: 99 }).page, first.pageCount - 1);
  assert.equal(renderSequenceDiagram(messages, { pageSize, page: -3 }).page, 0);
  assert.doesNotMatch(renderSequenceDiagram(messages).text, /^title /m);
  assert.equal(renderSequenceDiagram(messages).pageSize, 300);
});

test('the filter hides 100 Trying and copies; hidden messages are counted, the rest keep their trace numbers', () => {
  hasTshark();
  const file = join(corpusDir, 'pcap/sngrep__aaa.pcap');
  const messages = messagesOf(file);
  const trying = tsharkFields(file, ['frame.number'], { filter: 'sip.Status-Code == 100' }).length;
  assert.ok(trying > 0);
  const page = renderSequenceDiagram(messages, { filter: { hideTrying: true } });
  assert.equal(page.hiddenMessages, trying);
  assert.equal(page.shownMessages, messages.length - trying);
  for (const index of page.arrows) assert.notEqual(messages[index].status, 100);
  for (const line of arrowLines(page.text)) assert.doesNotMatch(decode(line), /: \d+\. 100 /);
  const numbers = arrowLines(page.text).map((l) => Number(/: (\d+)\. /.exec(l)![1]));
  assert.deepEqual(numbers, page.arrows.map((i) => i + 1));
});

test('dialog bands: consecutive messages of one dialog share one rect, each dialog its own colour', () => {
  const messages = messagesOf(replication);
  const annotations = new Map<number, MessageAnnotation>(messages.map((m) => [m.index, { dialogId: m.callId ?? '' }]));
  const page = renderSequenceDiagram(messages, { annotations });
  const lines = assertOnlyKnownStatements(page.text);
  const callIds = messages.map((m) => m.callId);
  const runs = callIds.filter((id, i) => i === 0 || id !== callIds[i - 1]).length;
  assert.equal(lines.filter((l) => l.startsWith('rect ')).length, runs);
  const colourOf = new Map<string, string>();
  let current = '';
  for (const line of lines) {
    if (line.startsWith('rect ')) current = line;
    const m = /: (\d+)\. /.exec(line);
    if (m && /^p\d+-/.test(line)) {
      const id = messages[Number(m[1]) - 1].callId ?? '';
      if (colourOf.has(id)) assert.equal(colourOf.get(id), current, 'a dialog keeps its colour');
      colourOf.set(id, current);
    }
  }
  assert.equal(new Set(colourOf.values()).size, new Set(callIds).size, 'dialogs get distinct colours');
});

test('flow steps number the arrows, findings become notes beside their arrow, missing steps notes where they were due', () => {
  const messages = messagesOf(replication);
  const refer = messages.find((m) => m.method === 'REFER')!;
  const annotations = new Map<number, MessageAnnotation>([
    [refer.index, { step: '3', findings: [{ severity: 'error', text: 'Refer-To is missing' }, { severity: 'warning', text: 'no Referred-By' }] }],
  ]);
  const page = renderSequenceDiagram(messages, {
    annotations,
    missingSteps: [
      { afterMessageIndex: refer.index, text: 'step 10: 202 Accepted expected', from: refer.dst ? `${refer.dst.ip}:${refer.dst.port}` : undefined, to: refer.src ? `${refer.src.ip}:${refer.src.port}` : undefined },
      { afterMessageIndex: null, text: 'step 1: session expected first' },
    ],
  });
  const lines = assertOnlyKnownStatements(page.text);
  const at = lines.findIndex((l) => decode(l).includes(': 3. REFER'));
  assert.ok(at > 0);
  assert.equal(decode(lines[at + 1]).replace(/^Note over p\d+,p\d+: /, ''), '✖ Refer-To is missing | ⚠ no Referred-By');
  assert.match(decode(lines[at + 2]), /^Note over p\d+,p\d+: ✖ step 10: 202 Accepted expected$/);
  const firstArrow = lines.findIndex((l) => /^p\d+-/.test(l));
  const startNote = lines.findIndex((l) => decode(l).includes('step 1: session expected first'));
  assert.ok(startNote >= 0 && startNote < firstArrow, 'a step due before everything comes before the first arrow');
});

test('an empty trace still yields valid source; missing steps get a placeholder lifeline', () => {
  const empty = renderSequenceDiagram([]);
  assert.equal(empty.text, 'sequenceDiagram\n');
  assert.deepEqual(empty.arrows, []);
  const withSteps = renderSequenceDiagram([], { missingSteps: [{ afterMessageIndex: null, text: 'REFER expected' }] });
  const lines = assertOnlyKnownStatements(withSteps.text);
  assert.deepEqual(lines.slice(1), ['participant p0 as (no messages)', 'Note over p0: #10006; REFER expected']);
});

test('hostile strings in every text slot never add or change a statement, and read back exactly (clipped)', () => {
  const messages = messagesOf(replication);
  for (const s of HOSTILE_STRINGS) {
    // copyMessage keeps a captured message's lazily rebuilt headers (a spread would drop the getter).
    const hostile = messages.map((m) => (m.kind === 'response' ? copyMessage(m, { reason: s }) : m));
    const first = messages[0];
    const names: Record<string, string> = {};
    if (first.src) names[`${first.src.ip}:${first.src.port}`] = s || 'x';
    const annotations = new Map<number, MessageAnnotation>(messages.map((m) => [m.index, { step: s || '1', dialogId: s, findings: [{ severity: 'info', text: s }] }]));
    const page = renderSequenceDiagram(hostile, {
      names, annotations, title: s, groups: [{ name: s || 'g', members: [s || 'x'] }],
      missingSteps: [{ afterMessageIndex: 0, text: s, from: s, to: s }],
    });
    const lines = assertOnlyKnownStatements(page.text);
    // Statement count is fixed by the trace, not by its text.
    const arrows = messages.length;
    const notes = messages.length + 1;
    const rects = 2; // one band per dialog id: every message has the same one
    assert.equal(lines.filter((l) => /^p\d+-/.test(l)).length, arrows, JSON.stringify(s));
    assert.equal(lines.filter((l) => l.startsWith('Note ')).length, notes, JSON.stringify(s));
    assert.equal(lines.filter((l) => l === 'end').length, rects, JSON.stringify(s));
    const response = lines.find((l) => /^p\d+-->>/.test(l))!;
    const label = decode(response.replace(/^p\d+-->>p\d+: /, ''));
    const cleaned = s.replace(/[\t\r\n]/g, ' ');
    if (s) assert.ok(label.includes(cleaned.slice(0, 40).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g, '\ufffd').replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd')), `${JSON.stringify(s)} → ${JSON.stringify(label)}`);
  }
});

test('pages of one prepared diagram are the pages renderSequenceDiagram draws, in any order', () => {
  const messages = readCapture([new Uint8Array(readFileSync(join(repoRoot, 'test/captures/index/load-udp-lost.pcapng')))]).messages;
  const options = { pageSize: 97, names: { '127.0.7.1:27060': 'UAS' }, filter: { hideTrying: true } };
  const prepared = prepareDiagram(messages, options);
  const pageCount = renderSequenceDiagram(messages, options).pageCount;
  assert.ok(pageCount > 3);
  for (const page of [pageCount - 1, 0, 2, 1, pageCount + 5]) {
    assert.deepEqual(renderPreparedPage(prepared, page), renderSequenceDiagram(messages, { ...options, page }), `page ${page}`);
  }
});
