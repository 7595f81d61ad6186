// TCP segment header (RFC 9293 §3.1); options skipped through Data Offset.

import { problem, type LayerProblem } from './layerProblem';
import { readU16, readU32 } from './wireBytes';

export const TCP_FIN = 0x01;
export const TCP_SYN = 0x02;
export const TCP_RST = 0x04;
export const TCP_PSH = 0x08;
export const TCP_ACK = 0x10;

export interface TcpHeader {
  srcPort: number;
  dstPort: number;
  seq: number;
  ack: number;
  /** The 9 flag bits (NS..FIN), as TransportPayload.tcp.flags carries them. */
  flags: number;
  payloadOffset: number;
}

export function parseTcp(data: Uint8Array, offset: number, end: number): TcpHeader | LayerProblem {
  if (end - offset < 20) return problem('net.tcp.header-truncated', `Expected a TCP header of at least 20 bytes, but only ${Math.max(0, end - offset)} remain.`, offset, true);
  const headerLength = (data[offset + 12] >> 4) * 4;
  if (headerLength < 20) return problem('net.tcp.bad-data-offset', `Expected a TCP Data Offset of at least 5 (RFC 9293 §3.1), but it is ${headerLength / 4}.`, offset + 12);
  if (end - offset < headerLength) return problem('net.tcp.header-truncated', `Expected ${headerLength} TCP header bytes, but only ${end - offset} remain.`, offset, true);
  return {
    srcPort: readU16(data, offset),
    dstPort: readU16(data, offset + 2),
    seq: readU32(data, offset + 4),
    ack: readU32(data, offset + 8),
    flags: ((data[offset + 12] & 0x01) << 8) | data[offset + 13],
    payloadOffset: offset + headerLength,
  };
}
