// What the diagram webview draws, worked out in the trace worker: the selection (flow instance, dialogs, hops or
// end-to-end, filters) through core's export selection, so an export matches the screen; the checker's verdicts;
// intermediate entities grouped in a box; the notices for every limit hit. No vscode import, only core.
import type { Finding } from '../core/model/finding';
import type { SipMessage } from '../core/model/sipMessage';
import type { Correlation } from '../core/dialog/correlate';
import type { FlowInstance } from '../core/flow/checkFlow';
import type { FlowSpec } from '../core/flow/flowSpec';
import { anchorBefore, selectForExport, type ExportView } from '../core/export/exportSelection';
import { sideKey } from '../core/render/participants';
import { messageTitle } from '../core/render/arrowLabel';
import type { LifelineGroup, MissingStep } from '../core/render/sequenceDiagram';
import type { DiagramFilter, DiagramPick, DiagramSelection, DiagramVerdict } from '../protocol/messages';
import { inRange, parseSearchQuery } from './searchQuery';

/** The seed figure's name for the proxies and CSCFs between the UEs (3GPP TS 24.237 figures). */
export const INTERMEDIATE_GROUP = 'Intermediate IM CN subsystem entities';

export const ALL_DIALOGS: DiagramSelection = { flow: null, callIds: [], hops: true };

export interface DiagramView extends ExportView {
  groups: LifelineGroup[];
  notices: string[];
}

/** The selection and filter as the core export selection takes them. */
export function buildDiagramView(
  corr: Correlation, flows: readonly FlowSpec[], readerFindings: readonly Finding[], instances: readonly FlowInstance[],
  selection: DiagramSelection, filter: DiagramFilter,
): DiagramView {
  const view = selectForExport(corr, flows, {
    ...(selection.flow ? { flow: selection.flow } : {}),
    ...(selection.callIds.length ? { dialogs: selection.callIds } : {}),
    hops: selection.hops,
    filter: {
      hideTrying: filter.hideTrying === true,
      hideProvisionalNotify: filter.hideProvisionalNotify === true,
      hideRetransmissions: filter.hideDuplicates === true,
    },
  }, readerFindings);
  if (!view.instance) markFailedInstances(view, instances);
  const notices = view.problems.map((p) => p.message);
  return { ...view, groups: selection.hops ? intermediateGroups(corr) : [], notices };
}

/**
 * The whole-trace view marks every failed instance too: its findings beside the drawn messages they name, and its
 * missing steps where they were due (the instance view does this through the export selection).
 */
function markFailedInstances(view: ExportView, instances: readonly FlowInstance[]): void {
  const drawn = new Set(view.messages.map((m) => m.index));
  for (const instance of instances) {
    if (instance.verdict !== 'fail') continue;
    const label = `${instance.flow} #${instance.instance}`;
    for (const f of instance.findings) {
      const step = f.step === null ? undefined : instance.steps.find((s) => s.id === f.step);
      if (step && step.status === 'missing') {
        view.missingSteps.push({ afterMessageIndex: anchorBefore(instance, step.id, drawn), text: `${label}: missing step ${step.id}: ${f.message}` } satisfies MissingStep);
        continue;
      }
      const at = [...f.messages].reverse().find((i) => drawn.has(i));
      if (at === undefined) continue;
      let note = view.annotations.get(at);
      if (!note) view.annotations.set(at, note = {});
      (note.findings ??= []).push({ severity: f.severity, text: `${label} ${f.code}: ${f.message}` });
    }
  }
}

/**
 * Lifelines that relay: the receiver of a hop that is not the message's last, and the sender of a hop that is not
 * its first (RFC 3261 §16.6 proxies forward the same request). A side that also starts or ends some logical message
 * is an endpoint (a UA), not a relay.
 */
export function intermediateGroups(corr: Correlation): LifelineGroup[] {
  const relays = new Set<string>();
  const ends = new Set<string>();
  const copyOf = (group: number): SipMessage | undefined => corr.messages[corr.groups[group]?.copies[0] ?? -1];
  for (const lm of corr.logical) {
    if (lm.hops.length < 2) continue;
    const hops = lm.hops.map(copyOf);
    hops.forEach((m, k) => {
      if (!m) return;
      if (k > 0) relays.add(sideKey(m, 'src').key);
      else ends.add(sideKey(m, 'src').key);
      if (k < hops.length - 1) relays.add(sideKey(m, 'dst').key);
      else ends.add(sideKey(m, 'dst').key);
    });
  }
  const members = [...relays].filter((k) => !ends.has(k));
  return members.length ? [{ name: INTERMEDIATE_GROUP, members }] : [];
}

export function verdictsOf(instances: readonly FlowInstance[]): DiagramVerdict[] {
  return instances.map((i) => {
    const counted = i.findings.filter((f) => f.severity !== 'info');
    return {
      ref: `${i.flow}#${i.instance}`, flow: i.flow, instance: i.instance, verdict: i.verdict,
      findings: counted.length, firstFinding: counted[0]?.message ?? null,
    };
  });
}

/** Position of a message among the drawn ones; a hop or copy folded into an end-to-end arrow maps to that arrow. */
export function drawnPosition(view: ExportView, corr: Correlation, messageIndex: number): number {
  const at = view.messages.findIndex((m) => m.index === messageIndex);
  if (at >= 0) return at;
  const lid = corr.logicalOf[messageIndex];
  if (lid === undefined || lid < 0) return -1;
  const members = new Set(corr.logical[lid].indexes);
  return view.messages.findIndex((m) => members.has(m.index));
}

// ── the dialog / flow-instance search ──

interface IndexEntry {
  pick: DiagramPick;
  haystack: string;
  /** Times (epoch seconds) of the entry's first and last message, for a time: range; null when untimed. */
  first: number | null;
  last: number | null;
}

/** Earliest and latest time of some messages (a text trace without timestamps has none). */
function spanOf(messages: readonly SipMessage[], indexes: Iterable<number>): { first: number | null; last: number | null } {
  let first: number | null = null;
  let last: number | null = null;
  for (const index of indexes) {
    const t = messages[index]?.time;
    if (t === null || t === undefined || !Number.isFinite(t)) continue;
    if (first === null || t < first) first = t;
    if (last === null || t > last) last = t;
  }
  return { first, last };
}

/** `12:00:05.123 UTC (+3.204 s)`: when an entry starts, as a time of day and as the diagram's offset. */
function startText(time: number | null, traceStart: number | null): string {
  if (time === null) return '';
  const clock = new Date(time * 1000).toISOString().slice(11, 23);
  return traceStart === null ? `${clock} UTC` : `${clock} UTC (+${(time - traceStart).toFixed(3)} s)`;
}

/**
 * One entry per flow instance and per Call-ID, with the text a search matches (Call-ID, URIs, users, methods,
 * statuses) and the time span of its messages (for a time: range, searchQuery.ts). Built once per trace and
 * analysis; a search is one linear pass of substring tests (30,000 Call-IDs take a few milliseconds).
 */
export function buildSearchIndex(messages: readonly SipMessage[], instances: readonly FlowInstance[]): SearchIndex {
  const entries: IndexEntry[] = [];
  const traceStart = spanOf(messages, messages.keys()).first;
  for (const i of instances) {
    const roles = Object.entries(i.roles).map(([role, uri]) => `${role}=${uri ?? '?'}`).join(' ');
    const callIds = new Set<string>();
    for (const s of i.steps) for (const index of s.messages) { const c = messages[index]?.callId; if (c) callIds.add(c); }
    const span = spanOf(messages, i.steps.flatMap((s) => s.messages));
    const failing = i.findings.filter((f) => f.severity !== 'info');
    const pick: DiagramPick = {
      kind: 'instance',
      label: `${i.verdict === 'pass' ? '✔' : '✖'} ${i.flow} #${i.instance}: ${i.verdict.toUpperCase()}`,
      description: failing.length ? `${failing.length} finding(s)` : 'no findings',
      detail: roles,
      selection: { flow: `${i.flow}#${i.instance}`, callIds: [], hops: true },
    };
    entries.push({ pick, haystack: `${pick.label} ${roles} ${[...callIds].join(' ')} ${failing.map((f) => f.code).join(' ')}`.toLowerCase(), ...span });
  }
  const byCallId = new Map<string, { count: number; first: SipMessage; uris: Set<string>; titles: Set<string>; start: number | null; end: number | null }>();
  for (const m of messages) {
    if (m.callId === null) continue;
    let e = byCallId.get(m.callId);
    if (!e) byCallId.set(m.callId, e = { count: 0, first: m, uris: new Set(), titles: new Set(), start: null, end: null });
    e.count++;
    if (m.time !== null && Number.isFinite(m.time)) {
      if (e.start === null || m.time < e.start) e.start = m.time;
      if (e.end === null || m.time > e.end) e.end = m.time;
    }
    if (e.titles.size < 24) e.titles.add(messageTitle(m));
    if (e.uris.size < 8) {
      if (m.from) e.uris.add(m.from.uri);
      if (m.to) e.uris.add(m.to.uri);
      if (m.requestUri) e.uris.add(m.requestUri);
    }
  }
  for (const [callId, e] of byCallId) {
    const from = e.first.from?.uri ?? '?';
    const to = e.first.to?.uri ?? '?';
    const titles = [...e.titles].join(', ');
    const pick: DiagramPick = {
      kind: 'dialog',
      label: `${messageTitle(e.first)} ${from} → ${to}`,
      description: `Call-ID ${callId}`,
      detail: `${e.start === null ? '' : `${startText(e.start, traceStart)} · `}${e.count} message(s): ${titles}`,
      selection: { flow: null, callIds: [callId], hops: true },
    };
    entries.push({ pick, haystack: `${callId} ${[...e.uris].join(' ')} ${titles}`.toLowerCase(), first: e.start, last: e.end });
  }
  return { entries, traceStart };
}

export interface SearchIndex {
  entries: IndexEntry[];
  /** The trace's earliest message time: what `time:+3` and the picker's offsets count from. */
  traceStart: number | null;
}

export function searchIndex(index: SearchIndex, query: string, limit: number): SearchResult {
  const parsed = parseSearchQuery(query, index.traceStart);
  if (parsed.problem !== null) return { picks: [], total: 0, problem: parsed.problem };
  const { words } = parsed;
  const picks: DiagramPick[] = [];
  let total = 0;
  for (const e of index.entries) {
    if (!words.every((w) => e.haystack.includes(w)) || !inRange(parsed, e.first, e.last)) continue;
    total++;
    if (picks.length < limit) picks.push(e.pick);
  }
  return { picks, total, problem: null };
}

export interface SearchResult {
  picks: DiagramPick[];
  total: number;
  /** A query the search could not read (a time: range it did not understand), said to the user. */
  problem: string | null;
}
