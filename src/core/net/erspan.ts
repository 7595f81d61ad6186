// ERSPAN mirroring headers carried in GRE (draft-foschiano-erspan: type II 0x88BE, type III 0x22EB), followed by the mirrored Ethernet frame.

import { problem, type LayerProblem } from './layerProblem';

export const GRE_ERSPAN_TYPE2 = 0x88be;
export const GRE_ERSPAN_TYPE3 = 0x22eb;

export interface ErspanHeader {
  sessionId: number;
  payloadOffset: number;
}

export function parseErspan(data: Uint8Array, offset: number, end: number, greProtocol: number): ErspanHeader | LayerProblem {
  const fixed = greProtocol === GRE_ERSPAN_TYPE3 ? 12 : 8;
  if (end - offset < fixed) return problem('net.erspan.header-truncated', `Expected a ${fixed}-byte ERSPAN header, but only ${Math.max(0, end - offset)} remain.`, offset, true);
  const version = data[offset] >> 4;
  const expected = greProtocol === GRE_ERSPAN_TYPE3 ? 2 : 1;
  if (version !== expected) {
    return problem('net.erspan.bad-version', `Expected ERSPAN version ${expected} after GRE protocol 0x${greProtocol.toString(16)}, but the header says ${version}; the mirrored frame is not decoded.`, offset);
  }
  const sessionId = ((data[offset + 2] & 0x03) << 8) | data[offset + 3];
  let payloadOffset = offset + fixed;
  // Type III: the O bit announces an 8-byte platform-specific subheader.
  if (greProtocol === GRE_ERSPAN_TYPE3 && (data[offset + 11] & 0x01)) payloadOffset += 8;
  if (payloadOffset > end) return problem('net.erspan.header-truncated', 'Expected the ERSPAN platform-specific subheader, but the packet ends inside it.', offset, true);
  return { sessionId, payloadOffset };
}
