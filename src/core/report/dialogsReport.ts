// `siptrail dialogs`: the correlation of a trace — dialogs with their state over time, B2BUA calls with the
// evidence linking their legs, REFER relations, and the messages folded from hops, retransmissions and duplicates.
// Every reference to a message is its index in the `messages` listing.
import type { Correlation } from '../dialog/correlate';
import type { Dialog } from '../dialog/dialogs';
import type { TraceFinding, TraceInfo } from './checkReport';

export interface DialogsReport {
  trace: TraceInfo;
  dialogs: {
    id: number; callId: string; localTag: string; remoteTag: string | null; method: string | null; usage: Dialog['usage'];
    caller: string | null; callee: string | null; state: Dialog['state'];
    states: { state: string; cause: string; message: number }[];
    terminatedBy: { cause: string; message: number } | null;
    subscriptions: { event: string; id: string | null; state: string; notifies: number[]; terminatedBy: number | null }[];
    forks: number[];
    messages: number[];
  }[];
  calls: { callIds: string[]; links: { callIds: [string, string]; evidence: string; value: string; header?: string; messages: [number, number] }[] }[];
  refers: {
    refer: number; referTo: string | null; subscriptionDialog: number | null; notifies: number[];
    triggeredInvite: number | null; inviteEvidence: string[]; originalSession: number | null; originalEvidence: string | null;
  }[];
  /** Logical messages seen more than once: at several hops, retransmitted, or captured twice. */
  folded: { message: number; hops: number[][]; retransmissions: number[]; duplicates: number[] }[];
  findings: TraceFinding[];
}

export function buildDialogsReport(trace: TraceInfo, corr: Correlation, readerFindings: TraceFinding[] = []): DialogsReport {
  const first = (lid: number): number => corr.logical[lid].first;
  const dialogs = corr.dialogs.map((d) => ({
    id: d.id, callId: d.callId, localTag: d.localTag, remoteTag: d.remoteTag, method: d.method, usage: d.usage,
    caller: d.caller.uri, callee: d.callee.uri, state: d.state,
    states: d.states.map((s) => ({ state: s.state, cause: s.cause, message: first(s.logical) })),
    terminatedBy: d.terminatedBy ? { cause: d.terminatedBy.cause, message: first(d.terminatedBy.logical) } : null,
    subscriptions: d.subscriptions.map((s) => ({
      event: s.event, id: s.id, state: s.state, notifies: s.notifies.map(first), terminatedBy: s.terminatedBy === null ? null : first(s.terminatedBy),
    })),
    forks: d.forks.slice(),
    messages: [...new Set(d.messages.flatMap((lid) => corr.logical[lid].indexes))].sort((a, b) => a - b),
  }));
  const calls = corr.calls.filter((c) => c.callIds.length > 1).map((c) => ({ callIds: c.callIds, links: c.links }));
  const refers = corr.refers.map((r) => ({
    refer: first(r.refer), referTo: r.referTo, subscriptionDialog: r.subscriptionDialog, notifies: r.notifies.map(first),
    triggeredInvite: r.triggeredInvite === null ? null : first(r.triggeredInvite), inviteEvidence: r.inviteEvidence,
    originalSession: r.originalSession, originalEvidence: r.originalEvidence,
  }));
  const folded: DialogsReport['folded'] = [];
  for (const lm of corr.logical) {
    if (lm.indexes.length < 2) continue;
    const groups = lm.hops.map((g) => corr.groups[g]);
    folded.push({
      message: lm.first,
      hops: groups.map((g) => g.copies.slice()),
      retransmissions: groups.flatMap((g) => g.retransmissions).sort((a, b) => a - b),
      duplicates: groups.flatMap((g) => g.duplicates).sort((a, b) => a - b),
    });
  }
  const findings: TraceFinding[] = [...readerFindings];
  for (const f of corr.findings) {
    const tf: TraceFinding = { code: f.code, severity: f.severity, message: f.message, messages: f.messageIndex !== undefined ? [f.messageIndex] : [] };
    if (f.source) tf.source = f.source;
    findings.push(tf);
  }
  return { trace, dialogs, calls, refers, folded, findings };
}

export function formatDialogsText(r: DialogsReport): string {
  const lines: string[] = [`trace ${r.trace.path} (${r.trace.format}): ${r.dialogs.length} dialog(s)`];
  for (const d of r.dialogs) {
    lines.push('');
    lines.push(`dialog ${d.id}  ${d.method ?? '(mid-dialog)'}  ${d.state.toUpperCase()}  Call-ID ${d.callId}  tags ${d.localTag}/${d.remoteTag ?? '-'}`);
    lines.push(`  ${d.caller ?? '?'} -> ${d.callee ?? '?'}`);
    lines.push(`  states: ${d.states.map((s) => `${s.state} (${s.cause}, #${s.message})`).join(' -> ') || 'trying'}`);
    for (const s of d.subscriptions) {
      lines.push(`  subscription ${s.event}${s.id ? `;id=${s.id}` : ''}: ${s.state}${s.notifies.length ? `, NOTIFY ${s.notifies.map((n) => `#${n}`).join(' ')}` : ''}`);
    }
    if (d.forks.length) lines.push(`  forks: dialog ${d.forks.join(', ')}`);
    lines.push(`  messages: ${d.messages.map((m) => `#${m}`).join(' ')}`);
  }
  for (const c of r.calls) {
    lines.push('');
    lines.push(`call legs: ${c.callIds.join(' | ')}`);
    for (const l of c.links) lines.push(`  ${l.callIds[0]} <-> ${l.callIds[1]}: ${l.evidence}${l.header ? ` (${l.header})` : ''} ${l.value} (#${l.messages[0]}, #${l.messages[1]})`);
  }
  for (const x of r.refers) {
    lines.push('');
    lines.push(`REFER #${x.refer} -> ${x.referTo ?? '?'}`);
    lines.push(`  subscription: ${x.subscriptionDialog === null ? 'none seen' : `dialog ${x.subscriptionDialog}`}${x.notifies.length ? `, NOTIFY ${x.notifies.map((n) => `#${n}`).join(' ')}` : ''}`);
    lines.push(`  triggered INVITE: ${x.triggeredInvite === null ? 'none seen' : `#${x.triggeredInvite} (${x.inviteEvidence.join(', ')})`}`);
    lines.push(`  original session: ${x.originalSession === null ? 'none seen' : `dialog ${x.originalSession} (${x.originalEvidence})`}`);
  }
  if (r.findings.length) {
    lines.push('');
    for (const f of r.findings) lines.push(`${f.severity} ${f.code}: ${f.message}`);
  }
  return lines.join('\n') + '\n';
}
