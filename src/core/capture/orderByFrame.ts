// Messages held back by reassembly (a TCP gap resolved late, an IP datagram flushed at end of capture) come out
// after messages of later frames. The list users see follows the capture's frame order, as tshark's does, so
// after the whole capture is read the messages are stably sorted by frame and their indexes renumbered.
import type { Finding } from '../model/finding';
import type { SipMessage } from '../model/sipMessage';

function frameOf(m: SipMessage): number {
  return 'frame' in m.source ? m.source.frame : 0;
}

/** Sorts in place by frame (stable) and rewrites index, duplicateOf and findings' messageIndex to match. */
export function orderByFrame(messages: SipMessage[], findings: Finding[]): void {
  let sorted = true;
  for (let i = 1; i < messages.length && sorted; i++) sorted = frameOf(messages[i - 1]) <= frameOf(messages[i]);
  if (sorted) return;
  messages.sort((a, b) => frameOf(a) - frameOf(b) || a.index - b.index);
  const newIndex = new Map<number, number>();
  messages.forEach((m, i) => newIndex.set(m.index, i));
  for (const m of messages) {
    m.index = newIndex.get(m.index)!;
    if (m.duplicateOf !== undefined) m.duplicateOf = newIndex.get(m.duplicateOf);
  }
  for (const f of findings) if (f.messageIndex !== undefined) f.messageIndex = newIndex.get(f.messageIndex);
}
