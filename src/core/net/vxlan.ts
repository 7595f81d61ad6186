// VXLAN header (RFC 7348 §5): 8 bytes, then the inner Ethernet frame.

import { problem, type LayerProblem } from './layerProblem';

export const VXLAN_DEFAULT_PORTS = [4789];

export interface VxlanHeader {
  vni: number;
  payloadOffset: number;
}

export function parseVxlan(data: Uint8Array, offset: number, end: number): VxlanHeader | LayerProblem {
  if (end - offset < 8) return problem('net.vxlan.header-truncated', `Expected an 8-byte VXLAN header, but only ${Math.max(0, end - offset)} remain.`, offset, true);
  if (!(data[offset] & 0x08)) {
    return problem('net.vxlan.vni-flag-clear', 'Expected the I flag set in the VXLAN header (RFC 7348 §5), but it is clear.', offset);
  }
  const vni = (data[offset + 4] << 16) | (data[offset + 5] << 8) | data[offset + 6];
  return { vni, payloadOffset: offset + 8 };
}
