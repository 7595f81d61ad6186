// Several logs of one call (each UE's or element's own log) read as one trace. A message seen in two logs is the
// same SIP message when its transaction and dialog keys agree (RFC 3261 §17.1.3/§17.2.3: top Via branch + CSeq
// method; plus Call-ID, CSeq number and status). The clock skew between two logs is estimated from those matches
// and removed, and the correction is reported as a `trace.clock-skew` finding.
import type { Finding } from '../model/finding';
import type { SipMessage } from '../model/sipMessage';

/** Skews below this are clock noise, not worth a correction or a finding (seconds). */
const MIN_REPORTED_SKEW = 0.001;

function matchKey(m: SipMessage): string | null {
  if (m.callId === null || m.cseq === null) return null;
  const branch = m.vias[0]?.branch ?? '';
  const what = m.kind === 'request' ? `Q ${m.method}` : `S ${m.status}`;
  return `${m.callId}\u0000${m.cseq.seq} ${m.cseq.method}\u0000${what}\u0000${branch}`;
}

function median(sorted: number[]): number {
  const n = sorted.length;
  return n % 2 === 1 ? sorted[(n - 1) >> 1] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
}

/**
 * Skew of a log against the reference from the time differences of matched messages. Each difference is skew plus
 * or minus the one-way delay (the receiver's copy is later): the mean of the lower and upper half medians cancels a
 * symmetric delay, and medians keep a retransmission matched to the wrong copy from pulling the estimate.
 */
function estimateSkew(differences: number[]): number {
  const d = [...differences].sort((a, b) => a - b);
  if (d.length < 2) return d[0];
  const half = d.length >> 1;
  return (median(d.slice(0, half)) + median(d.slice(d.length - half))) / 2;
}

function formatSeconds(s: number): string {
  return `${Math.abs(s).toFixed(3)} s`;
}

/** Several logs as one trace: matched copies marked as duplicates, clock skew corrected, messages in time order. */
export function mergeTraces(traces: { name: string; messages: SipMessage[] }[]): { messages: SipMessage[]; findings: Finding[] } {
  const findings: Finding[] = [];
  // First copy of each message seen so far, with its (corrected) time.
  const seen = new Map<string, { time: number | null; trace: number; message: SipMessage }>();
  const offsets: number[] = [];
  traces.forEach((trace, t) => {
    let offset = 0;
    if (t > 0) {
      const differences: number[] = [];
      const usedKeys = new Set<string>();
      for (const m of trace.messages) {
        const key = matchKey(m);
        if (key === null || usedKeys.has(key)) continue; // first copy only: retransmissions would blur the estimate
        usedKeys.add(key);
        const ref = seen.get(key);
        if (ref && ref.time !== null && m.time !== null) differences.push(m.time - ref.time);
      }
      if (differences.length === 0) {
        const anyMatch = trace.messages.some((m) => { const k = matchKey(m); return k !== null && seen.has(k); });
        if (trace.messages.length > 0) {
          findings.push({
            code: anyMatch ? 'trace.clock-skew-unknown' : 'trace.no-common-messages',
            severity: 'warning',
            message: anyMatch
              ? `"${trace.name}" shares messages with the logs before it, but without timestamps on both sides, so its clock cannot be aligned; its times are used as they are.`
              : `"${trace.name}" should share at least one message with the logs before it to align its clock, but none of its ${trace.messages.length} messages appears in them; its times are used as they are.`,
            source: trace.messages[0].source,
          });
        }
      } else {
        const skew = estimateSkew(differences);
        if (Math.abs(skew) >= MIN_REPORTED_SKEW) {
          offset = -skew;
          findings.push({
            code: 'trace.clock-skew',
            severity: 'info',
            message: `"${trace.name}" runs ${formatSeconds(skew)} ${skew > 0 ? 'ahead of' : 'behind'} "${traces[0].name}" (estimated from ${differences.length} message${differences.length === 1 ? '' : 's'} seen in both); its times were shifted by ${skew > 0 ? '-' : '+'}${formatSeconds(skew)}.`,
            source: trace.messages[0]?.source,
          });
        }
      }
    }
    offsets.push(offset);
    for (const m of trace.messages) {
      const key = matchKey(m);
      if (key !== null && !seen.has(key)) seen.set(key, { time: m.time === null ? null : m.time + offset, trace: t, message: m });
    }
  });

  // Order: corrected time; a message without time keeps its place after the previous message of its own log.
  const entries: { m: SipMessage; time: number | null; key: number; trace: number; pos: number }[] = [];
  traces.forEach((trace, t) => {
    let carry = Number.NEGATIVE_INFINITY;
    trace.messages.forEach((m, pos) => {
      const time = m.time === null ? null : m.time + offsets[t];
      if (time !== null) carry = time;
      entries.push({ m, time, key: carry, trace: t, pos });
    });
  });
  entries.sort((a, b) => (a.key - b.key) || (a.trace - b.trace) || (a.pos - b.pos));

  // The n-th copy of a message in one log pairs with the n-th copy in another (retransmissions stay apart).
  const firstIndex = new Map<string, { index: number; trace: number }>();
  const occurrences = new Map<string, number>();
  const messages: SipMessage[] = entries.map((e, index) => {
    const source = 'line' in e.m.source ? { ...e.m.source, file: e.m.source.file ?? traces[e.trace].name } : e.m.source;
    const merged: SipMessage = { ...e.m, index, time: e.time, source };
    const key = matchKey(e.m);
    if (key !== null) {
      const perTrace = `${e.trace}\u0000${key}`;
      const n = occurrences.get(perTrace) ?? 0;
      occurrences.set(perTrace, n + 1);
      const copyKey = `${key}\u0000${n}`;
      const first = firstIndex.get(copyKey);
      if (first === undefined) firstIndex.set(copyKey, { index, trace: e.trace });
      else if (first.trace !== e.trace) merged.duplicateOf = first.index;
    }
    return merged;
  });
  return { messages, findings };
}
