// SipMessage[] → mermaid `sequenceDiagram` source, one page at a time. Runs anywhere core runs.
// Every trace-derived string goes through escapeMermaidText; everything else written here is fixed syntax,
// generated identifiers (`p1`) and numbers.
import type { Severity } from '../model/finding';
import type { SipMessage } from '../model/sipMessage';
import { arrowLabel } from './arrowLabel';
import { visibleMessages, type MessageFilter } from './messageFilter';
import { clipText, escapeMermaidText } from './mermaidText';
import { resolveParticipants, type Participant, type ParticipantNaming } from './participants';

/** Messages per page by default: large enough for a whole call, small enough for mermaid's layout and text limits. */
export const DEFAULT_PAGE_SIZE = 300;

const MAX_NAME = 60;
const MAX_NOTE = 160;
const MAX_NOTES_PER_MESSAGE = 3;

export interface MessageAnnotation {
  /** Flow step number drawn instead of the trace position (`3` for `3. REFER`). */
  step?: string;
  /** Dialog the message belongs to: consecutive messages of one dialog share a coloured band. */
  dialogId?: string;
  /** Parser or checker findings about this message, drawn in a note beside its arrow. */
  findings?: { severity: Severity; text: string }[];
}

/** A step the checker expected but the trace lacks: a note where it should have been. */
export interface MissingStep {
  /** `SipMessage.index` of the message after which the step was due; null: before the first message. */
  afterMessageIndex: number | null;
  text: string;
  /** Participant keys (`ip:port`, caption name, `user@host`) or lifeline names the step runs between. */
  from?: string;
  to?: string;
}

/** Lifelines drawn together in a box, e.g. "Intermediate IM CN subsystem entities". */
export interface LifelineGroup {
  name: string;
  /** Participant keys or lifeline names. */
  members: string[];
}

export interface DiagramOptions extends ParticipantNaming {
  /** 0-based; clamped to the pages there are. */
  page?: number;
  pageSize?: number;
  /** Keyed by `SipMessage.index`. */
  annotations?: ReadonlyMap<number, MessageAnnotation>;
  missingSteps?: readonly MissingStep[];
  groups?: readonly LifelineGroup[];
  filter?: MessageFilter;
  /** Time since the trace's first timestamp on each arrow (default true). */
  showTimeOffsets?: boolean;
  /** Drawn above the diagram, with the page when there is more than one. */
  title?: string;
}

export interface DiagramPage {
  /** Mermaid source. */
  text: string;
  /** 0-based page shown, and how many there are. */
  page: number;
  pageCount: number;
  pageSize: number;
  /** `SipMessage.index` of each arrow in drawing order: mermaid gives arrows no ids (mermaid#1279). */
  arrows: number[];
  /** Lifelines declared on this page, left to right. */
  participants: Participant[];
  /** Messages after filtering (all pages), and how many the filter hid. */
  shownMessages: number;
  hiddenMessages: number;
}

/** Translucent fills, readable under dark and light text, one per dialog in order of first appearance. */
const BAND_COLOURS = [
  '66, 133, 244', '52, 168, 83', '251, 188, 5', '234, 67, 53',
  '171, 71, 188', '0, 172, 193', '255, 112, 67', '124, 179, 66',
];

const SEVERITY_MARK: Record<Severity, string> = { error: '✖', warning: '⚠', info: 'ℹ' };

/**
 * One statement of a diagram page, before any diagram language is written: text fields hold plain trace-derived
 * text (clipped, not escaped), ids are generated (`p1`). Mermaid (below) and the exporters (PlantUML) serialise it.
 */
export type DiagramStatement =
  | { kind: 'title'; text: string }
  | { kind: 'participant'; id: string; name: string; detail: string | null }
  | { kind: 'boxStart'; name: string }
  | { kind: 'boxEnd' }
  | { kind: 'bandStart'; dialogId: string; rgb: string }
  | { kind: 'bandEnd' }
  | { kind: 'arrow'; from: string; to: string; request: boolean; label: string; messageIndex: number }
  | { kind: 'note'; over: [string, string]; text: string };

export interface DiagramModel extends Omit<DiagramPage, 'text'> {
  statements: DiagramStatement[];
}

export function renderSequenceDiagram(messages: readonly SipMessage[], options: DiagramOptions = {}): DiagramPage {
  return renderPreparedPage(prepareDiagram(messages, options), options.page ?? 0);
}

/** One page of a prepared diagram, as mermaid source. */
export function renderPreparedPage(prepared: PreparedDiagram, page: number): DiagramPage {
  const { statements, ...rest } = diagramPageModel(prepared, page);
  return { text: mermaidSource(statements), ...rest };
}

/** Mermaid `sequenceDiagram` source of a page model; every text slot goes through escapeMermaidText. */
export function mermaidSource(statements: readonly DiagramStatement[]): string {
  const lines: string[] = ['sequenceDiagram'];
  for (const s of statements) {
    switch (s.kind) {
      case 'title': lines.push(`title ${escapeMermaidText(s.text)}`); break;
      case 'participant': lines.push(`participant ${s.id} as ${escapeMermaidText(s.name)}${s.detail === null ? '' : `<br/>${escapeMermaidText(s.detail)}`}`); break;
      // `transparent` fills the colour slot so a title word is never read as one.
      case 'boxStart': lines.push(`box transparent ${escapeMermaidText(s.name)}`); break;
      case 'bandStart': lines.push(`rect rgba(${s.rgb}, 0.14)`); break;
      case 'boxEnd': case 'bandEnd': lines.push('end'); break;
      case 'arrow': lines.push(`${s.from}${s.request ? '->>' : '-->>'}${s.to}: ${escapeMermaidText(s.label)}`); break;
      case 'note': lines.push(s.over[0] === s.over[1] ? `Note over ${s.over[0]}: ${escapeMermaidText(s.text)}` : `Note over ${s.over[0]},${s.over[1]}: ${escapeMermaidText(s.text)}`); break;
    }
  }
  return lines.join('\n') + '\n';
}

/**
 * What every page of one diagram shares, computed once over the whole view: the messages the filter keeps, the
 * lifeline of each, the missing-step notes' places, the band colour of each dialog. A page is then proportional to
 * its own size, whatever the trace's (a 200,000-message view took 350 ms a page when each page redid this).
 */
export interface PreparedDiagram {
  messages: readonly SipMessage[];
  options: Omit<DiagramOptions, 'page'>;
  visible: SipMessage[];
  table: ReturnType<typeof resolveParticipants>;
  annotations: ReadonlyMap<number, MessageAnnotation>;
  origin: number | null;
  missing: ReturnType<typeof placeMissingSteps>;
  bandOf: ReturnType<typeof dialogBands>;
}

export function prepareDiagram(messages: readonly SipMessage[], options: Omit<DiagramOptions, 'page'> = {}): PreparedDiagram {
  const visible = visibleMessages(messages, options.filter ?? {});
  const annotations = options.annotations ?? new Map<number, MessageAnnotation>();
  return {
    messages, options, visible,
    table: resolveParticipants(visible, options),
    annotations,
    origin: options.showTimeOffsets === false ? null : firstTime(messages),
    missing: placeMissingSteps(messages, visible, options.missingSteps ?? []),
    bandOf: dialogBands(visible, annotations),
  };
}

/** The page model renderSequenceDiagram draws: the same lifelines, labels, notes and bands for every output format. */
export function buildDiagramModel(messages: readonly SipMessage[], options: DiagramOptions = {}): DiagramModel {
  return diagramPageModel(prepareDiagram(messages, options), options.page ?? 0);
}

/** One page of a prepared diagram, as a page model. */
export function diagramPageModel(prepared: PreparedDiagram, pageWanted: number): DiagramModel {
  const { messages, options, visible, table, annotations, origin, missing, bandOf } = prepared;
  const pageSize = clampInt(options.pageSize ?? DEFAULT_PAGE_SIZE, 1, 100_000);
  const pageCount = Math.max(1, Math.ceil(visible.length / pageSize));
  const page = clampInt(pageWanted, 0, pageCount - 1);
  const first = page * pageSize;
  const end = Math.min(visible.length, first + pageSize);

  // Lifelines this page draws: senders and receivers of its messages, then those its missing-step notes name.
  const onPage = new Set<number>();
  for (let i = first; i < end; i++) {
    onPage.add(table.from[i]);
    onPage.add(table.to[i]);
  }
  const notesHere: { at: number; step: MissingStep }[] = [];
  for (const placed of missing) {
    const at = placed.visiblePosition;
    const here = at === -1 ? page === 0 : at >= first && at < end;
    if (!here) continue;
    notesHere.push({ at: placed.visiblePosition, step: placed.step });
    for (const key of [placed.step.from, placed.step.to]) {
      const p = key === undefined ? -1 : findParticipant(table.participants, key);
      if (p >= 0) onPage.add(p);
    }
  }
  const order = [...onPage].sort((a, b) => a - b);
  const declared = order.map((i) => table.participants[i]);
  const placeholder = declared.length === 0 && notesHere.length > 0;

  const lines: DiagramStatement[] = [];
  const title = titleLine(options.title, page, pageCount, first, end, visible.length);
  if (title) lines.push({ kind: 'title', text: title });
  declareParticipants(lines, declared, options.groups ?? []);
  if (placeholder) lines.push({ kind: 'participant', id: 'p0', name: '(no messages)', detail: null });

  const noteAcross = (step: MissingStep): DiagramStatement => {
    const a = step.from === undefined ? -1 : findParticipant(table.participants, step.from);
    const b = step.to === undefined ? -1 : findParticipant(table.participants, step.to);
    const ids = a >= 0 && b >= 0 ? [table.participants[a].id, table.participants[b].id]
      : placeholder ? ['p0', 'p0']
        : [declared[0].id, declared[declared.length - 1].id];
    return noteOver(ids[0], ids[1], `${SEVERITY_MARK.error} ${clipText(step.text, MAX_NOTE)}`);
  };
  for (const n of notesHere) if (n.at === -1) lines.push(noteAcross(n.step));

  const arrows: number[] = [];
  let openBand: string | undefined;
  const notesAfter = new Map<number, MissingStep[]>();
  for (const n of notesHere) {
    if (n.at === -1) continue;
    const list = notesAfter.get(n.at);
    if (list) list.push(n.step);
    else notesAfter.set(n.at, [n.step]);
  }
  for (let i = first; i < end; i++) {
    const m = visible[i];
    const note = annotations.get(m.index);
    const band = note?.dialogId;
    if (band !== openBand) {
      if (openBand !== undefined) lines.push({ kind: 'bandEnd' });
      if (band !== undefined) lines.push({ kind: 'bandStart', dialogId: band, rgb: BAND_COLOURS[bandOf.get(band)! % BAND_COLOURS.length] });
      openBand = band;
    }
    const from = table.participants[table.from[i]].id;
    const to = table.participants[table.to[i]].id;
    lines.push({ kind: 'arrow', from, to, request: m.kind === 'request', label: arrowLabel(m, note?.step ?? String(m.index + 1), origin), messageIndex: m.index });
    arrows.push(m.index);
    const findings = note?.findings ?? [];
    if (findings.length > 0) lines.push(noteOver(from, to, findingNote(findings)));
    for (const step of notesAfter.get(i) ?? []) lines.push(noteAcross(step));
  }
  if (openBand !== undefined) lines.push({ kind: 'bandEnd' });

  return {
    statements: lines,
    page, pageCount, pageSize,
    arrows,
    participants: declared,
    shownMessages: visible.length,
    hiddenMessages: messages.length - visible.length,
  };
}

function titleLine(title: string | undefined, page: number, pageCount: number, first: number, end: number, total: number): string {
  const parts: string[] = [];
  if (title && title.trim()) parts.push(clipText(title.trim(), 120));
  if (pageCount > 1) parts.push(`page ${page + 1} of ${pageCount}, messages ${first + 1}–${end} of ${total}`);
  return parts.join(' · ');
}

function declareParticipants(lines: DiagramStatement[], declared: Participant[], groups: readonly LifelineGroup[]): void {
  const groupOf = (p: Participant): number => groups.findIndex((g) => g.members.some((k) => k === p.name || p.keys.includes(k)));
  const done = new Set<Participant>();
  const declare = (p: Participant): void => {
    lines.push({ kind: 'participant', id: p.id, name: clipText(p.name, MAX_NAME), detail: p.detail === null ? null : clipText(p.detail, MAX_NAME) });
    done.add(p);
  };
  for (const p of declared) {
    if (done.has(p)) continue;
    const g = groupOf(p);
    if (g < 0) {
      declare(p);
      continue;
    }
    // Mermaid draws a box around contiguous declarations only, so a group's members are declared together
    // where its first member appears.
    lines.push({ kind: 'boxStart', name: clipText(groups[g].name, MAX_NAME) });
    for (const q of declared) if (!done.has(q) && groupOf(q) === g) declare(q);
    lines.push({ kind: 'boxEnd' });
  }
}

function noteOver(a: string, b: string, text: string): DiagramStatement {
  return { kind: 'note', over: [a, b], text };
}

function findingNote(findings: { severity: Severity; text: string }[]): string {
  const shown = findings.slice(0, MAX_NOTES_PER_MESSAGE).map((f) => `${SEVERITY_MARK[f.severity] ?? ''} ${clipText(f.text, MAX_NOTE)}`);
  if (findings.length > MAX_NOTES_PER_MESSAGE) shown.push(`and ${findings.length - MAX_NOTES_PER_MESSAGE} more`);
  return shown.join(' | ');
}

/** Colour slot per dialog id, in order of first appearance over the whole trace so pages agree. */
function dialogBands(visible: readonly SipMessage[], annotations: ReadonlyMap<number, MessageAnnotation>): Map<string, number> {
  const bands = new Map<string, number>();
  if (annotations.size === 0) return bands;
  for (const m of visible) {
    const id = annotations.get(m.index)?.dialogId;
    if (id !== undefined && !bands.has(id)) bands.set(id, bands.size);
  }
  return bands;
}

/**
 * Where each missing step goes in the filtered list: after the visible message at `visiblePosition`
 * (the step's anchor, or the last visible message before it when the filter hid the anchor), -1 for the start.
 * An anchor not in the trace puts the step at the end.
 */
function placeMissingSteps(messages: readonly SipMessage[], visible: readonly SipMessage[], steps: readonly MissingStep[]): { visiblePosition: number; step: MissingStep }[] {
  if (steps.length === 0) return [];
  const visiblePos = new Map<number, number>();
  visible.forEach((m, i) => visiblePos.set(m.index, i));
  const anchorPos = new Map<number, number>();
  let last = -1;
  for (const m of messages) {
    const p = visiblePos.get(m.index);
    if (p !== undefined) last = p;
    anchorPos.set(m.index, last);
  }
  return steps.map((step) => ({
    step,
    visiblePosition: step.afterMessageIndex === null ? -1 : anchorPos.get(step.afterMessageIndex) ?? visible.length - 1,
  }));
}

function findParticipant(participants: readonly Participant[], key: string): number {
  for (let i = 0; i < participants.length; i++) if (participants[i].keys.includes(key)) return i;
  for (let i = 0; i < participants.length; i++) if (participants[i].name === key) return i;
  return -1;
}

function firstTime(messages: readonly SipMessage[]): number | null {
  for (const m of messages) if (m.time !== null) return m.time;
  return null;
}

function clampInt(value: number, min: number, max: number): number {
  const n = Number.isFinite(value) ? Math.trunc(value) : min;
  return n < min ? min : n > max ? max : n;
}
