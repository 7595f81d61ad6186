// PPPoE session stage header (RFC 2516 §4): 6 bytes, then a PPP protocol field and the packet.

import { problem, type LayerProblem } from './layerProblem';
import { readU16 } from './wireBytes';

export const ETHERTYPE_PPPOE_DISCOVERY = 0x8863;
export const ETHERTYPE_PPPOE_SESSION = 0x8864;

export interface PppoeHeader {
  sessionId: number;
  /** Where the PPP protocol field starts. */
  pppOffset: number;
  /** End of the PPP frame per the header's Length field (bounded by the data). */
  end: number;
}

export function parsePppoeSession(data: Uint8Array, offset: number, end: number): PppoeHeader | LayerProblem {
  if (end - offset < 6) return problem('net.pppoe.header-truncated', `Expected a 6-byte PPPoE header, but only ${Math.max(0, end - offset)} remain.`, offset, true);
  if (data[offset] !== 0x11 || data[offset + 1] !== 0x00) {
    return problem('net.pppoe.bad-header', `Expected PPPoE version 1, type 1, code 0 in a session packet (RFC 2516 §4), but the header starts 0x${data[offset].toString(16)} 0x${data[offset + 1].toString(16)}.`, offset);
  }
  const length = readU16(data, offset + 4);
  return { sessionId: readU16(data, offset + 2), pppOffset: offset + 6, end: Math.min(end, offset + 6 + length) };
}
