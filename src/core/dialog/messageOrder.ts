// Time order of a trace (captures merged out of order, logs from several elements): correlation works on ranks, not
// on list positions, so a response never precedes its request just because its file came first.
import type { SipMessage } from '../model/sipMessage';

export interface MessageOrder {
  /** Message indexes sorted by time; messages without a time keep their place after the last timed message before them. */
  order: number[];
  /** rank[index] = position of that message in `order`. */
  rank: Int32Array;
}

export function orderMessages(messages: readonly SipMessage[]): MessageOrder {
  const n = messages.length;
  const effective = new Float64Array(n);
  let last = -Infinity;
  for (let i = 0; i < n; i++) {
    const t = messages[i].time;
    if (t !== null && Number.isFinite(t)) last = t;
    effective[i] = last;
  }
  const order = Array.from({ length: n }, (_, i) => i);
  order.sort((a, b) => effective[a] - effective[b] || a - b);
  const rank = new Int32Array(n);
  for (let r = 0; r < n; r++) rank[order[r]] = r;
  return { order, rank };
}
