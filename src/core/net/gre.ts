// GRE header: RFC 2784 with RFC 2890 key/sequence, RFC 1701 routing, and version 1 enhanced GRE (RFC 2637, PPTP).

import { problem, type LayerProblem } from './layerProblem';
import { readU16, readU32 } from './wireBytes';

export interface GreHeader {
  version: number;
  /** Protocol Type of the payload, an EtherType (RFC 2784 §2.4). */
  protocolType: number;
  /** RFC 2890 key, or the PPTP call id for version 1. */
  key?: number;
  payloadOffset: number;
}

const FLAG_CHECKSUM = 0x80;
const FLAG_ROUTING = 0x40;
const FLAG_KEY = 0x20;
const FLAG_SEQUENCE = 0x10;
const FLAG_ACK = 0x80; // second octet, version 1 only

export function parseGre(data: Uint8Array, offset: number, end: number): GreHeader | LayerProblem {
  if (end - offset < 4) return problem('net.gre.header-truncated', `Expected a GRE header of at least 4 bytes, but only ${Math.max(0, end - offset)} remain.`, offset, true);
  const flags = data[offset];
  const version = data[offset + 1] & 0x07;
  const protocolType = readU16(data, offset + 2);
  let pos = offset + 4;
  let key: number | undefined;
  if (version === 1) {
    // RFC 2637 §4.1: key present (payload length + call id), optional sequence and acknowledgment numbers.
    if (!(flags & FLAG_KEY)) return problem('net.gre.bad-enhanced-header', 'Expected the Key bit set in an enhanced GRE (version 1) header (RFC 2637 §4.1), but it is clear.', offset);
    let length = 4;
    if (flags & FLAG_SEQUENCE) length += 4;
    if (data[offset + 1] & FLAG_ACK) length += 4;
    if (end - pos < length) return truncated(pos, end);
    key = readU16(data, pos + 2);
    return { version, protocolType, key, payloadOffset: pos + length };
  }
  if (version !== 0) return problem('net.gre.bad-version', `Expected GRE version 0 or 1, but the header says ${version}.`, offset + 1);
  if (flags & (FLAG_CHECKSUM | FLAG_ROUTING)) pos += 4; // checksum + offset (RFC 1701 §2.1)
  if (flags & FLAG_KEY) {
    if (end - pos < 4) return truncated(pos, end);
    key = readU32(data, pos);
    pos += 4;
  }
  if (flags & FLAG_SEQUENCE) pos += 4;
  if (flags & FLAG_ROUTING) {
    // RFC 1701 §2.1.5: Source Route Entries until the NULL SRE (address family 0, length 0).
    for (;;) {
      if (end - pos < 4) return truncated(pos, end);
      const family = readU16(data, pos);
      const sreLength = data[pos + 3];
      pos += 4 + sreLength;
      if (family === 0 && sreLength === 0) break;
    }
  }
  if (pos > end) return truncated(pos, end);
  return { version, protocolType, key, payloadOffset: pos };
}

function truncated(pos: number, end: number): LayerProblem {
  return problem('net.gre.header-truncated', `Expected the optional GRE fields its flags announce, but only ${Math.max(0, end - pos)} bytes remain.`, Math.min(pos, end), true);
}
