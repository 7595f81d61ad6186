// The text exports (selection, PlantUML, Markdown, report, splitting) of the replication flow, checked against
// tshark, against PlantUML itself (Debian's `plantuml`: `-syntax` and an SVG render read back) and against a
// CommonMark/GFM parser (markdown-it), with hostile strings in every text slot.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { buildDiagramModel, mermaidSource, type MessageAnnotation } from '../../../src/core/render/sequenceDiagram';
import { buildDiagramParts, MERMAID_MAX_TEXT_SIZE } from '../../../src/core/export/diagramParts';
import { plantUmlExport, plantUmlSource } from '../../../src/core/export/plantumlDiagram';
import { escapePlantUmlText } from '../../../src/core/export/plantumlText';
import { markdownExport, markdownReport } from '../../../src/core/export/markdownExport';
import { escapeMarkdownText } from '../../../src/core/export/markdownText';
import { formatEndpoint } from '../../../src/core/model/packet';
import { copyMessage } from '../../../src/core/export/messageCopy';
import { hasTshark, tsharkFields } from '../../support/tshark';
import { HOSTILE_STRINGS } from '../render/hostileStrings';
import {
  decodeMermaid, decodePlantUml, kamailioCapture, readMessages, REPLICATION_FLOW, replicationCapture, shownText, viewOf, viewOfMessages,
} from './support';

function titleOf(method: string, status: string, statusLine: string): string {
  return method ? method : `${status} ${statusLine.split(' ').slice(2).join(' ')}`;
}

test('a flow instance: its messages without 100 Trying and provisional NOTIFYs, numbered 1… like the spec figure, verdict in the title (tshark as oracle)', () => {
  hasTshark();
  const view = viewOf(replicationCapture, { flow: REPLICATION_FLOW });
  assert.deepEqual(view.problems, []);
  assert.equal(view.instance?.verdict, 'pass');
  assert.match(view.title, /^3gpp-replication-push #1: PASS$/);
  const rows = tsharkFields(replicationCapture, ['frame.number', 'sip.Method', 'sip.Status-Code', 'sip.Status-Line'], { filter: 'sip' });
  const byFrame = new Map(rows.map((r) => [Number(r[0]), r]));
  // TS 24.337 A.13.3 after the session set-up: REFER, 202, INVITE, 200, ACK, NOTIFY, 200 (100 Trying not shown).
  const titles = view.messages.map((m) => {
    const r = byFrame.get('frame' in m.source ? m.source.frame : -1)!;
    return titleOf(r[1], r[2], r[3]);
  });
  assert.deepEqual(titles.slice(-7), ['REFER', '202 Accepted', 'INVITE', '200 OK', 'ACK', 'NOTIFY', '200 OK']);
  assert.ok(!titles.some((t) => t.startsWith('100 ')));
  assert.deepEqual(view.messages.map((m) => view.annotations.get(m.index)?.step), view.messages.map((_, i) => String(i + 1)));
  const page = buildDiagramParts(view).parts[0];
  const labels = page.model.statements.flatMap((s) => (s.kind === 'arrow' ? [s.label] : []));
  labels.forEach((l, i) => assert.ok(l.startsWith(`${i + 1}. ${titles[i]} (`), l));
});

test('dialog selection draws exactly that Call-ID (tshark filter as oracle); unknown flows, instances and Call-IDs are problems, not throws', () => {
  hasTshark();
  const callId = readMessages(replicationCapture).messages.find((m) => m.method === 'INVITE' && m.src?.port === 15002)!.callId!;
  const view = viewOf(replicationCapture, { dialogs: [callId] });
  const frames = tsharkFields(replicationCapture, ['frame.number'], { filter: `sip.Call-ID == "${callId}" && !(sip.Status-Code == 100)` }).map((r) => Number(r[0]));
  assert.deepEqual(view.messages.map((m) => ('frame' in m.source ? m.source.frame : -1)), frames);
  assert.equal(viewOf(replicationCapture, { dialogs: ['no-such-call'] }).problems[0].code, 'export.unknown-dialog');
  assert.equal(viewOf(replicationCapture, { flow: 'no-such-flow' }).problems[0].code, 'export.unknown-flow');
  assert.equal(viewOf(replicationCapture, { flow: `${REPLICATION_FLOW}#7` }).problems[0].code, 'export.flow-not-found');
  assert.equal(viewOf(replicationCapture, { dialogs: ['no-such-call'] }).messages.length, 0);
});

test('end-to-end view collapses proxy hops into one arrow from first sender to last receiver; --hops draws every hop', () => {
  hasTshark();
  // The proxy is whoever forwards requests: a request it sends carries two Via headers (RFC 3261 §16.6 step 8).
  const forwarded = tsharkFields(kamailioCapture, ['ip.src', 'udp.srcport', 'sip.Via'], { filter: 'sip.Method' }).filter((r) => r[2].split('\u0001').length >= 2);
  const proxy = `${forwarded[0][0]}:${forwarded[0][1]}`;
  const hops = viewOf(kamailioCapture, { hops: true });
  const e2e = viewOf(kamailioCapture, {});
  const ends = (v: typeof hops) => new Set(v.messages.flatMap((m) => [formatEndpoint(m.src!), formatEndpoint(m.dst!)]));
  assert.ok(ends(hops).has(proxy));
  assert.ok(!ends(e2e).has(proxy), `end-to-end view still shows ${proxy}`);
  assert.equal(hops.messages.length, 2 * e2e.messages.length);
  const sipFrames = tsharkFields(kamailioCapture, ['frame.number'], { filter: 'sip && !(sip.Status-Code == 100)' }).length;
  assert.ok(hops.messages.length < sipFrames, 'provisional NOTIFYs are hidden');
});

/**
 * The PlantUML grammar the exporter writes, one rule per statement (PlantUML Language Reference Guide, sequence
 * diagrams): T is a text slot, which may hold letters, digits, ` .,()?=+;@`, `-` `/` `:` never doubled, and
 * `<U+XXXX>` references — nothing the preprocessor (`!`, `%`, `$`), the grammar (`"`, `#`, `@start`/`@end` at a line
 * start) or Creole (`**`, `--`, `//`, `__`, `~`, `<tag>`, `\n`, `'`) reads as syntax.
 */
const T = String.raw`(?:[A-Za-z0-9 .,()?=+;@:/-]|<U\+[0-9A-F]{4,6}>)*`;
const PLANTUML_STATEMENTS = [
  /^@startuml$/, /^@enduml$/,
  new RegExp(`^title ${T}$`),
  new RegExp(`^participant "${T}(?:\\\\n${T})?" as p\\d+$`),
  new RegExp(`^box "${T}"$`), /^end box$/,
  new RegExp(`^group dialog ${T}$`), /^end$/,
  new RegExp(`^p\\d+ -{1,2}> p\\d+ : ${T}$`),
  new RegExp(`^note over p\\d+(?:, p\\d+)? : ${T}$`),
];

function assertPlantUmlGrammar(source: string): string[] {
  assert.ok(source.endsWith('\n'));
  const lines = source.slice(0, -1).split('\n');
  assert.equal(lines[0], '@startuml');
  assert.equal(lines[lines.length - 1], '@enduml');
  assert.equal(lines.filter((l) => l.startsWith('@')).length, 2);
  for (const line of lines) {
    assert.ok(PLANTUML_STATEMENTS.some((re) => re.test(line)), `unexpected PlantUML statement: ${JSON.stringify(line)}`);
    const text = line.replace(/<U\+[0-9A-F]{4,6}>/g, '\u0001');
    assert.ok(!/--(?!>)|\/\/|::/.test(text.replace(/^p\d+ --> /, '')), `doubled markup character in ${JSON.stringify(line)}`);
  }
  let depth = 0;
  for (const l of lines) {
    if (l.startsWith('group ') || l.startsWith('box ')) depth++;
    else if (l === 'end' || l === 'end box') assert.ok(--depth >= 0);
  }
  assert.equal(depth, 0);
  return lines;
}

function plantumlAvailable(): boolean {
  try {
    execFileSync('plantuml', ['-version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** PlantUML's own parser (Debian package plantuml): the diagram type and participant count it reports. */
function plantumlSyntax(source: string): string {
  return execFileSync('plantuml', ['-syntax'], { input: source, encoding: 'utf8', timeout: 120_000 });
}

/** Text drawn by PlantUML, in document order. */
function plantumlTexts(source: string): string[] {
  const svg = execFileSync('plantuml', ['-tsvg', '-pipe', '-charset', 'UTF-8'], { input: source, encoding: 'utf8', timeout: 120_000 });
  const out: string[] = [];
  for (const m of svg.matchAll(/<text\b[^>]*>([^<]*)<\/text>/g)) {
    out.push(m[1].replace(/&(#x?[0-9a-fA-F]+|lt|gt|amp|quot|apos);/g, (_, e: string) => {
      if (e.startsWith('#x')) return String.fromCodePoint(parseInt(e.slice(2), 16));
      if (e.startsWith('#')) return String.fromCodePoint(Number(e.slice(1)));
      return ({ lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" } as Record<string, string>)[e];
    }));
  }
  return out;
}

const PLANTUML_SKIP = plantumlAvailable() ? false : 'plantuml is not installed (Debian package plantuml)';

test('PlantUML: the replication flow follows the documented grammar, PlantUML parses it as a sequence diagram and draws every lifeline and label', { skip: PLANTUML_SKIP, timeout: 120_000 }, () => {
  const view = viewOf(replicationCapture, { flow: REPLICATION_FLOW });
  const source = plantUmlExport(view);
  const lines = assertPlantUmlGrammar(source);
  const mermaidModel = buildDiagramParts(view).parts[0].model;
  const participants = mermaidModel.statements.filter((s) => s.kind === 'participant');
  assert.equal(lines.filter((l) => l.startsWith('participant ')).length, participants.length);
  assert.deepEqual(plantumlSyntax(source).trim().split('\n').slice(0, 2), ['SEQUENCE', `(${participants.length} participants)`]);
  const drawn = plantumlTexts(source);
  for (const s of mermaidModel.statements) {
    if (s.kind === 'arrow') assert.ok(drawn.includes(s.label), `label ${s.label}`);
    if (s.kind === 'participant') assert.ok(drawn.includes(s.name) && drawn.includes(s.detail!), `participant ${s.name}`);
  }
  assert.ok(drawn.includes('3gpp-replication-push #1: PASS'));
});

test('PlantUML: hostile strings in names, labels, notes, dialog groups and title stay text: same statements, read back exactly by PlantUML', { skip: PLANTUML_SKIP, timeout: 300_000 }, () => {
  const { messages } = readMessages(replicationCapture);
  const response = messages.find((m) => m.kind === 'response')!;
  // One arrow per hostile string, each carrying it as reason phrase, finding note and dialog id.
  const hostile = HOSTILE_STRINGS.map((s, i) => copyMessage(response, { index: i, reason: s || 'x' }));
  const annotations = new Map<number, MessageAnnotation>(hostile.map((m, i) => [i, { dialogId: `${HOSTILE_STRINGS[i]}`, findings: [{ severity: 'warning', text: HOSTILE_STRINGS[i] }] }]));
  const names = { [formatEndpoint(response.src!)]: 'A @enduml !include /etc/passwd %getenv("HOME") $x skinparam', [formatEndpoint(response.dst!)]: 'B "quoted" \\n newline' };
  const model = buildDiagramModel(hostile, { pageSize: hostile.length, annotations, names, title: '@enduml\n@startuml\n!include x', showTimeOffsets: false });
  const source = plantUmlSource(model);
  const lines = assertPlantUmlGrammar(source);
  assert.equal(lines.filter((l) => /^p\d+ --> p\d+ : /.test(l)).length, hostile.length);
  assert.equal(lines.filter((l) => l.startsWith('note over ')).length, hostile.length);
  assert.equal(plantumlSyntax(source).trim().split('\n')[0], 'SEQUENCE');
  const drawn = plantumlTexts(source);
  for (const s of model.statements) {
    if (s.kind === 'arrow') assert.ok(drawn.includes(shownText(s.label).trim()) || drawn.some((d) => d === shownText(s.label)), `label ${JSON.stringify(s.label)} not drawn as text`);
  }
  for (const name of Object.values(names)) assert.ok(drawn.includes(name), `participant ${JSON.stringify(name)}`);
  for (const s of HOSTILE_STRINGS) {
    const escaped = escapePlantUmlText(s);
    assert.equal(decodePlantUml(escaped), shownText(s));
    assert.ok(/^[\x20-\x7e]*$/.test(escaped), 'ASCII only');
  }
});

/** markdown-it (installed with @vscode/vsce; no type declarations): CommonMark with GFM tables, linkify on as GitHub does. */
interface MdToken { type: string; info: string; content: string }
interface Markdown { parse(src: string, env: object): MdToken[]; render(src: string): string }
const MarkdownIt = createRequire(__filename)('markdown-it') as new (options: object) => Markdown;
const markdown = new MarkdownIt({ html: true, linkify: true });

test('Markdown: a fenced mermaid block holding the diagram source exactly, and a findings table; GFM renders no link, tag or entity from trace text', () => {
  const view = viewOf(replicationCapture, { flow: 'rfc3665-basic-session#1' });
  assert.ok(view.findings.length > 0, 'the basic-session instance lacks its BYE');
  const hostileFindings = HOSTILE_STRINGS.map((s, i) => ({ code: `x.${i}|y`, severity: 'warning' as const, message: s, messages: [] }));
  const hostileView = { ...view, findings: [...view.findings, ...hostileFindings] };
  const diagram = buildDiagramParts(view);
  const text = markdownExport(hostileView, diagram);
  const tokens = markdown.parse(text, {});
  const fences = tokens.filter((t) => t.type === 'fence');
  assert.equal(fences.length, 1);
  assert.equal(fences[0].info, 'mermaid');
  assert.equal(fences[0].content, diagram.parts[0].mermaid);
  const html = markdown.render(text);
  assert.ok(!/<(a|img|script|svg|iframe|br)\b/i.test(html.replace(/<pre>[\s\S]*?<\/pre>/g, '')), 'no active or layout HTML from trace text');
  // Table rows: header + one per finding, four cells each, the message cell reading back as the finding.
  const rows = [...html.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((m) => [...m[1].matchAll(/<t[dh][^>]*>([\s\S]*?)<\/t[dh]>/g)].map((c) => c[1]));
  assert.equal(rows.length, 1 + hostileView.findings.length);
  for (const r of rows) assert.equal(r.length, 4);
  const unescape = (s: string) => s.replace(/&(lt|gt|amp|quot);/g, (_, e: string) => ({ lt: '<', gt: '>', amp: '&', quot: '"' } as Record<string, string>)[e]);
  hostileFindings.forEach((f, i) => {
    const cells = rows[1 + view.findings.length + i];
    assert.equal(unescape(cells[1]), f.code);
    const expected = shownText(f.message).replace(/[\u202a-\u202e\u2066-\u2069]/g, '\ufffd');
    assert.equal(unescape(cells[2]).trim(), expected.trim(), JSON.stringify(f.message));
  });
  assert.equal(escapeMarkdownText('a|b'), 'a\\|b');
});

test('Markdown report: verdict per flow instance, the diagram, the findings and one table row per drawn message', () => {
  const view = viewOf(replicationCapture, { flow: REPLICATION_FLOW });
  const text = markdownReport(view, buildDiagramParts(view), { path: replicationCapture, format: 'pcap', packets: 15 });
  const html = markdown.render(text);
  for (const h of ['Verdicts', 'Diagram', 'Findings', 'Messages']) assert.ok(html.includes(`<h2>${h}</h2>`), h);
  const tables = [...html.matchAll(/<table>([\s\S]*?)<\/table>/g)].map((m) => [...m[1].matchAll(/<tr>/g)].length - 1);
  assert.deepEqual(tables, [view.instances.length, view.messages.length]);
  assert.ok(html.includes('(shown)'));
});

test('large diagrams split into numbered parts below the size limit, together drawing every message once, and say so', () => {
  const view = viewOf(kamailioCapture, { hops: true, filter: { hideTrying: false, hideProvisionalNotify: false } });
  const whole = buildDiagramParts(view);
  assert.equal(whole.parts.length, 1);
  assert.equal(whole.splitNote, null);
  // A third of the whole source (but at least the 1000-character floor) forces a few parts.
  const limit = Math.max(1000, Math.floor(whole.parts[0].mermaid.length / 3));
  const split = buildDiagramParts(view, { maxTextSize: limit });
  assert.ok(split.parts.length > 1);
  for (const p of split.parts) assert.ok(p.mermaid.length <= limit, `part of ${p.mermaid.length} characters`);
  assert.deepEqual(split.parts.flatMap((p) => p.model.arrows), view.messages.map((m) => m.index));
  assert.match(split.splitNote!, new RegExp(`split into ${split.parts.length} numbered parts.*${limit.toLocaleString('en-US')} characters`));
  const md = markdownExport(view, split);
  assert.equal(markdown.parse(md, {}).filter((t) => t.type === 'fence').length, split.parts.length);
  assert.ok(md.includes(`Part ${split.parts.length} of ${split.parts.length}:`));
  assert.equal(MERMAID_MAX_TEXT_SIZE, 50_000);
  // Mermaid text decodes back to the same labels whatever the part.
  for (const p of split.parts) {
    const labels = p.mermaid.split('\n').filter((l) => /^p\d+-{1,2}>>p\d+: /.test(l)).map((l) => decodeMermaid(l.replace(/^[^:]*: /, '')));
    assert.deepEqual(labels, p.model.statements.flatMap((s) => (s.kind === 'arrow' ? [s.label] : [])));
  }
  assert.equal(mermaidSource(split.parts[0].model.statements), split.parts[0].mermaid);
});

test('a selection the filter empties is a warning; an empty trace exports a valid diagram', () => {
  const view = viewOfMessages([]);
  assert.equal(view.messages.length, 0);
  const d = buildDiagramParts(view);
  assert.equal(d.parts.length, 1);
  assert.ok(d.parts[0].mermaid.startsWith('sequenceDiagram\n'));
  assert.ok(plantUmlExport(view).startsWith('@startuml\n'));
});
