// MPLS label stack (RFC 3032 §2.1), as seen on operator core links; the payload type is guessed from its first nibble.

import { problem, type LayerProblem } from './layerProblem';
import { ETHERTYPE_IPV4, ETHERTYPE_IPV6, ETHERTYPE_NONE, ETHERTYPE_TEB } from './etherTypes';

export interface MplsStack {
  labels: number[];
  /** IPv4/IPv6, ETHERTYPE_TEB for an Ethernet pseudowire with control word, else ETHERTYPE_NONE. */
  etherType: number;
  payloadOffset: number;
}

const MAX_LABELS = 16;

export function parseMpls(data: Uint8Array, offset: number, end: number): MplsStack | LayerProblem {
  const labels: number[] = [];
  let pos = offset;
  for (;;) {
    if (end - pos < 4) return problem('net.mpls.label-truncated', 'Expected a 4-byte MPLS label stack entry, but the packet ends inside it.', pos, true);
    labels.push((data[pos] << 12) | (data[pos + 1] << 4) | (data[pos + 2] >> 4));
    const bottom = (data[pos + 2] & 0x01) !== 0;
    pos += 4;
    if (bottom) break;
    if (labels.length >= MAX_LABELS) return problem('net.mpls.stack-too-deep', `Expected a bottom-of-stack label within ${MAX_LABELS} entries, but none was found.`, pos);
  }
  if (pos >= end) return { labels, etherType: ETHERTYPE_NONE, payloadOffset: pos };
  const nibble = data[pos] >> 4;
  if (nibble === 4) return { labels, etherType: ETHERTYPE_IPV4, payloadOffset: pos };
  if (nibble === 6) return { labels, etherType: ETHERTYPE_IPV6, payloadOffset: pos };
  // RFC 4448 §4.6: an Ethernet pseudowire control word starts with a zero nibble.
  if (nibble === 0 && end - pos >= 4 + 14) return { labels, etherType: ETHERTYPE_TEB, payloadOffset: pos + 4 };
  return { labels, etherType: ETHERTYPE_NONE, payloadOffset: pos };
}
