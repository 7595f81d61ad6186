// Ethernet II / IEEE 802.3 header with any number of stacked 802.1Q / 802.1ad (QinQ) tags.

import { problem, type LayerProblem } from './layerProblem';
import { readU16 } from './wireBytes';
import { ETHERTYPE_NONE, ETHERTYPE_QINQ, ETHERTYPE_QINQ_OLD, ETHERTYPE_VLAN } from './etherTypes';

export interface EthernetHeader {
  /** EtherType after the VLAN tags, or ETHERTYPE_NONE for 802.3 frames without SNAP. */
  etherType: number;
  payloadOffset: number;
  /** VLAN ids, outermost first. */
  vlanIds: number[];
}

const MAX_VLAN_TAGS = 8;

export function parseEthernet(data: Uint8Array, offset: number, end: number): EthernetHeader | LayerProblem {
  if (end - offset < 14) {
    return problem('net.ethernet.header-truncated', `Expected a 14-byte Ethernet header, but only ${Math.max(0, end - offset)} bytes remain.`, offset, true);
  }
  let pos = offset + 12;
  let etherType = readU16(data, pos);
  pos += 2;
  const vlanIds: number[] = [];
  while (etherType === ETHERTYPE_VLAN || etherType === ETHERTYPE_QINQ || etherType === ETHERTYPE_QINQ_OLD) {
    if (vlanIds.length >= MAX_VLAN_TAGS) {
      return problem('net.ethernet.too-many-vlan-tags', `Expected at most ${MAX_VLAN_TAGS} stacked VLAN tags (IEEE 802.1Q), but the frame carries more.`, pos);
    }
    if (end - pos < 4) {
      return problem('net.ethernet.vlan-tag-truncated', 'Expected a 4-byte 802.1Q tag, but the frame ends inside it.', pos, true);
    }
    vlanIds.push(readU16(data, pos) & 0x0fff);
    etherType = readU16(data, pos + 2);
    pos += 4;
  }
  if (etherType <= 1500) {
    // IEEE 802.3 length field: only LLC/SNAP (AA AA 03, OUI 0) carries an EtherType.
    if (end - pos >= 8 && data[pos] === 0xaa && data[pos + 1] === 0xaa && data[pos + 2] === 0x03 &&
        data[pos + 3] === 0 && data[pos + 4] === 0 && data[pos + 5] === 0) {
      return { etherType: readU16(data, pos + 6), payloadOffset: pos + 8, vlanIds };
    }
    return { etherType: ETHERTYPE_NONE, payloadOffset: pos, vlanIds };
  }
  return { etherType, payloadOffset: pos, vlanIds };
}
