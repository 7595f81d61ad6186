// PPP framing (RFC 1661), as captured on PPP links and carried in enhanced GRE (RFC 2637).

import { problem, type LayerProblem } from './layerProblem';
import { ETHERTYPE_IPV4, ETHERTYPE_IPV6, ETHERTYPE_NONE } from './etherTypes';

export interface PppHeader {
  /** The carried protocol as an EtherType (IPv4/IPv6), or ETHERTYPE_NONE for control protocols. */
  etherType: number;
  pppProtocol: number;
  payloadOffset: number;
}

const PPP_IPV4 = 0x0021;
const PPP_IPV6 = 0x0057;

export function parsePpp(data: Uint8Array, offset: number, end: number): PppHeader | LayerProblem {
  let pos = offset;
  // Address/control field (0xFF 0x03) may be compressed away (RFC 1661 §6.6 ACFC).
  if (end - pos >= 2 && data[pos] === 0xff && data[pos + 1] === 0x03) pos += 2;
  if (end - pos < 1) return problem('net.ppp.header-truncated', 'Expected a PPP protocol field, but the packet ends before it.', pos, true);
  let pppProtocol: number;
  // Protocol field compression (RFC 1661 §6.5): an odd first octet is a one-octet protocol.
  if (data[pos] & 1) {
    pppProtocol = data[pos];
    pos += 1;
  } else {
    if (end - pos < 2) return problem('net.ppp.header-truncated', 'Expected a 2-byte PPP protocol field, but the packet ends inside it.', pos, true);
    pppProtocol = (data[pos] << 8) | data[pos + 1];
    pos += 2;
  }
  const etherType = pppProtocol === PPP_IPV4 ? ETHERTYPE_IPV4 : pppProtocol === PPP_IPV6 ? ETHERTYPE_IPV6 : ETHERTYPE_NONE;
  return { etherType, pppProtocol, payloadOffset: pos };
}
