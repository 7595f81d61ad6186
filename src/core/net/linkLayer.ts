// Link-layer headers of capture records (https://www.tcpdump.org/linktypes.html), down to an EtherType.

import { problem, isProblem, type LayerProblem } from './layerProblem';
import { readU16, readU32, readU32LE } from './wireBytes';
import { parseEthernet } from './ethernet';
import { parsePpp } from './ppp';
import { ETHERTYPE_IPV4, ETHERTYPE_IPV6, ETHERTYPE_NONE } from './etherTypes';
import {
  LINKTYPE_ETHERNET, LINKTYPE_IPV4, LINKTYPE_IPV6, LINKTYPE_LINUX_SLL, LINKTYPE_LINUX_SLL2, LINKTYPE_LOOP,
  LINKTYPE_NULL, LINKTYPE_PPP, LINKTYPE_RAW,
} from '../pcap/linkTypes';

export interface LinkHeader {
  /** What follows the link header, as an EtherType (ETHERTYPE_NONE when not a network-layer packet). */
  etherType: number;
  payloadOffset: number;
  /** 802.1Q VLAN ids, outermost first (Ethernet only). */
  vlanIds: number[];
}

export const LINK_UNSUPPORTED = 'unsupported' as const;

/** DLT_RAW as some BSDs number it; libpcap maps both to LINKTYPE_RAW. */
export const LINKTYPE_RAW_BSD_12 = 12;
export const LINKTYPE_RAW_BSD_14 = 14;
export const LINKTYPE_PPP_HDLC = 50;

// Address family values BSD loopback headers use for IPv6: NetBSD/OpenBSD 24, FreeBSD 28, Darwin 30, Linux 10.
const AF_INET = 2;
const AF_INET6_VALUES = new Set([10, 24, 28, 30]);

/** Linux ARPHRD_* values whose cooked header protocol field is not an EtherType. */
const ARPHRD_NETLINK = 824;

export function decodeLinkHeader(linkType: number, data: Uint8Array): LinkHeader | LayerProblem | typeof LINK_UNSUPPORTED {
  const end = data.length;
  switch (linkType) {
    case LINKTYPE_ETHERNET:
      return parseEthernet(data, 0, end);
    case LINKTYPE_LINUX_SLL:
      return parseLinuxSll(data, end);
    case LINKTYPE_LINUX_SLL2:
      return parseLinuxSll2(data, end);
    case LINKTYPE_NULL:
      return parseLoopback(data, end, false);
    case LINKTYPE_LOOP:
      return parseLoopback(data, end, true);
    case LINKTYPE_RAW:
    case LINKTYPE_RAW_BSD_12:
    case LINKTYPE_RAW_BSD_14:
      return rawIp(data, end);
    case LINKTYPE_IPV4:
      return { etherType: ETHERTYPE_IPV4, payloadOffset: 0, vlanIds: [] };
    case LINKTYPE_IPV6:
      return { etherType: ETHERTYPE_IPV6, payloadOffset: 0, vlanIds: [] };
    case LINKTYPE_PPP:
    case LINKTYPE_PPP_HDLC: {
      const ppp = parsePpp(data, 0, end);
      return isProblem(ppp) ? ppp : { etherType: ppp.etherType, payloadOffset: ppp.payloadOffset, vlanIds: [] };
    }
    default:
      return LINK_UNSUPPORTED;
  }
}

/** Raw IP: the version nibble tells IPv4 from IPv6. */
function rawIp(data: Uint8Array, end: number): LinkHeader | LayerProblem {
  if (end < 1) return problem('net.link.empty-record', 'Expected a raw IP packet, but the record is empty.', 0, true);
  const version = data[0] >> 4;
  if (version === 4) return { etherType: ETHERTYPE_IPV4, payloadOffset: 0, vlanIds: [] };
  if (version === 6) return { etherType: ETHERTYPE_IPV6, payloadOffset: 0, vlanIds: [] };
  return problem('net.link.bad-ip-version', `Expected a raw IP packet (version 4 or 6), but the version nibble is ${version}.`, 0);
}

/** LINKTYPE_LINUX_SLL: 16-byte cooked header, protocol at offset 14. */
function parseLinuxSll(data: Uint8Array, end: number): LinkHeader | LayerProblem {
  if (end < 16) return problem('net.sll.header-truncated', `Expected a 16-byte Linux cooked (SLL) header, but the record has ${end} bytes.`, 0, true);
  const arphrd = readU16(data, 2);
  return cooked(arphrd, readU16(data, 14), 16);
}

/** LINKTYPE_LINUX_SLL2: 20-byte cooked header, protocol first. */
function parseLinuxSll2(data: Uint8Array, end: number): LinkHeader | LayerProblem {
  if (end < 20) return problem('net.sll2.header-truncated', `Expected a 20-byte Linux cooked v2 (SLL2) header, but the record has ${end} bytes.`, 0, true);
  const arphrd = readU16(data, 8);
  return cooked(arphrd, readU16(data, 0), 20);
}

function cooked(arphrd: number, protocol: number, payloadOffset: number): LinkHeader {
  // Protocol values below 0x0600 are Linux-internal (802.2 LLC, CAN, ...), not EtherTypes.
  const etherType = arphrd === ARPHRD_NETLINK || protocol < 0x0600 ? ETHERTYPE_NONE : protocol;
  return { etherType, payloadOffset, vlanIds: [] };
}

/** BSD loopback: a 4-byte address family, host byte order for NULL (0), network order for LOOP (108). */
function parseLoopback(data: Uint8Array, end: number, networkOrder: boolean): LinkHeader | LayerProblem {
  if (end < 4) return problem('net.loopback.header-truncated', `Expected a 4-byte loopback header, but the record has ${end} bytes.`, 0, true);
  let family = networkOrder ? readU32(data, 0) : readU32LE(data, 0);
  // NULL headers are in the capturing host's order: a value with only high bytes set is big-endian.
  if (!networkOrder && family > 0xffff) family = readU32(data, 0);
  if (family === AF_INET) return { etherType: ETHERTYPE_IPV4, payloadOffset: 4, vlanIds: [] };
  if (AF_INET6_VALUES.has(family)) return { etherType: ETHERTYPE_IPV6, payloadOffset: 4, vlanIds: [] };
  return { etherType: ETHERTYPE_NONE, payloadOffset: 4, vlanIds: [] };
}
