// HEP (Homer Encapsulation Protocol), as capture agents (heplify, kamailio siptrace, ...) send it:
// version 3 is a chunk list after the "HEP3" magic; versions 1/2 are a fixed header (the older kamailio/OpenSIPS format).

import { problem, type LayerProblem } from './layerProblem';
import { readU16, readU32, readU32LE, readU16LE } from './wireBytes';
import { formatIpv4, formatIpv6 } from './ipAddress';

export const HEP_DEFAULT_PORTS = [9060];

export interface HepPacket {
  version: 1 | 2 | 3;
  /** 4 or 6, from the address family chunk / field. */
  ipVersion: 4 | 6 | null;
  /** IANA protocol number of the original transport (17 UDP, 6 TCP, 132 SCTP). */
  ipProtocol: number | null;
  src: string | null;
  dst: string | null;
  srcPort: number | null;
  dstPort: number | null;
  /** Original capture time in epoch seconds, or null when the envelope has none. */
  time: number | null;
  /** HEP protocol type: 1 = SIP, 5 = RTCP, 100 = log, ... */
  protocolType: number | null;
  captureId: number | null;
  payloadOffset: number;
  payloadEnd: number;
  /** The payload came in the compressed-payload chunk (0x10) and is not decoded here. */
  compressed: boolean;
  /** Non-fatal oddities, e.g. a chunk running past the envelope. */
  notes: LayerProblem[];
}

const AF_INET = 2;
const AF_INET6 = 10;

export function hasHep3Magic(data: Uint8Array, offset: number, end: number): boolean {
  return end - offset >= 6 && data[offset] === 0x48 && data[offset + 1] === 0x45 && data[offset + 2] === 0x50 && data[offset + 3] === 0x33;
}

/** HEPv3: "HEP3", total length, then chunks of (vendor id, type id, length incl. the 6-byte chunk header, value). */
export function parseHep3(data: Uint8Array, offset: number, end: number): HepPacket | LayerProblem {
  if (end - offset < 6) return problem('net.hep.header-truncated', 'Expected the 6-byte HEP3 header, but the datagram ends inside it.', offset, true);
  const totalLength = readU16(data, offset + 4);
  if (totalLength < 6) return problem('net.hep.bad-length', `Expected a HEP3 total length of at least 6, but it is ${totalLength}.`, offset + 4);
  const notes: LayerProblem[] = [];
  let envelopeEnd = offset + totalLength;
  if (envelopeEnd > end) {
    notes.push(problem('net.hep.length-beyond-data', `Expected ${totalLength} bytes of HEP3 envelope, but only ${end - offset} were captured.`, offset + 4, true));
    envelopeEnd = end;
  }
  const hep: HepPacket = {
    version: 3, ipVersion: null, ipProtocol: null, src: null, dst: null, srcPort: null, dstPort: null, time: null,
    protocolType: null, captureId: null, payloadOffset: -1, payloadEnd: -1, compressed: false, notes,
  };
  let seconds: number | null = null;
  let micros = 0;
  let pos = offset + 6;
  while (pos < envelopeEnd) {
    if (envelopeEnd - pos < 6) {
      notes.push(problem('net.hep.chunk-truncated', `Expected a 6-byte HEP3 chunk header, but only ${envelopeEnd - pos} bytes remain.`, pos, true));
      break;
    }
    const vendor = readU16(data, pos);
    const type = readU16(data, pos + 2);
    const length = readU16(data, pos + 4);
    if (length < 6) {
      notes.push(problem('net.hep.bad-chunk-length', `Expected a HEP3 chunk length of at least 6, but chunk ${type} says ${length}.`, pos + 4));
      break;
    }
    const value = pos + 6;
    const valueEnd = Math.min(pos + length, envelopeEnd);
    const size = valueEnd - value;
    if (pos + length > envelopeEnd) {
      notes.push(problem('net.hep.chunk-truncated', `Expected ${length} bytes of HEP3 chunk ${type}, but the envelope ends after ${envelopeEnd - pos}.`, pos, true));
    }
    if (vendor === 0) {
      switch (type) {
        case 1: if (size >= 1) hep.ipVersion = data[value] === AF_INET6 ? 6 : data[value] === AF_INET ? 4 : null; break;
        case 2: if (size >= 1) hep.ipProtocol = data[value]; break;
        case 3: if (size >= 4) hep.src = formatIpv4(data, value); break;
        case 4: if (size >= 4) hep.dst = formatIpv4(data, value); break;
        case 5: if (size >= 16) hep.src = formatIpv6(data, value); break;
        case 6: if (size >= 16) hep.dst = formatIpv6(data, value); break;
        case 7: if (size >= 2) hep.srcPort = readU16(data, value); break;
        case 8: if (size >= 2) hep.dstPort = readU16(data, value); break;
        case 9: if (size >= 4) seconds = readU32(data, value); break;
        case 10: if (size >= 4) micros = readU32(data, value); break;
        case 11: if (size >= 1) hep.protocolType = data[value]; break;
        case 12: hep.captureId = size >= 4 ? readU32(data, value) : size >= 2 ? readU16(data, value) : null; break;
        case 15:
        case 16:
          hep.payloadOffset = value;
          hep.payloadEnd = valueEnd;
          hep.compressed = type === 16;
          break;
        default: break;
      }
    }
    pos += length;
  }
  if (seconds !== null) hep.time = seconds + micros / 1e6;
  if (hep.payloadOffset < 0) return problem('net.hep.no-payload', 'Expected a captured-payload chunk (type 15) in the HEP3 envelope, but there is none.', offset);
  return hep;
}

/**
 * HEPv1/v2 fixed header: version, header length, family, protocol, ports (network order), addresses;
 * v2 adds seconds, microseconds (host order, little-endian in practice) and a 16-bit capture id (padded to 12 bytes).
 * Without a magic number this is only tried on HEP ports and when every field is consistent.
 */
export function parseHepLegacy(data: Uint8Array, offset: number, end: number): HepPacket | null {
  if (end - offset < 16) return null;
  const version = data[offset];
  const headerLength = data[offset + 1];
  const family = data[offset + 2];
  if (version !== 1 && version !== 2) return null;
  const addressLength = family === AF_INET ? 4 : family === AF_INET6 ? 16 : 0;
  if (addressLength === 0 || headerLength !== 8 + 2 * addressLength) return null;
  let pos = offset + headerLength;
  let time: number | null = null;
  let captureId: number | null = null;
  if (version === 2) {
    // struct hep_timehdr { u32 sec; u32 usec; u16 captid; } is 12 bytes with C alignment padding (as kamailio
    // sends it); a packed 10-byte variant is taken when the padding bytes are not zero.
    if (end - pos < 10) return null;
    time = readU32LE(data, pos) + readU32LE(data, pos + 4) / 1e6;
    captureId = readU16LE(data, pos + 8);
    pos += end - pos >= 12 && data[pos + 10] === 0 && data[pos + 11] === 0 ? 12 : 10;
  }
  if (pos > end) return null;
  const format = family === AF_INET ? formatIpv4 : formatIpv6;
  return {
    version, ipVersion: family === AF_INET ? 4 : 6, ipProtocol: data[offset + 3],
    src: format(data, offset + 8), dst: format(data, offset + 8 + addressLength),
    srcPort: readU16(data, offset + 4), dstPort: readU16(data, offset + 6),
    time, protocolType: 1, captureId, payloadOffset: pos, payloadEnd: end, compressed: false, notes: [],
  };
}
