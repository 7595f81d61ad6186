// IPv6 fixed header and extension header chain (RFC 8200 §3, §4).

import { problem, type LayerProblem } from './layerProblem';
import { readU16, readU32 } from './wireBytes';
import { formatIpv6 } from './ipAddress';
import {
  IPPROTO_AH, IPPROTO_DSTOPTS, IPPROTO_FRAGMENT, IPPROTO_HOPOPTS, IPPROTO_ROUTING,
} from './ipProtocols';

export interface Ipv6Header {
  src: string;
  dst: string;
  nextHeader: number;
  headerOffset: number;
  payloadOffset: number;
  /** End of the payload: the Payload Length, or the end of the data when the packet was cut short. */
  payloadEnd: number;
  /** Bytes the Payload Length claims beyond the captured data (0 when the packet is whole). */
  missingBytes: number;
}

export interface Ipv6Fragment {
  /** Fragment offset in bytes. */
  offset: number;
  moreFragments: boolean;
  id: number;
  /** Next Header of the fragmentable part (the protocol after reassembly). */
  nextHeader: number;
}

export interface Ipv6UpperLayer {
  /** Upper-layer protocol number (or the protocol carried by the fragment when `fragment` is set). */
  protocol: number;
  /** Where the upper-layer data (or the fragment data) starts. */
  offset: number;
  fragment?: Ipv6Fragment;
  /** Non-fatal oddities in the chain, e.g. a Hop-by-Hop header that is not first. */
  notes: LayerProblem[];
}

export function parseIpv6(data: Uint8Array, offset: number, end: number): Ipv6Header | LayerProblem {
  const available = end - offset;
  if (available < 40) {
    return problem('net.ipv6.header-truncated', `Expected a 40-byte IPv6 header, but only ${Math.max(0, available)} remain.`, offset, true);
  }
  const version = data[offset] >> 4;
  if (version !== 6) {
    return problem('net.ipv6.bad-version', `Expected IP version 6, but the version field is ${version}.`, offset);
  }
  let payloadLength = readU16(data, offset + 4);
  // 0 is a jumbogram (RFC 2675) or a segmentation-offload capture: take what was captured.
  if (payloadLength === 0) payloadLength = available - 40;
  const claimedEnd = offset + 40 + payloadLength;
  return {
    src: formatIpv6(data, offset + 8),
    dst: formatIpv6(data, offset + 24),
    nextHeader: data[offset + 6],
    headerOffset: offset,
    payloadOffset: offset + 40,
    payloadEnd: Math.min(claimedEnd, end),
    missingBytes: Math.max(0, claimedEnd - end),
  };
}

const MAX_EXTENSION_HEADERS = 16;

/**
 * Follows the extension header chain from `nextHeader` at `offset` until an upper-layer protocol
 * or a Fragment header (whose fragmentable part can only be read after reassembly).
 * `first` says whether the chain starts right after the fixed header (where Hop-by-Hop must be, RFC 8200 §4.3).
 */
export function walkExtensionHeaders(data: Uint8Array, offset: number, end: number, nextHeader: number, first: boolean): Ipv6UpperLayer | LayerProblem {
  const notes: LayerProblem[] = [];
  let pos = offset;
  let header = nextHeader;
  for (let count = 0; ; count++) {
    if (count > MAX_EXTENSION_HEADERS) {
      return problem('net.ipv6.extension-chain-too-long', `Expected at most ${MAX_EXTENSION_HEADERS} extension headers, but the chain goes on.`, pos);
    }
    switch (header) {
      case IPPROTO_HOPOPTS:
      case IPPROTO_ROUTING:
      case IPPROTO_DSTOPTS: {
        if (header === IPPROTO_HOPOPTS && !(first && count === 0)) {
          notes.push(problem('net.ipv6.misplaced-hop-by-hop', 'Expected the Hop-by-Hop Options header only right after the IPv6 header (RFC 8200 §4.3), but it appears later in the chain.', pos));
        }
        if (end - pos < 8) return ranOut(pos, end, header);
        const length = (data[pos + 1] + 1) * 8;
        if (end - pos < length) return ranOut(pos, end, header);
        header = data[pos];
        pos += length;
        break;
      }
      case IPPROTO_AH: {
        // RFC 4302 §2.2: Payload Len counts 4-octet units, minus 2.
        if (end - pos < 12) return ranOut(pos, end, header);
        const length = (data[pos + 1] + 2) * 4;
        if (end - pos < length) return ranOut(pos, end, header);
        header = data[pos];
        pos += length;
        break;
      }
      case IPPROTO_FRAGMENT: {
        if (end - pos < 8) return ranOut(pos, end, header);
        const offsetFlags = readU16(data, pos + 2);
        return {
          protocol: data[pos],
          offset: pos + 8,
          fragment: {
            offset: offsetFlags & 0xfff8,
            moreFragments: (offsetFlags & 1) !== 0,
            id: readU32(data, pos + 4),
            nextHeader: data[pos],
          },
          notes,
        };
      }
      default:
        return { protocol: header, offset: pos, notes };
    }
  }
}

function ranOut(pos: number, end: number, header: number): LayerProblem {
  return problem('net.ipv6.extension-header-truncated', `Expected a complete IPv6 extension header (type ${header}), but only ${Math.max(0, end - pos)} bytes remain.`, pos, true);
}
