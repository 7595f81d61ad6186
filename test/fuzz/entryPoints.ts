// The fuzzed entry points and the oracle each result is held to: messages plus findings or one positioned error,
// no exception, no swallowed defect, dense indexes, positions inside the input, diagram text free of directives.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { readCapture } from '../../src/core/capture/readCapture';
import { correlate, type Correlation } from '../../src/core/dialog/correlate';
import { builtinFlows } from '../../src/core/flow/builtinFlows';
import type { Finding } from '../../src/core/model/finding';
import type { SipMessage } from '../../src/core/model/sipMessage';
import { renderSequenceDiagram, type MessageAnnotation } from '../../src/core/render/sequenceDiagram';
import { buildCheckReport } from '../../src/core/report/checkReport';
import { formatCheckText } from '../../src/core/report/checkText';
import { toJunit } from '../../src/core/report/junit';
import { toSarif } from '../../src/core/report/sarif';
import { parseSipMessage } from '../../src/core/sip/parseSipMessage';
import { readTextTrace, type TextDialect } from '../../src/core/trace/readTextTrace';
import { HOSTILE_STRINGS } from '../unit/render/hostileStrings';
import { repoRoot } from '../support/paths';
import { Prng } from './prng';
import { MERMAID_PARTICIPANT_ID, mermaidGrammarProblem } from '../support/mermaidGrammar';

export const ENTRY_NAMES = ['capture', 'text', 'text-forced', 'sip', 'correlate', 'check', 'mermaid', 'plantuml'] as const;
export type EntryName = typeof ENTRY_NAMES[number];

export const DIALECTS: readonly TextDialect[] = ['raw', '3gpp-table', 'sipp-trace', 'tshark-verbose', 'tshark-hex', 'follow-stream', 'ngrep', 'sngrep', 'asterisk', 'freeswitch', 'kamailio-sipdump', 'homer', 'pjsip', 'belle-sip', 'baresip'];

/** One generated input: the bytes and how the entry point is driven with them. */
export interface FuzzInput {
  entry: EntryName;
  /** What the bytes are: a capture file, a text trace, or one SIP message. */
  kind: 'capture' | 'text' | 'sip';
  bytes: Uint8Array;
  /** Capture chunk size fed to the reader. */
  chunkSize: number;
  dialect?: TextDialect;
  /** Seeds the entry's own choices (diagram page, options). */
  optionsSeed: number;
}

export type ViolationClass = 'crash' | 'swallowed-crash' | 'invariant' | 'slow' | 'hang' | 'memory';

export class OracleViolation extends Error {
  constructor(readonly violation: ViolationClass, message: string) {
    super(message);
  }
}

/** What one run produced, for the figures. */
export interface RunOutcome {
  messages: number;
  /** Codes of every finding (reader, parser, correlation, checker). */
  findingCodes: string[];
  /** True when the input ended in one positioned error instead of messages. */
  rejected: boolean;
}

function fail(message: string): never {
  throw new OracleViolation('invariant', message);
}

const DEFECT = /defect worth reporting|failed inside siptrail/;
/** Codes under which a stage reports an exception it caught: a crash it survived, still a bug. */
const INTERNAL_ERROR_CODES = /internal-error$|reader-failure$/;

function checkFindings(findings: readonly Finding[], where: (f: Finding) => string | null): void {
  for (const f of findings) {
    if (typeof f.code !== 'string' || !/^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(f.code)) fail(`finding code ${JSON.stringify(f.code)} is not a stable dotted code`);
    if (f.severity !== 'error' && f.severity !== 'warning' && f.severity !== 'info') fail(`finding ${f.code} has severity ${String(f.severity)}`);
    if (typeof f.message !== 'string' || f.message.length === 0) fail(`finding ${f.code} has no message`);
    if (DEFECT.test(f.message) || INTERNAL_ERROR_CODES.test(f.code)) throw new OracleViolation('swallowed-crash', `${f.code}: ${f.message.slice(0, 400)}`);
    const problem = where(f);
    if (problem) fail(`finding ${f.code}: ${problem}`);
  }
}

function checkMessages(messages: readonly SipMessage[]): void {
  messages.forEach((m, i) => {
    if (m.index !== i) fail(`message ${i} has index ${m.index}: indexes must be dense`);
    if (m.duplicateOf !== undefined && !(m.duplicateOf >= 0 && m.duplicateOf < i)) fail(`message ${i} is a duplicate of ${m.duplicateOf}`);
    if (!(m.raw instanceof Uint8Array)) fail(`message ${i} has no raw bytes`);
    if (m.bodyOffset < 0 || m.bodyOffset > m.raw.length) fail(`message ${i} body offset ${m.bodyOffset} outside its ${m.raw.length} bytes`);
    for (const h of m.headers) if (h.offset < 0 || h.offset > m.raw.length) fail(`message ${i} header ${h.name} at ${h.offset} outside its ${m.raw.length} bytes`);
  });
}

function captureRun(input: FuzzInput): { messages: SipMessage[]; findings: Finding[]; rejected: boolean } {
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < input.bytes.length; i += input.chunkSize) chunks.push(input.bytes.subarray(i, i + input.chunkSize));
  const r = readCapture(chunks);
  const size = input.bytes.length;
  checkMessages(r.messages);
  r.messages.forEach((m, i) => {
    if (!('frame' in m.source)) fail(`capture message ${i} has a text source`);
    const s = m.source;
    if (!(s.frame >= 1 && s.frame <= r.packets)) fail(`message ${i} from frame ${s.frame} of ${r.packets}`);
    if (s.firstFrame !== undefined && !(s.firstFrame >= 1 && s.firstFrame <= s.frame)) fail(`message ${i} first frame ${s.firstFrame} after frame ${s.frame}`);
    if (s.frameOffset !== undefined && !(s.frameOffset >= 0 && s.frameOffset <= size)) fail(`message ${i} frame offset ${s.frameOffset} outside the ${size}-byte file`);
  });
  checkFindings(r.findings, (f) => {
    if (f.messageIndex !== undefined && !(f.messageIndex >= 0 && f.messageIndex < r.messages.length)) return `message index ${f.messageIndex} of ${r.messages.length}`;
    if (!f.source) return null;
    if (!('frame' in f.source)) return 'a text position in a capture';
    if (!(f.source.frame >= 0 && f.source.frame <= r.packets + 1)) return `frame ${f.source.frame} of ${r.packets}`;
    // Reader findings carry file offsets, packet and message findings offsets within a frame or a reassembled message.
    if (f.source.offset !== undefined && !(f.source.offset >= 0 && f.source.offset <= 2 * size + 64)) return `offset ${f.source.offset} beyond the ${size}-byte file`;
    return null;
  });
  const errors = r.findings.filter((f) => f.severity === 'error');
  return { messages: r.messages, findings: r.findings, rejected: r.messages.length === 0 && errors.length > 0 };
}

const decoder = new TextDecoder('utf-8');

function lineCountOf(text: string): number {
  let n = 1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) n++;
  }
  return n;
}

function textRun(input: FuzzInput, dialect: TextDialect | undefined): { messages: SipMessage[]; findings: Finding[]; rejected: boolean } {
  const text = decoder.decode(input.bytes);
  const r = readTextTrace(text, dialect ? { dialect, fileName: 'fuzz.txt' } : {});
  const lines = lineCountOf(text);
  const inText = (l: number) => Number.isInteger(l) && l >= 1 && l <= lines;
  if ('error' in r) {
    checkFindings([r.error], (f) => (f.source && 'line' in f.source && inText(f.source.line) ? null : `error not positioned inside the ${lines}-line text`));
    if (r.error.code === 'trace.reader-failure') throw new OracleViolation('swallowed-crash', r.error.message.slice(0, 400));
    return { messages: [], findings: [r.error], rejected: true };
  }
  if (dialect && r.dialect !== dialect) fail(`asked for ${dialect}, read as ${r.dialect}`);
  if (r.messages.length === 0) fail('no messages and no error');
  checkMessages(r.messages);
  r.messages.forEach((m, i) => {
    if (!('line' in m.source)) fail(`text message ${i} has a frame source`);
    const s = m.source;
    if (!inText(s.line) || !inText(s.endLine) || s.endLine < s.line) fail(`message ${i} at lines ${s.line}-${s.endLine} of ${lines}`);
    for (const l of m.lineMap ?? []) if (!inText(l)) fail(`message ${i} line map points at line ${l} of ${lines}`);
  });
  checkFindings(r.findings, (f) => {
    if (f.messageIndex !== undefined && !(f.messageIndex >= 0 && f.messageIndex < r.messages.length)) return `message index ${f.messageIndex} of ${r.messages.length}`;
    if (!f.source) return null;
    if (!('line' in f.source)) return 'a frame position in a text trace';
    if (!inText(f.source.line) || !inText(f.source.endLine)) return `lines ${f.source.line}-${f.source.endLine} of ${lines}`;
    if (f.source.column !== undefined && !(f.source.column >= 0)) return `column ${f.source.column}`;
    return null;
  });
  return { messages: r.messages, findings: r.findings, rejected: false };
}

function sipRun(input: FuzzInput): RunOutcome {
  const r = parseSipMessage(input.bytes);
  const lines = lineCountOf(decoder.decode(input.bytes));
  if (!r.ok) {
    if (DEFECT.test(r.issue.message)) throw new OracleViolation('swallowed-crash', r.issue.message.slice(0, 400));
    if (!(r.issue.line >= 0 && r.issue.line < lines + 1)) fail(`rejection at line ${r.issue.line} of ${lines}`);
    return { messages: 0, findingCodes: [r.issue.code], rejected: true };
  }
  const m = r.message;
  if (m.bodyOffset < 0 || m.bodyOffset > input.bytes.length) fail(`body offset ${m.bodyOffset} outside ${input.bytes.length} bytes`);
  if (m.body.length > input.bytes.length - Math.min(m.bodyOffset, input.bytes.length)) fail('body longer than the bytes after the headers');
  for (const i of m.issues) {
    if (DEFECT.test(i.message)) throw new OracleViolation('swallowed-crash', i.message.slice(0, 400));
    if (!(i.line >= 0 && i.line < lines + 1)) fail(`issue ${i.code} at line ${i.line} of ${lines}`);
    if (i.offset !== undefined && !(i.offset >= 0 && i.offset <= input.bytes.length)) fail(`issue ${i.code} at offset ${i.offset} of ${input.bytes.length}`);
  }
  return { messages: 1, findingCodes: m.issues.map((i) => i.code), rejected: false };
}

function messagesOf(input: FuzzInput): { messages: SipMessage[]; findings: Finding[]; rejected: boolean } {
  return input.kind === 'capture' ? captureRun(input) : textRun(input, input.dialect);
}

function checkCorrelation(corr: Correlation, n: number): void {
  if (corr.order.length !== n) fail(`order has ${corr.order.length} entries for ${n} messages`);
  const seen = new Uint8Array(n);
  corr.order.forEach((idx, r) => {
    if (!(idx >= 0 && idx < n) || seen[idx]) fail(`order is not a permutation (entry ${r} = ${idx})`);
    seen[idx] = 1;
    if (corr.rank[idx] !== r) fail(`rank of ${idx} is ${corr.rank[idx]}, its place in order is ${r}`);
  });
  for (let i = 0; i < n; i++) {
    if (corr.groupOf[i] >= corr.groups.length) fail(`groupOf[${i}] beyond the groups`);
    if (corr.logicalOf[i] >= corr.logical.length) fail(`logicalOf[${i}] beyond the logical messages`);
  }
  checkFindings(corr.findings, (f) => (f.messageIndex !== undefined && !(f.messageIndex >= 0 && f.messageIndex < n) ? `message index ${f.messageIndex} of ${n}` : null));
}

const ID = MERMAID_PARTICIPANT_ID;

export function checkMermaidText(text: string): void {
  const problem = mermaidGrammarProblem(text);
  if (problem) fail(problem);
}

/** PlantUML statement shapes the exporter writes; trace text only as escaped text (ASCII, `<U+XXXX>` references). */
const PUML_TEXT = String.raw`(?:[A-Za-z0-9 .,()?=+;@\-/:]|<U\+[0-9A-F]{4,6}>)*`;
const PUML_STATEMENTS = [
  /^@startuml$/,
  /^@enduml$/,
  new RegExp(`^title (${PUML_TEXT})$`),
  new RegExp(`^participant "(${PUML_TEXT})(?:\\\\n(${PUML_TEXT}))?" as ${ID}$`),
  new RegExp(`^box "(${PUML_TEXT})"$`),
  /^end box$/,
  new RegExp(`^group dialog (${PUML_TEXT})$`),
  /^end$/,
  new RegExp(`^${ID} -{1,2}> ${ID} : (${PUML_TEXT})$`),
  new RegExp(`^note over ${ID}(?:, ${ID})? : (${PUML_TEXT})$`),
];

export function checkPlantUmlText(text: string): void {
  const lines = text.replace(/\n$/, '').split('\n');
  if (lines[0] !== '@startuml' || lines[lines.length - 1] !== '@enduml') fail('PlantUML text does not run from @startuml to @enduml');
  for (const line of lines.slice(1, -1)) {
    const hit = PUML_STATEMENTS.map((re) => re.exec(line)).find((m) => m !== null);
    if (!hit || hit[0] === '@startuml' || hit[0] === '@enduml') fail(`PlantUML statement outside the exporter's grammar: ${JSON.stringify(line.slice(0, 200))}`);
    // Creole markup needs a doubled character (--, //, ::) or a comment opener; escaped text has none.
    for (const label of hit.slice(1)) if (label && /--|\/\/|::|\/'/.test(label)) fail(`PlantUML label with live markup: ${JSON.stringify(label.slice(0, 200))}`);
  }
}

type PlantUmlGenerator = (corr: Correlation, findings: readonly Finding[]) => string;
let plantUml: PlantUmlGenerator | null | undefined;

/** The PlantUML exporter of src/core/export (written alongside this fuzzer), when it is there. */
export async function loadPlantUml(): Promise<PlantUmlGenerator | null> {
  if (plantUml !== undefined) return plantUml;
  plantUml = null;
  const dir = join(repoRoot, 'src/core/export');
  if (!existsSync(join(dir, 'plantumlDiagram.ts')) || !existsSync(join(dir, 'exportSelection.ts'))) return null;
  const diagram = (await import(join(dir, 'plantumlDiagram.ts'))) as Record<string, unknown>;
  const selection = (await import(join(dir, 'exportSelection.ts'))) as Record<string, unknown>;
  const exportFn = diagram.plantUmlExport as ((view: unknown) => string) | undefined;
  const selectFn = selection.selectForExport as ((corr: Correlation, flows: unknown[], sel: object, findings: readonly Finding[]) => unknown) | undefined;
  if (typeof exportFn !== 'function' || typeof selectFn !== 'function') return null;
  const { flows } = builtinFlows();
  plantUml = (corr, findings) => exportFn(selectFn(corr, flows, {}, findings));
  return plantUml;
}

function diagramOptions(messages: readonly SipMessage[], findings: readonly Finding[], rng: Prng) {
  const annotations = new Map<number, MessageAnnotation>();
  for (const f of findings) {
    if (f.messageIndex === undefined) continue;
    const a = annotations.get(f.messageIndex) ?? { findings: [] };
    a.findings!.push({ severity: f.severity, text: f.message });
    a.dialogId = messages[f.messageIndex]?.callId ?? undefined;
    if (rng.chance(0.3)) a.step = rng.pick(HOSTILE_STRINGS);
    annotations.set(f.messageIndex, a);
  }
  const names: Record<string, string> = {};
  for (const m of messages.slice(0, 8)) if (m.src && rng.chance(0.5)) names[`${m.src.ip}:${m.src.port}`] = rng.pick(HOSTILE_STRINGS);
  const keys = Object.keys(names);
  return {
    pageSize: rng.pick([1, 2, 10, 300, 5000]),
    page: rng.range(-1, 5),
    annotations,
    names,
    showTimeOffsets: rng.chance(0.5),
    title: rng.chance(0.5) ? rng.pick(HOSTILE_STRINGS) : undefined,
    filter: { hideTrying: rng.chance(0.5) },
    missingSteps: rng.chance(0.5) ? [{ afterMessageIndex: messages.length ? rng.int(messages.length) : null, text: rng.pick(HOSTILE_STRINGS), from: keys[0], to: rng.pick(HOSTILE_STRINGS) }] : [],
    groups: rng.chance(0.3) && keys.length ? [{ name: rng.pick(HOSTILE_STRINGS), members: keys }] : [],
  };
}

/** Runs one input through its entry point and the oracle; throws OracleViolation on a broken rule. */
export async function runEntry(input: FuzzInput): Promise<RunOutcome> {
  try {
    return await runUnchecked(input);
  } catch (e) {
    if (e instanceof OracleViolation) throw e;
    throw new OracleViolation('crash', e instanceof Error ? `${e.name}: ${e.message}\n${(e.stack ?? '').split('\n').slice(1, 6).join('\n')}` : String(e));
  }
}

async function runUnchecked(input: FuzzInput): Promise<RunOutcome> {
  switch (input.entry) {
    case 'sip':
      return sipRun(input);
    case 'capture': {
      const r = captureRun(input);
      return { messages: r.messages.length, findingCodes: r.findings.map((f) => f.code), rejected: r.rejected };
    }
    case 'text':
    case 'text-forced': {
      const r = textRun(input, input.entry === 'text-forced' ? input.dialect : undefined);
      return { messages: r.messages.length, findingCodes: r.findings.map((f) => f.code), rejected: r.rejected };
    }
    default: {
      const r = messagesOf(input);
      const codes = r.findings.map((f) => f.code);
      if (r.rejected && r.messages.length === 0 && input.entry !== 'mermaid') return { messages: 0, findingCodes: codes, rejected: true };
      const rng = new Prng(input.optionsSeed);
      if (input.entry === 'mermaid') {
        const options = diagramOptions(r.messages, r.findings, rng);
        const page = renderSequenceDiagram(r.messages, options);
        checkMermaidText(page.text);
        if (page.arrows.length > page.pageSize) fail(`${page.arrows.length} arrows on a page of ${page.pageSize}`);
        for (const a of page.arrows) if (!(a >= 0 && a < r.messages.length)) fail(`arrow for message ${a} of ${r.messages.length}`);
        return { messages: r.messages.length, findingCodes: codes, rejected: r.rejected };
      }
      const corr = correlate(r.messages);
      checkCorrelation(corr, r.messages.length);
      codes.push(...corr.findings.map((f) => f.code));
      if (input.entry === 'check') {
        const { flows } = builtinFlows();
        const report = buildCheckReport({ path: 'fuzz', format: input.kind, packets: null }, corr, flows, { requested: rng.chance(0.5), readerFindings: r.findings });
        for (const f of report.findings) for (const i of f.messages) if (!(i >= 0 && i < r.messages.length)) fail(`check finding ${f.code} names message ${i}`);
        for (const inst of report.flows) {
          for (const s of inst.steps) for (const i of s.messages) if (!(i >= 0 && i < r.messages.length)) fail(`flow ${inst.flow} step ${s.id} names message ${i}`);
          for (const f of inst.findings) {
            if (DEFECT.test(f.message)) throw new OracleViolation('swallowed-crash', f.message);
            codes.push(f.code);
          }
        }
        formatCheckText(report);
        JSON.stringify(toSarif(report));
        toJunit(report);
      } else if (input.entry === 'plantuml') {
        const generate = await loadPlantUml();
        if (generate) checkPlantUmlText(generate(corr, r.findings));
      }
      return { messages: r.messages.length, findingCodes: codes, rejected: r.rejected };
    }
  }
}
