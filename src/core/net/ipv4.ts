// IPv4 header (RFC 791 §3.1), options skipped through IHL.

import { problem, type LayerProblem } from './layerProblem';
import { readU16 } from './wireBytes';
import { formatIpv4 } from './ipAddress';

export interface Ipv4Header {
  src: string;
  dst: string;
  protocol: number;
  id: number;
  headerOffset: number;
  payloadOffset: number;
  /** End of the IP payload: the Total Length, or the end of the data when the packet was cut short. */
  payloadEnd: number;
  /** Fragment offset in bytes (the header field counts 8-octet units). */
  fragmentOffset: number;
  moreFragments: boolean;
  /** Bytes the Total Length claims beyond the captured data (0 when the packet is whole). */
  missingBytes: number;
  /** Total Length was 0, as NICs doing segmentation offload report it; the captured length was used. */
  zeroTotalLength: boolean;
}

export function parseIpv4(data: Uint8Array, offset: number, end: number): Ipv4Header | LayerProblem {
  const available = end - offset;
  if (available < 20) {
    return problem('net.ipv4.header-truncated', `Expected an IPv4 header of at least 20 bytes, but only ${Math.max(0, available)} remain.`, offset, true);
  }
  const version = data[offset] >> 4;
  if (version !== 4) {
    return problem('net.ipv4.bad-version', `Expected IP version 4, but the version field is ${version}.`, offset);
  }
  const headerLength = (data[offset] & 0x0f) * 4;
  if (headerLength < 20) {
    return problem('net.ipv4.bad-header-length', `Expected an IHL of at least 5 (RFC 791 §3.1), but it is ${headerLength / 4}.`, offset);
  }
  if (headerLength > available) {
    return problem('net.ipv4.header-truncated', `Expected ${headerLength} header bytes (IHL ${headerLength / 4}), but only ${available} remain.`, offset, true);
  }
  let totalLength = readU16(data, offset + 2);
  const zeroTotalLength = totalLength === 0;
  if (zeroTotalLength) totalLength = available;
  if (totalLength < headerLength) {
    return problem('net.ipv4.bad-total-length', `Expected a Total Length of at least the ${headerLength}-byte header, but it is ${totalLength}.`, offset + 2);
  }
  const flagsFragment = readU16(data, offset + 6);
  const claimedEnd = offset + totalLength;
  return {
    src: formatIpv4(data, offset + 12),
    dst: formatIpv4(data, offset + 16),
    protocol: data[offset + 9],
    id: readU16(data, offset + 4),
    headerOffset: offset,
    payloadOffset: offset + headerLength,
    payloadEnd: Math.min(claimedEnd, end),
    fragmentOffset: (flagsFragment & 0x1fff) * 8,
    moreFragments: (flagsFragment & 0x2000) !== 0,
    missingBytes: Math.max(0, claimedEnd - end),
    zeroTotalLength,
  };
}
