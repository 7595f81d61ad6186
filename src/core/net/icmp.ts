// ICMP / ICMPv6 error messages that quote the packet which caused them (RFC 792, RFC 4443 §2.4 (c)).

import { problem, type LayerProblem } from './layerProblem';

export interface IcmpError {
  type: number;
  code: number;
  /** What kind of error, in words. */
  description: string;
  /** Offset of the quoted IP header. */
  quotedOffset: number;
}

const ICMPV4_ERRORS: Record<number, string> = {
  3: 'destination unreachable',
  4: 'source quench',
  5: 'redirect',
  11: 'time exceeded',
  12: 'parameter problem',
};

const ICMPV6_ERRORS: Record<number, string> = {
  1: 'destination unreachable',
  2: 'packet too big',
  3: 'time exceeded',
  4: 'parameter problem',
};

/** Returns the error when the message is an ICMP error quoting a packet, null for other ICMP messages. */
export function parseIcmpError(data: Uint8Array, offset: number, end: number, v6: boolean): IcmpError | LayerProblem | null {
  if (end - offset < 8) return problem(v6 ? 'net.icmpv6.header-truncated' : 'net.icmp.header-truncated', `Expected an 8-byte ICMP header, but only ${Math.max(0, end - offset)} remain.`, offset, true);
  const type = data[offset];
  const description = (v6 ? ICMPV6_ERRORS : ICMPV4_ERRORS)[type];
  if (!description) return null;
  return { type, code: data[offset + 1], description, quotedOffset: offset + 8 };
}
