// UDP header (RFC 768). Checksums are not verified: captures taken with checksum offload carry wrong ones.

import { problem, type LayerProblem } from './layerProblem';
import { readU16 } from './wireBytes';

export interface UdpHeader {
  srcPort: number;
  dstPort: number;
  payloadOffset: number;
  payloadEnd: number;
  /** Bytes the Length field claims beyond the data (0 when the datagram is whole). */
  missingBytes: number;
}

export function parseUdp(data: Uint8Array, offset: number, end: number): UdpHeader | LayerProblem {
  if (end - offset < 8) return problem('net.udp.header-truncated', `Expected an 8-byte UDP header, but only ${Math.max(0, end - offset)} remain.`, offset, true);
  let length = readU16(data, offset + 4);
  // 0 is a jumbogram (RFC 2675 §4) or offload artefact: the IP payload length governs.
  if (length === 0) length = end - offset;
  if (length < 8) return problem('net.udp.bad-length', `Expected a UDP Length of at least 8 (RFC 768), but it is ${length}.`, offset + 4);
  const claimedEnd = offset + length;
  return {
    srcPort: readU16(data, offset),
    dstPort: readU16(data, offset + 2),
    payloadOffset: offset + 8,
    payloadEnd: Math.min(claimedEnd, end),
    missingBytes: Math.max(0, claimedEnd - end),
  };
}
