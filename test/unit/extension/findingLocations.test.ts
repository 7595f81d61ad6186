// Where diagnostics land (src/extension/findingLocations.ts, decodedDocument.ts): checker findings on the offending
// header of a real text trace (tshark -V of a negative capture) and of a capture's decoded view; spec links; hovers.
// Expected lines are found in the fixture's own text and frames come from test/captures/negative/expected.json.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TraceStore } from '../../../src/extension/traceStore';
import type { AnalyseOptions, TraceAnalysis } from '../../../src/extension/traceWorkerProtocol';
import { placeFindings, severityAtLeast, textTraceLayout } from '../../../src/extension/findingLocations';
import { buildDecodedDocument, decodedLayout } from '../../../src/extension/decodedDocument';
import { firstSpecReference } from '../../../src/extension/specReference';
import { describeToken } from '../../../src/extension/traceHover';
import { verdictOf } from '../../../src/extension/traceVerdict';
import { repoRoot } from '../../support/paths';

const defaults: AnalyseOptions = { flowIds: [], userFlows: [], correlationHeaders: [] };
const TEXT_TRACE = join(repoRoot, 'test/e2e/fixtures/referred-by-mismatch.sip');
const CAPTURE = join(repoRoot, 'test/captures/negative/referred-by-mismatch.pcap');

function lineSource(text: string) {
  const lines = text.split('\n');
  return { lineCount: lines.length, lineAt: (line: number) => lines[line] ?? '', lines };
}

function analyseText(text: string, options = defaults): TraceAnalysis {
  const store = new TraceStore();
  store.openText('t', 'referred-by-mismatch.sip', text);
  return store.analyse('t', options);
}

test('text trace: flow.referred-by-mismatch sits on the INVITE\'s own Referred-By line, with its RFC link', () => {
  const text = readFileSync(TEXT_TRACE, 'utf8');
  const doc = lineSource(text);
  // The fixture's two Referred-By lines: the REFER's (user1) and the replicated INVITE's (user4).
  const referLine = doc.lines.findIndex((l) => l.trim() === 'Referred-By: <sip:user1@home1.net>');
  const inviteLine = doc.lines.findIndex((l) => l.trim() === 'Referred-By: <sip:user4@home1.net>');
  assert.ok(referLine > 0 && inviteLine > referLine);

  const analysis = analyseText(text);
  const specs = placeFindings(analysis, textTraceLayout(analysis.messages, doc), 'info');
  const mismatch = specs.filter((s) => s.code === 'flow.referred-by-mismatch');
  assert.equal(mismatch.length, 1);
  const [d] = mismatch;
  assert.equal(d.severity, 'error');
  assert.equal(d.range.line, inviteLine);
  assert.equal(d.range.character, doc.lines[inviteLine].indexOf('Referred-By'));
  assert.equal(d.range.endCharacter, doc.lines[inviteLine].trimEnd().length);
  assert.equal(d.target, 'https://www.rfc-editor.org/rfc/rfc3892#section-3');
  // Related messages other than the one the diagnostic sits on, each at its start line.
  for (const r of d.related) assert.match(doc.lines[r.range.line], /(Request|Status)-Line: /);

  // Nothing else is an error; the minimum severity filters.
  assert.deepEqual(specs.filter((s) => s.severity === 'error').map((s) => s.code), ['flow.referred-by-mismatch']);
  assert.ok(placeFindings(analysis, textTraceLayout(analysis.messages, doc), 'error').every((s) => severityAtLeast(s.severity, 'error')));
});

test('capture: the same finding sits on the Referred-By line below frame 6 in the decoded view', () => {
  const expected = JSON.parse(readFileSync(join(repoRoot, 'test/captures/negative/expected.json'), 'utf8')) as {
    captures: { file: string; findings: { code: string; frames: number[] }[] }[];
  };
  const frames = expected.captures.find((c) => c.file === 'referred-by-mismatch.pcap')!.findings[0].frames;
  const inviteFrame = frames[frames.length - 1];
  const store = new TraceStore();
  store.openCapture('c', 'referred-by-mismatch.pcap', new Uint8Array(readFileSync(CAPTURE)), () => undefined);
  const analysis = store.analyse('c', defaults);
  const decoded = buildDecodedDocument('decoded', analysis.messages.map((summary) => ({ summary, text: store.details('c', summary.index)?.text ?? null })));
  const layout = decodedLayout(decoded);
  const doc = lineSource(decoded.text);
  // One frame line per message, each above that message's start line.
  assert.equal(doc.lines.filter((l) => l.startsWith('=== Frame ')).length, analysis.messages.length);

  const [d] = placeFindings(analysis, layout, 'warning').filter((s) => s.code === 'flow.referred-by-mismatch');
  assert.ok(d);
  assert.equal(doc.lines[d.range.line], 'Referred-By: <sip:user4@home1.net>');
  // The nearest frame line above it names the INVITE's frame.
  let above = d.range.line;
  while (!doc.lines[above].startsWith('=== Frame ')) above--;
  assert.match(doc.lines[above], new RegExp(`^=== Frame ${inviteFrame} · .* · INVITE`));
  assert.equal(doc.lines[above + 1], 'INVITE sip:user3@home2.net SIP/2.0');
});

test('capture: flow.out-of-order sits on the NOTIFY at its frame; the other messages are related, at their frames', () => {
  const expected = JSON.parse(readFileSync(join(repoRoot, 'test/captures/negative/expected.json'), 'utf8')) as {
    captures: { file: string; findings: { code: string; frames: number[] }[] }[];
  };
  const notifyFrame = expected.captures.find((c) => c.file === 'out-of-order.pcap')!.findings[0].frames[0];
  const store = new TraceStore();
  store.openCapture('c', 'out-of-order.pcap', new Uint8Array(readFileSync(join(repoRoot, 'test/captures/negative/out-of-order.pcap'))), () => undefined);
  const analysis = store.analyse('c', defaults);
  const decoded = buildDecodedDocument('decoded', analysis.messages.map((summary) => ({ summary, text: store.details('c', summary.index)?.text ?? null })));
  const doc = lineSource(decoded.text);
  const finding = analysis.findings.find((f) => f.code === 'flow.out-of-order')!;
  const [d] = placeFindings({ ...analysis, findings: [finding] }, decodedLayout(decoded), 'info');
  assert.match(doc.lines[d.range.line - 1], new RegExp(`^=== Frame ${notifyFrame} · .* · NOTIFY ===$`));
  assert.match(doc.lines[d.range.line], /^NOTIFY sip:/);
  const others = finding.related.filter((r) => r.index !== d.messageIndex);
  assert.ok(others.length >= 1);
  assert.equal(d.related.length, others.length);
  others.forEach((r, i) => {
    const frame = (r.source as { frame: number }).frame;
    assert.match(doc.lines[d.related[i].range.line - 1], new RegExp(`^=== Frame ${frame} · `));
    assert.match(d.related[i].message, new RegExp(`^frame ${frame}: `));
  });
});

test('a parser finding keeps its own line and column', () => {
  // The trace with the first INVITE's CSeq number removed: the parser flags the CSeq line.
  const seed = readFileSync(join(repoRoot, 'test/e2e/fixtures/referred-by-mismatch.sip'), 'utf8');
  const broken = seed.replace(/(\n\s*)CSeq: 1 INVITE\r?\n/, '$1CSeq: INVITE\n');
  assert.notEqual(broken, seed);
  const doc = lineSource(broken);
  const analysis = analyseText(broken);
  const parser = analysis.findings.filter((f) => f.source && 'line' in f.source && f.source.column !== undefined);
  assert.ok(parser.length >= 1, JSON.stringify(analysis.findings.map((f) => f.code)));
  for (const f of parser) {
    const [spec] = placeFindings({ ...analysis, findings: [f] }, textTraceLayout(analysis.messages, doc), 'info');
    const source = f.source as { line: number; column: number };
    assert.equal(spec.range.line, source.line - 1);
    assert.equal(spec.range.character, Math.min(source.column, doc.lines[source.line - 1].length));
  }
});

test('spec references: RFC sections become rfc-editor anchors, 3GPP specs their 3gpp.org page', () => {
  assert.deepEqual(firstSpecReference('expected … (RFC 3515 §2.4.5 (the body …))'), { label: 'RFC 3515 §2.4.5', url: 'https://www.rfc-editor.org/rfc/rfc3515#section-2.4.5' });
  assert.deepEqual(firstSpecReference('see 3GPP TS 24.337 A.13.3 steps 27-31 and RFC 3261'), { label: '3GPP TS 24.337', url: 'https://www.3gpp.org/DynaReport/24337.htm' });
  assert.equal(firstSpecReference('RFC 3261')?.url, 'https://www.rfc-editor.org/rfc/rfc3261');
  assert.equal(firstSpecReference('no citation here'), null);
});

test('hover: a Call-ID and a tag name their dialog, a branch its transaction', () => {
  const text = readFileSync(TEXT_TRACE, 'utf8');
  const analysis = analyseText(text);
  // Values as the trace writes them (the README of test/captures/negative lists the REFER's Call-ID and tag).
  const refer = describeToken('neg-ue1-2@home1.net', analysis);
  assert.ok(refer);
  assert.match(refer, /\*\*SIP dialog\*\* .*\(Call-ID\)/);
  assert.match(refer, /REFER/);
  assert.match(describeToken('171828', analysis) ?? '', /\*\*SIP dialog\*\* .*\(local tag\)/);
  const branch = /branch=(z9hG4bK[^;\s]+)/.exec(text)![1];
  assert.match(describeToken(branch, analysis) ?? '', /\*\*SIP transaction\*\* INVITE/);
  assert.equal(describeToken('nothing-like-this', analysis), null);
});

test('every negative capture: verdict as expected.json says, and no finding is dropped from the decoded view', () => {
  const expected = JSON.parse(readFileSync(join(repoRoot, 'test/captures/negative/expected.json'), 'utf8')) as {
    captures: { file: string; verdict: 'pass' | 'fail'; findings: { code: string }[] }[];
  };
  for (const c of expected.captures) {
    const store = new TraceStore();
    store.openCapture('c', c.file, new Uint8Array(readFileSync(join(repoRoot, 'test/captures/negative', c.file))), () => undefined);
    const analysis = store.analyse('c', defaults);
    const v = verdictOf(analysis, 'info');
    assert.equal(v.verdict, c.verdict, c.file);
    const decoded = buildDecodedDocument(c.file, analysis.messages.map((summary) => ({ summary, text: store.details('c', summary.index)?.text ?? null })));
    const specs = placeFindings(analysis, decodedLayout(decoded), 'info');
    assert.equal(specs.length, analysis.findings.length, c.file);
    for (const f of c.findings) assert.ok(specs.some((s) => s.code === f.code && s.severity === 'error'), `${c.file}: ${f.code}`);
    // Only what is at least a warning passes a 'warning' minimum.
    assert.equal(placeFindings(analysis, decodedLayout(decoded), 'warning').length, analysis.findings.filter((f) => f.severity !== 'info').length);
  }
});

test('two UE logs merged in the worker (openMerged): one trace, the 2.5 s clock skew reported (faketime in make-fixtures.sh)', () => {
  const read = (f: string) => ({ fileName: f, text: readFileSync(join(repoRoot, 'test/fixtures/traces', f), 'utf8') });
  const store = new TraceStore();
  const opened = store.openMerged('m', [read('sipp-ue1.log'), read('sipp-ue2.log')]);
  assert.equal(opened.info.fileName, 'sipp-ue1.log + sipp-ue2.log');
  const analysis = store.analyse('m', defaults);
  const skew = analysis.findings.filter((f) => f.code === 'trace.clock-skew');
  assert.equal(skew.length, 1);
  assert.match(skew[0].message, /"sipp-ue2\.log" runs 2\.\d{3} s ahead of "sipp-ue1\.log"/);
  // Every message of both logs is listed; UE-2's copies point at UE-1's.
  const count = (f: string) => (readFileSync(join(repoRoot, 'test/fixtures/traces', f), 'utf8').match(/^(UDP|TCP) message (sent|received)/gm) ?? []).length;
  assert.equal(analysis.messages.length, count('sipp-ue1.log') + count('sipp-ue2.log'));
  assert.equal(analysis.messages.filter((m) => m.copyOf !== null).length, count('sipp-ue2.log'));
});
