// What the diagram draws (src/extension/diagramView.ts through TraceStore.render/search and the worker's exports):
// intermediate entities in a box, the end-to-end view, the flow-instance view with its verdict, the dialog search,
// "Show in Call Flow" paging, and the text exports. Expected facts come from tshark and expected.json.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TraceStore } from '../../../src/extension/traceStore';
import { exportDiagram } from '../../../src/extension/diagramExport';
import { createPacketExtractor } from '../../../src/core/export/pcapExport';
import { INTERMEDIATE_GROUP } from '../../../src/extension/diagramView';
import type { RenderRequestOptions } from '../../../src/extension/traceWorkerProtocol';
import { repoRoot } from '../../support/paths';
import { hasTshark, tsharkFields } from '../../support/tshark';

const kamailio = join(repoRoot, 'test/captures/replication-kamailio.pcap');
const stepMissing = join(repoRoot, 'test/captures/negative/step-missing.pcap');
const base: RenderRequestOptions = { page: 0, pageSize: 300, filter: {}, names: {}, showTimeOffsets: false };

function open(file: string): TraceStore {
  const store = new TraceStore();
  store.openCapture('t', file.slice(file.lastIndexOf('/') + 1), new Uint8Array(readFileSync(file)), () => undefined);
  return store;
}

/** The proxy: the sent-by of the top Via that a forwarded request carries above the UA's own (tshark's reading). */
function proxyOf(file: string): { address: string; ip: string } {
  const vias = tsharkFields(file, ['sip.Via'], { filter: 'sip.Method' }).map(([v]) => v.split('\u0001'));
  const forwarded = vias.find((v) => v.length === 2)!;
  const address = /SIP\/2\.0\/\w+ ([^;]+)/.exec(forwarded[0])![1];
  return { address, ip: address.slice(0, address.lastIndexOf(':')) };
}

test('per hop: the proxy kamailio ran is the only lifeline in the "Intermediate IM CN subsystem entities" box', () => {
  hasTshark();
  const proxy = proxyOf(kamailio);
  const d = open(kamailio).render('t', base);
  const rows = tsharkFields(kamailio, ['frame.number'], { filter: 'sip' });
  assert.equal(d.arrows.length, rows.length);
  const lines = d.text.split('\n');
  const box = lines.indexOf(`box transparent ${INTERMEDIATE_GROUP}`);
  assert.ok(box > 0, d.text);
  assert.equal(lines[box + 2], 'end');
  const inBox = d.participants.find((p) => lines[box + 1].startsWith(`participant ${p.id} as`))!;
  assert.deepEqual(inBox.keys, [proxy.address]);
});

test('end-to-end: one arrow per message a UA sent, none to or from the proxy', () => {
  hasTshark();
  const proxy = proxyOf(kamailio);
  const fromUas = tsharkFields(kamailio, ['ip.src'], { filter: 'sip' }).filter(([src]) => src !== proxy.ip).length;
  const d = open(kamailio).render('t', { ...base, selection: { flow: null, callIds: [], hops: false } });
  assert.equal(d.arrows.length, fromUas);
  assert.equal(d.selection.hops, false);
  assert.ok(d.participants.every((p) => !p.keys.includes(proxy.address)));
  assert.ok(!d.text.includes('box '), 'no relay is drawn, so no box');
});

test('a failing instance: verdict FAIL with its finding count; chosen, its arrows are numbered 1, 2, 3 and the missing step is noted', () => {
  const facts = (JSON.parse(readFileSync(join(repoRoot, 'test/captures/negative/expected.json'), 'utf8')) as { flow: string; captures: { file: string; verdict: string; findings: { code: string; step: string }[] }[] })
    .captures.find((c) => c.file === 'step-missing.pcap')!;
  const store = open(stepMissing);
  const whole = store.render('t', base);
  const verdict = whole.verdicts.find((v) => v.flow === '3gpp-replication-push')!;
  assert.equal(verdict.verdict, facts.verdict);
  assert.equal(verdict.findings, facts.findings.length);
  // The whole-trace view already marks the failed instance's missing step.
  assert.match(whole.text, new RegExp(`Note over [^\\n]*missing step ${facts.findings[0].step}`));

  const chosen = store.render('t', { ...base, selection: { flow: verdict.ref, callIds: [], hops: true } });
  assert.equal(chosen.selection.flow, verdict.ref);
  assert.match(chosen.title, /#1: FAIL$/);
  assert.ok(chosen.text.split('\n')[1].startsWith('title '));
  const numbers = chosen.text.split('\n').filter((l) => /->>|-->>/.test(l)).map((l) => Number(/: (\d+)\. /.exec(l)![1]));
  assert.deepEqual(numbers, numbers.map((_, i) => i + 1));
  assert.match(chosen.text, new RegExp(`Note over [^\\n]*${facts.findings[0].step}`));
});

test('search: by Call-ID, user, method; the picks select what they name', () => {
  hasTshark();
  const store = open(stepMissing);
  const callIds = [...new Set(tsharkFields(stepMissing, ['sip.Call-ID'], { filter: 'sip' }).map(([c]) => c))];
  for (const callId of callIds) {
    const found = store.search('t', { query: callId.slice(0, 9), limit: 50 });
    assert.ok(found.picks.some((p) => p.kind === 'dialog' && p.selection.callIds[0] === callId), callId);
  }
  const refer = store.search('t', { query: 'refer 202', limit: 50 });
  assert.ok(refer.picks.length >= 1 && refer.picks.every((p) => p.kind !== 'dialog' || p.detail.includes('REFER')));
  const instance = store.search('t', { query: 'fail user3', limit: 50 }).picks.find((p) => p.kind === 'instance');
  assert.equal(instance?.selection.flow, '3gpp-replication-push#1');
  assert.deepEqual(store.search('t', { query: 'no-such-thing-anywhere', limit: 50 }), { picks: [], total: 0, problem: null });
  // One dialog drawn: exactly its messages.
  const one = store.render('t', { ...base, selection: { flow: null, callIds: [callIds[0]], hops: true } });
  const expected = tsharkFields(stepMissing, ['sip.Call-ID'], { filter: 'sip' }).filter(([c]) => c === callIds[0]).length;
  assert.equal(one.arrows.length, expected);
});

test('search by time range: the dialogs whose messages overlap it, as tshark times them', () => {
  hasTshark();
  // SIPp load: 200 calls in 2 s, so a range of a few hundred milliseconds holds some calls and cuts through others.
  const load = join(repoRoot, 'test/captures/index/load-udp.pcap');
  const store = open(load);
  const spans = new Map<string, [number, number]>();
  let start = Infinity;
  for (const [t, callId] of tsharkFields(load, ['frame.time_epoch', 'sip.Call-ID'], { filter: 'sip' })) {
    const time = Number(t);
    start = Math.min(start, time);
    const span = spans.get(callId);
    spans.set(callId, span ? [Math.min(span[0], time), Math.max(span[1], time)] : [time, time]);
  }
  const expected = (from: number, to: number) => [...spans].filter(([, [a, b]]) => a <= to && b >= from).map(([c]) => c).sort();
  const found = (query: string) => {
    const result = store.search('t', { query, limit: 1000 });
    assert.equal(result.problem, null, query);
    const callIds = result.picks.filter((p) => p.kind === 'dialog').map((p) => p.selection.callIds[0]).sort();
    return callIds;
  };
  // Seconds from the trace start, as the diagram's time offsets show them (microsecond timestamps: compare to 1 µs).
  const offsets = expected(start + 0.5 - 1e-6, start + 0.8 + 1e-6);
  assert.ok(offsets.length > 10 && offsets.length < spans.size, `${offsets.length} of ${spans.size} calls`);
  assert.deepEqual(found('time:+0.5..+0.8'), offsets);
  assert.deepEqual(found('time:+0.5-+0.8'), offsets);
  // A time of day in UTC, written to the second: the whole second.
  const second = Math.floor(start) + 1;
  const clock = new Date(second * 1000).toISOString().slice(11, 19);
  assert.deepEqual(found(`time:${clock}`), expected(second, second + 1 - 1e-9));
  assert.deepEqual(found(`time:${clock}..`), expected(second, Infinity));
  assert.deepEqual(found(`time:..${clock}`), expected(-Infinity, second + 1 - 1e-9));
  // Words and the range together: every word must match too.
  const withWord = store.search('t', { query: `time:+0.5..+0.8 ${offsets[0].slice(0, 12)}`, limit: 1000 }).picks;
  assert.ok(withWord.length >= 1 && withWord.every((p) => p.kind !== 'dialog' || offsets.includes(p.selection.callIds[0])));
  // Each pick says when its call starts, as a time of day and as an offset.
  const pick = store.search('t', { query: offsets[0], limit: 5 }).picks.find((p) => p.kind === 'dialog')!;
  const [a] = spans.get(offsets[0])!;
  assert.ok(pick.detail.startsWith(`${new Date(a * 1000).toISOString().slice(11, 23)} UTC (+${(a - start).toFixed(3)} s)`), pick.detail);
  // A range it cannot read is said, not silently ignored.
  const bad = store.search('t', { query: 'time:noon..later', limit: 5 });
  assert.equal(bad.total, 0);
  assert.match(bad.problem ?? '', /"time:noon\.\.later" is not a time range/);
});

test('Show in Call Flow: the page holding the message; a message the selection hides brings back the whole trace', () => {
  const store = open(kamailio);
  const paged = store.render('t', { ...base, pageSize: 10, focusMessage: 25 });
  assert.equal(paged.page, 2);
  assert.equal(paged.focusMessage, 25);
  assert.ok(paged.arrows.includes(25));
  assert.ok(paged.notices.some((n) => n.includes('sipTrail.diagram.pageSize')), 'paging is said, never silent');
  const first = store.render('t', base);
  const otherCall = first.arrows.map((i) => i).find((i) => i > 20)!;
  const narrowed = store.render('t', { ...base, selection: { flow: null, callIds: ['replication-ue1-1@home1.net'], hops: true }, focusMessage: otherCall });
  assert.equal(narrowed.focusMessage, otherCall);
  assert.equal(narrowed.selection.callIds.length, 0);
  assert.ok(narrowed.notices.some((n) => n.includes('whole trace')));
});

test('exports from the worker: Mermaid, Markdown and PlantUML of the selection name every lifeline', () => {
  const store = open(kamailio);
  const shown = store.render('t', base);
  for (const format of ['mermaid', 'markdown', 'plantuml', 'report'] as const) {
    const out = exportDiagram(store, 't', { format, selection: { flow: null, callIds: [], hops: true }, filter: {}, names: {}, showTimeOffsets: false });
    assert.ok(out.text, format);
    for (const p of shown.participants) assert.ok(out.text.includes(p.keys[0].split(':')[0]), `${format}: ${p.keys[0]}`);
  }
  const mermaid = exportDiagram(store, 't', { format: 'mermaid', selection: { flow: null, callIds: [], hops: true }, filter: {}, names: {}, showTimeOffsets: false });
  assert.equal(mermaid.text, shown.text, 'the Mermaid export is the diagram on screen');
});

test('pcap export of one dialog: the frames tshark sees for that Call-ID, copied out byte for byte', () => {
  hasTshark();
  const store = open(kamailio);
  const rows = tsharkFields(kamailio, ['frame.number', 'sip.Call-ID'], { filter: 'sip' });
  const callId = rows[0][1];
  const out = exportDiagram(store, 't', { format: 'pcap', selection: { flow: null, callIds: [callId], hops: false }, filter: { hideTrying: true }, names: {}, showTimeOffsets: false });
  // Every hop and the 100 Trying stay in the capture: the filter and the end-to-end view only change the drawing.
  assert.deepEqual(out.frames, rows.filter(([, c]) => c === callId).map(([f]) => Number(f)));
  const extractor = createPacketExtractor(out.frames!);
  extractor.push(new Uint8Array(readFileSync(kamailio)));
  const extract = extractor.end();
  assert.deepEqual(extract.findings.filter((f) => f.severity === 'error'), []);
  const file = join(mkdtempSync(join(tmpdir(), 'siptrail-pcap-')), 'one.pcap');
  writeFileSync(file, Buffer.concat(extract.pieces));
  assert.deepEqual(tsharkFields(file, ['sip.Call-ID'], { filter: 'sip' }).map(([c]) => c), out.frames!.map(() => callId));
});
