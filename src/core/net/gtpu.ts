// GTP-U header (3GPP TS 29.281 §5.1, §5.2): G-PDUs carry the user's IP packets (e.g. VoLTE SIP on S1-U/N3).

import { problem, type LayerProblem } from './layerProblem';
import { readU16, readU32 } from './wireBytes';

export const GTPU_DEFAULT_PORTS = [2152];
export const GTPU_G_PDU = 255;

export interface GtpuHeader {
  messageType: number;
  teid: number;
  payloadOffset: number;
  /** End of the message per its Length field (bounded by the data). */
  payloadEnd: number;
}

const MAX_EXTENSION_HEADERS = 16;

export function parseGtpu(data: Uint8Array, offset: number, end: number): GtpuHeader | LayerProblem {
  if (end - offset < 8) return problem('net.gtpu.header-truncated', `Expected an 8-byte GTP-U header, but only ${Math.max(0, end - offset)} remain.`, offset, true);
  const flags = data[offset];
  const version = flags >> 5;
  if (version !== 1 || !(flags & 0x10)) {
    return problem('net.gtpu.bad-version', `Expected GTP version 1 with PT=1 (TS 29.281 §5.1), but the flags octet is 0x${flags.toString(16)}.`, offset);
  }
  const messageType = data[offset + 1];
  const length = readU16(data, offset + 2);
  const teid = readU32(data, offset + 4);
  const payloadEnd = Math.min(end, offset + 8 + length);
  let pos = offset + 8;
  // E, S or PN set: sequence number, N-PDU number and next extension header type follow.
  if (flags & 0x07) {
    if (payloadEnd - pos < 4) return truncated(pos, payloadEnd);
    let nextType = data[pos + 3];
    pos += 4;
    if (flags & 0x04) {
      for (let count = 0; nextType !== 0; count++) {
        if (count >= MAX_EXTENSION_HEADERS) {
          return problem('net.gtpu.extension-chain-too-long', `Expected at most ${MAX_EXTENSION_HEADERS} GTP-U extension headers, but the chain goes on.`, pos);
        }
        if (payloadEnd - pos < 1) return truncated(pos, payloadEnd);
        // TS 29.281 §5.2.1: length in 4-octet units, covering the length and next-type octets.
        const extLength = data[pos] * 4;
        if (extLength === 0) return problem('net.gtpu.bad-extension-length', 'Expected a non-zero GTP-U extension header length (TS 29.281 §5.2.1), but it is 0.', pos);
        if (payloadEnd - pos < extLength) return truncated(pos, payloadEnd);
        nextType = data[pos + extLength - 1];
        pos += extLength;
      }
    }
  }
  return { messageType, teid, payloadOffset: pos, payloadEnd };
}

function truncated(pos: number, end: number): LayerProblem {
  return problem('net.gtpu.header-truncated', `Expected the optional GTP-U fields its flags announce, but only ${Math.max(0, end - pos)} bytes remain.`, Math.min(pos, end), true);
}
