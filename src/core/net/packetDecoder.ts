// One capture record in, transport payloads out: link layer → (VLAN/MPLS) → IP (with fragment reassembly)
// → tunnels (IP-in-IP, GRE, ERSPAN, VXLAN, GTP-U, HEP) unwrapped to the innermost UDP/TCP/SCTP payload.
// Malformed input becomes positioned findings; nothing throws.

import type { CaptureRecord, TransportPayload } from '../model/packet';
import type { Finding, Severity } from '../model/finding';
import { isProblem, type LayerProblem } from './layerProblem';
import { decodeLinkHeader, LINK_UNSUPPORTED } from './linkLayer';
import { parseEthernet } from './ethernet';
import { parsePpp } from './ppp';
import { parseMpls } from './mpls';
import { ETHERTYPE_PPPOE_DISCOVERY, ETHERTYPE_PPPOE_SESSION, parsePppoeSession } from './pppoe';
import {
  ETHERTYPE_IPV4, ETHERTYPE_IPV6, ETHERTYPE_MPLS_MULTICAST, ETHERTYPE_MPLS_UNICAST, ETHERTYPE_NONE, ETHERTYPE_PPP, ETHERTYPE_TEB,
} from './etherTypes';
import { parseIpv4 } from './ipv4';
import { parseIpv6, walkExtensionHeaders } from './ipv6';
import {
  IPPROTO_ESP, IPPROTO_GRE, IPPROTO_ICMP, IPPROTO_ICMPV6, IPPROTO_IPIP, IPPROTO_IPV6, IPPROTO_SCTP, IPPROTO_TCP, IPPROTO_UDP,
} from './ipProtocols';
import {
  DEFAULT_REASSEMBLY_LIMITS, IpFragmentReassembler, type DroppedDatagram, type FragmentOutcome, type FragmentReassemblyLimits,
} from './ipFragmentReassembly';
import { parseGre } from './gre';
import { GRE_ERSPAN_TYPE2, GRE_ERSPAN_TYPE3, parseErspan } from './erspan';
import { parseVxlan, VXLAN_DEFAULT_PORTS } from './vxlan';
import { GTPU_DEFAULT_PORTS, GTPU_G_PDU, parseGtpu } from './gtpu';
import { parseUdp } from './udp';
import { parseTcp, TCP_FIN, TCP_RST, TCP_SYN } from './tcpSegment';
import { parseSctp } from './sctp';
import { SctpMessageReassembler, type DroppedSctpFragments } from './sctpReassembly';
import { hasHep3Magic, HEP_DEFAULT_PORTS, parseHep3, parseHepLegacy, type HepPacket } from './hep';
import { parseIcmpError } from './icmp';
import { readU16, readU32 } from './wireBytes';

export interface PacketDecoder {
  decode(record: CaptureRecord): { payloads: TransportPayload[]; findings: Finding[] };
  /**
   * Call once after the last record: reports fragment reassemblies still incomplete (and emits what was
   * received of them, marked truncated). Optional for callers; decode() alone never loses a finding it can give.
   */
  end(): { payloads: TransportPayload[]; findings: Finding[] };
}

export interface PacketDecoderOptions {
  /** UDP ports decoded as VXLAN (default 4789, RFC 7348 §5). */
  vxlanPorts?: number[];
  /** UDP ports decoded as GTP-U (default 2152, TS 29.281). */
  gtpuPorts?: number[];
  /** UDP ports where HEPv1/v2 (no magic) is tried; HEPv3 is recognised on any port by its magic. Default 9060. */
  hepPorts?: number[];
  reassemblyLimits?: FragmentReassemblyLimits;
}

export function createPacketDecoder(options?: PacketDecoderOptions): PacketDecoder {
  return new LayeredPacketDecoder(options ?? {});
}

/** Who is being decoded: the record's frame (or, for a reassembly given up on, the frame of its first fragment). */
interface FrameContext {
  frame: number;
  time: number | null;
  /** The record is shorter than the packet on the wire. */
  snaplenCut: boolean;
  capturedLength: number;
  wireLength: number;
  snaplenReported: boolean;
  payloads: TransportPayload[];
  findings: Finding[];
}

/** Where in the packet we are: the bytes being read and what was unwrapped to get there. */
interface LayerPath {
  data: Uint8Array;
  /** Set when `data` is a reassembled datagram: every position maps to this offset in the frame. */
  fixedFrameOffset: number | null;
  tunnels: string[];
  /** Reassembly scope: interface, VLANs and tunnel endpoints, so copies seen on different paths never mix. */
  scope: string;
  ipId?: number;
  truncated: boolean;
  depth: number;
}

interface Ipv4FragmentMeta { protocol: number; src: string; dst: string; id: number; frame: number; time: number | null; frameOffset: number; tunnels: string[]; scope: string }
interface Ipv6FragmentMeta { nextHeader: number; src: string; dst: string; frame: number; time: number | null; frameOffset: number; tunnels: string[]; scope: string }

interface AggregateFinding { finding: Finding; count: number; describe: (count: number) => string }

/** EtherTypes that never carry IP: skipped without a finding. */
const NON_IP_ETHERTYPES = new Set([
  0x0806, // ARP
  0x8035, // RARP
  0x88cc, // LLDP
  0x888e, // 802.1X EAPOL
  0x8809, // slow protocols (LACP)
  0x88f7, // PTP
  0x9000, // loopback test
  0x8137, // IPX
  0x809b, // AppleTalk
  0x88e5, // MACsec
  0x8906, // FCoE
  0x8914, // FCoE init
  0x22f0, // AVTP
  0x88b8, 0x88ba, // IEC 61850 GOOSE / SV
  0x893a, // IEEE 1905.1
  ETHERTYPE_PPPOE_DISCOVERY,
]);

/** IP protocols that carry no transport payload: skipped without a finding. */
const NON_TRANSPORT_PROTOCOLS = new Set([
  2, // IGMP
  59, // IPv6 no next header
  88, // EIGRP
  89, // OSPF
  103, // PIM
  112, // VRRP
  124, // IS-IS over IP
]);

/** Tunnels nested deeper than this are reported rather than followed (a loop in crafted input). */
const MAX_DEPTH = 12;

class LayeredPacketDecoder implements PacketDecoder {
  private readonly vxlanPorts: Set<number>;
  private readonly gtpuPorts: Set<number>;
  private readonly hepPorts: Set<number>;
  private readonly ipv4Fragments: IpFragmentReassembler<Ipv4FragmentMeta>;
  private readonly ipv6Fragments: IpFragmentReassembler<Ipv6FragmentMeta>;
  private readonly sctpMessages: SctpMessageReassembler;
  /** Findings reported once and then counted (updated in place, so a caller holding them sees the final count). */
  private readonly aggregates = new Map<string, AggregateFinding>();
  private ctx!: FrameContext;

  constructor(options: PacketDecoderOptions) {
    this.vxlanPorts = new Set(options.vxlanPorts ?? VXLAN_DEFAULT_PORTS);
    this.gtpuPorts = new Set(options.gtpuPorts ?? GTPU_DEFAULT_PORTS);
    this.hepPorts = new Set(options.hepPorts ?? HEP_DEFAULT_PORTS);
    const limits = options.reassemblyLimits ?? DEFAULT_REASSEMBLY_LIMITS;
    this.ipv4Fragments = new IpFragmentReassembler(limits);
    this.ipv6Fragments = new IpFragmentReassembler(limits);
    this.sctpMessages = new SctpMessageReassembler(limits);
  }

  decode(record: CaptureRecord): { payloads: TransportPayload[]; findings: Finding[] } {
    const payloads: TransportPayload[] = [];
    const findings: Finding[] = [];
    this.ctx = {
      frame: record.frame, time: record.time,
      snaplenCut: record.data.length < record.origLen, capturedLength: record.data.length, wireLength: record.origLen,
      snaplenReported: false, payloads, findings,
    };
    try {
      this.reportDropped(this.ipv4Fragments.expire(record.time), this.ipv6Fragments.expire(record.time));
      this.reportSctpDropped(this.sctpMessages.expire(record.time));
      this.decodeRecord(record);
    } catch (error) {
      // A bug here must not take the whole capture down: report it against the frame and go on.
      findings.push({
        code: 'net.decoder-internal-error', severity: 'error',
        message: `Expected to decode the frame, but the decoder failed: ${error instanceof Error ? error.message : String(error)}.`,
        source: { frame: record.frame },
      });
    }
    return { payloads, findings };
  }

  end(): { payloads: TransportPayload[]; findings: Finding[] } {
    const payloads: TransportPayload[] = [];
    const findings: Finding[] = [];
    this.ctx = {
      frame: 0, time: null, snaplenCut: false, capturedLength: 0, wireLength: 0, snaplenReported: false, payloads, findings,
    };
    this.reportDropped(this.ipv4Fragments.flush(), this.ipv6Fragments.flush());
    this.reportSctpDropped(this.sctpMessages.flush());
    return { payloads, findings };
  }

  private decodeRecord(record: CaptureRecord): void {
    const link = decodeLinkHeader(record.linkType, record.data);
    const path: LayerPath = {
      data: record.data, fixedFrameOffset: null, tunnels: [], scope: `if${record.interfaceId}`, truncated: false, depth: 0,
    };
    if (link === LINK_UNSUPPORTED) {
      this.aggregate(`link:${record.linkType}`, 'net.link.unsupported-link-type', 'warning',
        (n) => `Expected a link type siptrail decodes (Ethernet, Linux cooked, loopback, raw IP, PPP), but ${n} record(s) use link type ${record.linkType}; they are skipped.`);
      return;
    }
    if (isProblem(link)) {
      this.reportProblem(link, path);
      return;
    }
    if (link.vlanIds.length > 0) path.scope += `/vlan${link.vlanIds.join('.')}`;
    this.network(path, link.etherType, link.payloadOffset, record.data.length);
  }

  // ---- network layer ----

  private network(path: LayerPath, etherType: number, offset: number, end: number): void {
    switch (etherType) {
      case ETHERTYPE_IPV4:
        this.ipv4(path, offset, end);
        return;
      case ETHERTYPE_IPV6:
        this.ipv6(path, offset, end);
        return;
      case ETHERTYPE_MPLS_UNICAST:
      case ETHERTYPE_MPLS_MULTICAST: {
        const mpls = parseMpls(path.data, offset, end);
        if (isProblem(mpls)) { this.reportProblem(mpls, path); return; }
        this.network({ ...path, scope: `${path.scope}/mpls${mpls.labels.join('.')}` }, mpls.etherType, mpls.payloadOffset, end);
        return;
      }
      case ETHERTYPE_TEB:
        this.ethernet(path, offset, end);
        return;
      case ETHERTYPE_PPP: {
        const ppp = parsePpp(path.data, offset, end);
        if (isProblem(ppp)) { this.reportProblem(ppp, path); return; }
        this.network(path, ppp.etherType, ppp.payloadOffset, end);
        return;
      }
      case ETHERTYPE_PPPOE_SESSION: {
        const pppoe = parsePppoeSession(path.data, offset, end);
        if (isProblem(pppoe)) { this.reportProblem(pppoe, path); return; }
        const ppp = parsePpp(path.data, pppoe.pppOffset, pppoe.end);
        if (isProblem(ppp)) { this.reportProblem(ppp, path); return; }
        this.network({ ...path, scope: `${path.scope}/pppoe${pppoe.sessionId}` }, ppp.etherType, ppp.payloadOffset, pppoe.end);
        return;
      }
      default:
        if (etherType === ETHERTYPE_NONE || NON_IP_ETHERTYPES.has(etherType)) return;
        this.aggregate(`ethertype:${etherType}`, 'net.link.unsupported-ethertype', 'info',
          (n) => `Expected IPv4, IPv6 or a tunnel the decoder follows, but ${n} packet(s) carry EtherType 0x${etherType.toString(16).padStart(4, '0')}; they are skipped.`,
          path, offset);
    }
  }

  private ethernet(path: LayerPath, offset: number, end: number): void {
    const eth = parseEthernet(path.data, offset, end);
    if (isProblem(eth)) { this.reportProblem(eth, path); return; }
    const scope = eth.vlanIds.length > 0 ? `${path.scope}/vlan${eth.vlanIds.join('.')}` : path.scope;
    this.network({ ...path, scope }, eth.etherType, eth.payloadOffset, end);
  }

  private ipv4(path: LayerPath, offset: number, end: number): void {
    const ip = parseIpv4(path.data, offset, end);
    if (isProblem(ip)) { this.reportProblem(ip, path); return; }
    if (ip.zeroTotalLength) {
      this.aggregate('ipv4-zero-length', 'net.ipv4.zero-total-length', 'info',
        (n) => `Expected an IPv4 Total Length, but ${n} packet(s) carry 0 (captured before segmentation offload); their captured length was used.`);
    }
    if (ip.missingBytes > 0) this.truncation(path, ip.payloadEnd, 'net.ipv4.length-beyond-data', `Expected ${ip.missingBytes} more bytes of IPv4 packet (Total Length), but the frame ends.`);
    const carried: LayerPath = { ...path, ipId: ip.id };
    const isFragment = ip.moreFragments || ip.fragmentOffset > 0;
    if (!isFragment) {
      this.ipPayload(carried, ip.protocol, ip.src, ip.dst, ip.payloadOffset, ip.payloadEnd, 4);
      return;
    }
    const fragmentOffsetInFrame = this.framePosition(path, ip.payloadOffset);
    const outcome = this.ipv4Fragments.add({
      key: `${path.scope}|${ip.src}|${ip.dst}|${ip.protocol}|${ip.id}`,
      offset: ip.fragmentOffset,
      data: path.data.subarray(ip.payloadOffset, ip.payloadEnd),
      claimedLength: ip.payloadEnd - ip.payloadOffset + ip.missingBytes,
      moreFragments: ip.moreFragments,
      frame: this.ctx.frame,
      time: this.ctx.time,
      meta: {
        protocol: ip.protocol, src: ip.src, dst: ip.dst, id: ip.id, frame: this.ctx.frame, time: this.ctx.time,
        frameOffset: fragmentOffsetInFrame, tunnels: path.tunnels, scope: path.scope,
      },
    });
    this.reportDropped(outcome.dropped, []);
    const datagram = this.fragmentOutcome(outcome, path, ip.headerOffset, 'IPv4');
    if (!datagram) return;
    const whole: LayerPath = {
      ...carried, data: datagram.data, fixedFrameOffset: fragmentOffsetInFrame, truncated: path.truncated || datagram.truncated,
    };
    this.ipPayload(whole, datagram.meta.protocol, datagram.meta.src, datagram.meta.dst, 0, datagram.data.length, 4);
  }

  private ipv6(path: LayerPath, offset: number, end: number): void {
    const ip = parseIpv6(path.data, offset, end);
    if (isProblem(ip)) { this.reportProblem(ip, path); return; }
    if (ip.missingBytes > 0) this.truncation(path, ip.payloadEnd, 'net.ipv6.length-beyond-data', `Expected ${ip.missingBytes} more bytes of IPv6 packet (Payload Length), but the frame ends.`);
    const carried: LayerPath = { ...path, ipId: undefined };
    const chain = walkExtensionHeaders(path.data, ip.payloadOffset, ip.payloadEnd, ip.nextHeader, true);
    if (isProblem(chain)) { this.reportProblem(chain, path); return; }
    for (const note of chain.notes) this.reportProblem(note, path, 'warning');
    if (!chain.fragment) {
      this.ipPayload(carried, chain.protocol, ip.src, ip.dst, chain.offset, ip.payloadEnd, 6);
      return;
    }
    const fragment = chain.fragment;
    if (fragment.offset === 0 && !fragment.moreFragments) {
      // RFC 8200 §4.5: an "atomic fragment" is a whole packet.
      this.afterIpv6Reassembly(carried, path.data.subarray(chain.offset, ip.payloadEnd), fragment.nextHeader, ip.src, ip.dst, this.framePosition(path, chain.offset));
      return;
    }
    const fragmentOffsetInFrame = this.framePosition(path, chain.offset);
    const outcome = this.ipv6Fragments.add({
      key: `${path.scope}|${ip.src}|${ip.dst}|${fragment.id}`,
      offset: fragment.offset,
      data: path.data.subarray(chain.offset, ip.payloadEnd),
      claimedLength: ip.payloadEnd - chain.offset + ip.missingBytes,
      moreFragments: fragment.moreFragments,
      frame: this.ctx.frame,
      time: this.ctx.time,
      meta: {
        nextHeader: fragment.nextHeader, src: ip.src, dst: ip.dst, frame: this.ctx.frame, time: this.ctx.time,
        frameOffset: fragmentOffsetInFrame, tunnels: path.tunnels, scope: path.scope,
      },
    });
    this.reportDropped([], outcome.dropped);
    const datagram = this.fragmentOutcome(outcome, path, ip.headerOffset, 'IPv6');
    if (!datagram) return;
    const whole: LayerPath = { ...carried, truncated: path.truncated || datagram.truncated };
    this.afterIpv6Reassembly(whole, datagram.data, datagram.meta.nextHeader, datagram.meta.src, datagram.meta.dst, fragmentOffsetInFrame);
  }

  private afterIpv6Reassembly(path: LayerPath, data: Uint8Array, nextHeader: number, src: string, dst: string, frameOffset: number): void {
    const whole: LayerPath = { ...path, data, fixedFrameOffset: frameOffset };
    const chain = walkExtensionHeaders(data, 0, data.length, nextHeader, false);
    if (isProblem(chain)) { this.reportProblem(chain, whole); return; }
    for (const note of chain.notes) this.reportProblem(note, whole, 'warning');
    if (chain.fragment) {
      this.report('net.ipv6.nested-fragment', 'warning', 'Expected one Fragment header per IPv6 packet (RFC 8200 §4.5), but the reassembled packet holds another; it is not followed.', whole, chain.offset);
      return;
    }
    this.ipPayload(whole, chain.protocol, src, dst, chain.offset, data.length, 6);
  }

  /** Reports what the reassembler says and returns the reassembled datagram when this fragment completed one. */
  private fragmentOutcome<M>(outcome: FragmentOutcome<M>, path: LayerPath, headerOffset: number, family: string) {
    switch (outcome.status) {
      case 'pending':
        return null;
      case 'invalid':
        this.report('net.ip.bad-fragment', 'warning', `${outcome.reason} (${family} fragment not used)`, path, headerOffset);
        return null;
      case 'duplicate':
        this.report('net.ip.duplicate-fragment', 'info', `Expected each ${family} fragment once, but this one repeats a datagram already reassembled in frame ${outcome.completedFrame}; the copy is not emitted again.`, path, headerOffset);
        return null;
      case 'complete':
        if (outcome.datagram.conflictingOverlap) {
          this.report('net.ip.fragment-overlap', 'warning', `Expected ${family} fragments not to overlap with different bytes (RFC 5722), but they do; the later bytes were kept.`, path, headerOffset);
        }
        return outcome.datagram;
    }
  }

  // ---- transport and tunnels carried by IP ----

  private ipPayload(path: LayerPath, protocol: number, src: string, dst: string, offset: number, end: number, ipVersion: 4 | 6): void {
    switch (protocol) {
      case IPPROTO_UDP:
        this.udp(path, src, dst, offset, end);
        return;
      case IPPROTO_TCP:
        this.tcp(path, src, dst, offset, end);
        return;
      case IPPROTO_SCTP:
        this.sctp(path, src, dst, offset, end);
        return;
      case IPPROTO_IPIP:
      case IPPROTO_IPV6: {
        const inner = protocol === IPPROTO_IPIP ? 4 : 6;
        const tunnel = this.enterTunnel(path, `${inner}in${ipVersion}`, `${src}>${dst}`, offset);
        if (!tunnel) return;
        if (inner === 4) this.ipv4(tunnel, offset, end);
        else this.ipv6(tunnel, offset, end);
        return;
      }
      case IPPROTO_GRE:
        this.gre(path, src, dst, offset, end);
        return;
      case IPPROTO_ICMP:
      case IPPROTO_ICMPV6:
        this.icmp(path, src, dst, offset, end, protocol === IPPROTO_ICMPV6);
        return;
      case IPPROTO_ESP: {
        const spi = end - offset >= 4 ? readU32(path.data, offset) : 0;
        this.aggregate(`esp:${src}>${dst}:${spi}`, 'net.ipsec.esp-not-decoded', 'warning',
          (n) => `Expected readable transport data, but ${n} packet(s) from ${src} to ${dst} are IPsec ESP (RFC 4303, SPI 0x${spi.toString(16).padStart(8, '0')}); SIP inside them (e.g. IMS Gm, TS 33.203) cannot be decoded without the keys.`,
          path, offset);
        return;
      }
      default:
        if (NON_TRANSPORT_PROTOCOLS.has(protocol)) return;
        this.aggregate(`ipproto:${protocol}`, 'net.ip.unsupported-protocol', 'info',
          (n) => `Expected UDP, TCP, SCTP or a tunnel the decoder follows, but ${n} IP packet(s) carry protocol ${protocol}; they are skipped.`,
          path, offset);
    }
  }

  private udp(path: LayerPath, src: string, dst: string, offset: number, end: number): void {
    const udp = parseUdp(path.data, offset, end);
    if (isProblem(udp)) { this.reportProblem(udp, path); return; }
    if (udp.missingBytes > 0) this.truncation(path, udp.payloadEnd, 'net.udp.length-beyond-data', `Expected ${udp.missingBytes} more bytes of UDP datagram (RFC 768 Length), but the IP packet ends.`);
    const { data } = path;
    const { payloadOffset, payloadEnd, srcPort, dstPort } = udp;
    if (hasHep3Magic(data, payloadOffset, payloadEnd)) {
      const hep = parseHep3(data, payloadOffset, payloadEnd);
      if (!isProblem(hep)) { this.hep(path, hep); return; }
      this.reportProblem(hep, path);
      // Fall through: the datagram itself is still emitted.
    } else if (this.hepPorts.has(dstPort) || this.hepPorts.has(srcPort)) {
      const hep = parseHepLegacy(data, payloadOffset, payloadEnd);
      if (hep) { this.hep(path, hep); return; }
    }
    if (this.vxlanPorts.has(dstPort)) {
      const vxlan = parseVxlan(data, payloadOffset, payloadEnd);
      if (!isProblem(vxlan)) {
        const tunnel = this.enterTunnel(path, 'VXLAN', `${src}>${dst}/vni${vxlan.vni}`, payloadOffset);
        if (tunnel) this.ethernet(tunnel, vxlan.payloadOffset, payloadEnd);
        return;
      }
      this.reportProblem(vxlan, path, 'warning');
    }
    if (this.gtpuPorts.has(dstPort) || this.gtpuPorts.has(srcPort)) {
      const gtp = parseGtpu(data, payloadOffset, payloadEnd);
      if (isProblem(gtp)) {
        this.reportProblem(gtp, path, 'warning');
      } else if (gtp.messageType === GTPU_G_PDU && gtp.payloadOffset < gtp.payloadEnd) {
        const version = data[gtp.payloadOffset] >> 4;
        if (version === 4 || version === 6) {
          const tunnel = this.enterTunnel(path, 'GTP-U', `${src}>${dst}/teid${gtp.teid}`, payloadOffset);
          if (tunnel) this.network(tunnel, version === 4 ? ETHERTYPE_IPV4 : ETHERTYPE_IPV6, gtp.payloadOffset, gtp.payloadEnd);
          return;
        }
      }
      // Echo, End Marker, Error Indication, non-IP PDUs: passed up as the UDP datagram they are.
    }
    this.emit(path, 'UDP', src, srcPort, dst, dstPort, payloadOffset, payloadEnd);
  }

  private hep(path: LayerPath, hep: HepPacket): void {
    for (const note of hep.notes) this.reportProblem(note, path, 'warning');
    const position = this.framePosition(path, hep.payloadOffset);
    if (hep.compressed) {
      this.report('net.hep.compressed-payload', 'warning', 'Expected a plain captured-payload chunk (type 15) in the HEP envelope, but it carries a compressed one (type 16), which is passed up undecompressed.', path, hep.payloadOffset);
    }
    const missing: string[] = [];
    if (hep.src === null || hep.dst === null) missing.push('addresses');
    if (hep.srcPort === null || hep.dstPort === null) missing.push('ports');
    if (hep.time === null) missing.push('timestamp');
    if (missing.length > 0) {
      this.report('net.hep.missing-field', 'warning', `Expected the HEP envelope to give the original ${missing.join(', ')}, but it does not; the outer values are not substituted.`, path, hep.payloadOffset);
    }
    const transport = hep.ipProtocol === IPPROTO_TCP ? 'TCP' : hep.ipProtocol === IPPROTO_SCTP ? 'SCTP' : 'UDP';
    const payload: TransportPayload = {
      frame: this.ctx.frame,
      time: hep.time ?? this.ctx.time,
      src: { ip: hep.src ?? '', port: hep.srcPort ?? 0 },
      dst: { ip: hep.dst ?? '', port: hep.dstPort ?? 0 },
      transport,
      payload: path.data.subarray(hep.payloadOffset, hep.payloadEnd),
      frameOffset: position,
      hep: { captureId: hep.captureId ?? 0, protocolType: hep.protocolType ?? 0 },
      tunnels: [...path.tunnels, 'HEP'],
    };
    if (path.truncated || hep.notes.some((n) => n.ranOut)) payload.truncated = true;
    this.ctx.payloads.push(payload);
  }

  private tcp(path: LayerPath, src: string, dst: string, offset: number, end: number): void {
    const tcp = parseTcp(path.data, offset, end);
    if (isProblem(tcp)) { this.reportProblem(tcp, path); return; }
    // Pure ACKs carry nothing for stream reassembly; SYN/FIN/RST are passed up even when empty.
    if (tcp.payloadOffset >= end && !(tcp.flags & (TCP_SYN | TCP_FIN | TCP_RST))) return;
    this.emit(path, 'TCP', src, tcp.srcPort, dst, tcp.dstPort, tcp.payloadOffset, end, (p) => {
      p.tcp = { seq: tcp.seq, ack: tcp.ack, flags: tcp.flags };
    });
  }

  private sctp(path: LayerPath, src: string, dst: string, offset: number, end: number): void {
    const sctp = parseSctp(path.data, offset, end);
    if (isProblem(sctp)) { this.reportProblem(sctp, path); return; }
    for (const chunk of sctp.dataChunks) {
      const chunkPath = chunk.truncated && !path.truncated ? { ...path, truncated: true } : path;
      if (chunk.truncated) this.truncation(chunkPath, chunk.dataEnd, 'net.sctp.chunk-beyond-data', 'Expected the whole DATA chunk its length announces, but the packet ends inside it.');
      if (chunk.beginning && chunk.ending) {
        this.emit(chunkPath, 'SCTP', src, sctp.srcPort, dst, sctp.dstPort, chunk.dataOffset, chunk.dataEnd, (p) => {
          p.sctp = { streamId: chunk.streamId, ppid: chunk.ppid };
        });
        continue;
      }
      // A fragment of a user message (RFC 9260 §6.9): the message is passed up, from the frame completing it.
      const outcome = this.sctpMessages.add({
        key: `${path.scope}|${src}:${sctp.srcPort}>${dst}:${sctp.dstPort}|${sctp.verificationTag}|${chunk.iData ? 'i' : 'd'}${chunk.streamId}.${chunk.messageId}`,
        sequence: chunk.fragmentSequence,
        beginning: chunk.beginning,
        ending: chunk.ending,
        data: path.data.subarray(chunk.dataOffset, chunk.dataEnd),
        truncated: chunkPath.truncated,
        ppid: chunk.ppid,
        frame: this.ctx.frame,
        time: this.ctx.time,
      });
      this.reportSctpDropped(outcome.dropped);
      if (outcome.status === 'duplicate') {
        this.report('net.sctp.duplicate-fragment', 'info', `Expected each fragment of an SCTP user message once, but TSN ${chunk.tsn} repeats one already held or used (a retransmission); it is not used twice.`, path, chunk.chunkOffset);
      }
      if (outcome.status !== 'complete') continue;
      const message = outcome.message;
      const whole: LayerPath = { ...chunkPath, data: message.data, fixedFrameOffset: this.framePosition(path, chunk.dataOffset), truncated: chunkPath.truncated || message.truncated };
      this.emit(whole, 'SCTP', src, sctp.srcPort, dst, sctp.dstPort, 0, message.data.length, (p) => {
        p.sctp = { streamId: chunk.streamId, ppid: message.ppid };
      });
    }
    for (const note of sctp.problems) this.reportProblem(note, path);
  }

  private gre(path: LayerPath, src: string, dst: string, offset: number, end: number): void {
    const gre = parseGre(path.data, offset, end);
    if (isProblem(gre)) { this.reportProblem(gre, path); return; }
    if (gre.protocolType === GRE_ERSPAN_TYPE2 || gre.protocolType === GRE_ERSPAN_TYPE3) {
      const erspan = parseErspan(path.data, gre.payloadOffset, end, gre.protocolType);
      if (isProblem(erspan)) { this.reportProblem(erspan, path); return; }
      const tunnel = this.enterTunnel(path, 'ERSPAN', `${src}>${dst}/erspan${erspan.sessionId}`, offset);
      if (tunnel) this.ethernet(tunnel, erspan.payloadOffset, end);
      return;
    }
    const tunnel = this.enterTunnel(path, 'GRE', `${src}>${dst}/gre${gre.key ?? ''}`, offset);
    if (tunnel) this.network(tunnel, gre.protocolType, gre.payloadOffset, end);
  }

  private icmp(path: LayerPath, src: string, dst: string, offset: number, end: number, v6: boolean): void {
    const error = parseIcmpError(path.data, offset, end, v6);
    if (error === null) return;
    if (isProblem(error)) { this.reportProblem(error, path); return; }
    const quoted = describeQuotedPacket(path.data, error.quotedOffset, end);
    if (!quoted) return;
    this.report(v6 ? 'net.icmpv6.error-for-packet' : 'net.icmp.error-for-packet', 'info',
      `ICMP${v6 ? 'v6' : ''} ${error.description} (type ${error.type}, code ${error.code}) from ${src} to ${dst} reports the ${quoted} packet it quotes as not delivered; the quoted bytes are not passed up as a message.`,
      path, offset);
  }

  // ---- helpers ----

  private enterTunnel(path: LayerPath, name: string, endpoints: string, offset: number): LayerPath | null {
    if (path.depth >= MAX_DEPTH) {
      this.report('net.tunnel.too-deep', 'warning', `Expected at most ${MAX_DEPTH} nested encapsulations, but the packet holds more; the ${name} layer is not followed.`, path, offset);
      return null;
    }
    return { ...path, tunnels: [...path.tunnels, name], scope: `${path.scope}/${name}:${endpoints}`, depth: path.depth + 1 };
  }

  private emit(
    path: LayerPath, transport: 'UDP' | 'TCP' | 'SCTP', src: string, srcPort: number, dst: string, dstPort: number,
    offset: number, end: number, extra?: (payload: TransportPayload) => void,
  ): void {
    const payload: TransportPayload = {
      frame: this.ctx.frame,
      time: this.ctx.time,
      src: { ip: src, port: srcPort },
      dst: { ip: dst, port: dstPort },
      transport,
      payload: path.data.subarray(offset, Math.max(offset, end)),
      frameOffset: this.framePosition(path, offset),
    };
    if (extra) extra(payload);
    if (path.truncated) payload.truncated = true;
    if (path.ipId !== undefined) payload.ipId = path.ipId;
    if (path.tunnels.length > 0) payload.tunnels = path.tunnels;
    this.ctx.payloads.push(payload);
  }

  private framePosition(path: LayerPath, offset: number): number {
    return path.fixedFrameOffset ?? offset;
  }

  /** The data ran out before a length field's end: a snaplen cut (reported once per frame) or a malformed length. */
  private truncation(path: LayerPath, offset: number, code: string, message: string): void {
    path.truncated = true;
    if (this.ctx.snaplenCut) {
      this.snaplenFinding(path, offset);
    } else {
      this.report(code, 'error', message, path, offset);
    }
  }

  private snaplenFinding(path: LayerPath, offset: number): void {
    if (this.ctx.snaplenReported) return;
    this.ctx.snaplenReported = true;
    this.report('capture.snaplen-truncated', 'warning',
      `Expected the whole ${this.ctx.wireLength}-byte packet, but the capture kept only ${this.ctx.capturedLength} bytes (snaplen); what it carries is incomplete.`,
      path, offset);
  }

  private reportProblem(p: LayerProblem, path: LayerPath, severity: Severity = 'error'): void {
    if (p.ranOut && this.ctx.snaplenCut) {
      this.snaplenFinding(path, p.offset);
      return;
    }
    this.report(p.code, severity, p.message, path, p.offset);
  }

  private report(code: string, severity: Severity, message: string, path: LayerPath, offset: number): void {
    this.ctx.findings.push({ code, severity, message, source: { frame: this.ctx.frame, offset: this.framePosition(path, offset) } });
  }

  /** Reports the first occurrence with a count that later occurrences raise in place. */
  private aggregate(key: string, code: string, severity: Severity, describe: (count: number) => string, path?: LayerPath, offset?: number): void {
    const known = this.aggregates.get(key);
    if (known) {
      known.count++;
      known.finding.message = known.describe(known.count);
      return;
    }
    const source = path && offset !== undefined ? { frame: this.ctx.frame, offset: this.framePosition(path, offset) } : { frame: this.ctx.frame };
    const finding: Finding = { code, severity, message: describe(1), source };
    this.aggregates.set(key, { finding, count: 1, describe });
    this.ctx.findings.push(finding);
  }

  /** Incomplete reassemblies: a finding each, and what was received from offset 0 passed up as a truncated payload. */
  private reportDropped(ipv4: DroppedDatagram<Ipv4FragmentMeta>[], ipv6: DroppedDatagram<Ipv6FragmentMeta>[]): void {
    if (ipv4.length === 0 && ipv6.length === 0) return;
    const outer = this.ctx;
    for (const [family, list] of [['IPv4', ipv4], ['IPv6', ipv6]] as const) {
      for (const dropped of list as DroppedDatagram<Ipv4FragmentMeta | Ipv6FragmentMeta>[]) {
        const { meta } = dropped;
        const why = dropped.reason === 'timeout' ? 'its fragments stopped arriving (reassembly timeout)'
          : dropped.reason === 'capacity' ? 'too many datagrams were awaiting fragments at once'
          : 'the capture ended';
        const total = dropped.totalLength === null ? 'an unknown length' : `${dropped.totalLength} bytes`;
        outer.findings.push({
          code: 'net.ip.reassembly-incomplete', severity: 'warning',
          message: `Expected all fragments of the ${family} datagram ${meta.src} → ${meta.dst} (frames ${dropped.firstFrame}–${dropped.lastFrame}, ${total}), but only ${dropped.receivedBytes} bytes in ${dropped.fragmentCount} fragment(s) arrived before ${why}${dropped.hasFirstFragment ? '; the received start is passed up marked truncated' : ''}.`,
          source: { frame: dropped.firstFrame, offset: meta.frameOffset },
        });
        if (!dropped.hasFirstFragment || dropped.prefix.length === 0) continue;
        // Decode the received start as if it were the first fragment's frame.
        // The prefix is known to be short: no length findings for it beyond the one above.
        this.ctx = { ...outer, frame: meta.frame, time: meta.time, snaplenCut: true, snaplenReported: true };
        const path: LayerPath = {
          data: dropped.prefix, fixedFrameOffset: meta.frameOffset, tunnels: meta.tunnels, scope: meta.scope, truncated: true, depth: meta.tunnels.length,
        };
        if ('protocol' in meta) {
          this.ipPayload({ ...path, ipId: meta.id }, meta.protocol, meta.src, meta.dst, 0, dropped.prefix.length, 4);
        } else {
          const chain = walkExtensionHeaders(dropped.prefix, 0, dropped.prefix.length, meta.nextHeader, false);
          if (!isProblem(chain) && !chain.fragment) this.ipPayload(path, chain.protocol, meta.src, meta.dst, chain.offset, dropped.prefix.length, 6);
        }
        this.ctx = outer;
      }
    }
  }

  private reportSctpDropped(list: DroppedSctpFragments[]): void {
    for (const dropped of list) {
      const why = dropped.reason === 'timeout' ? 'the rest stopped arriving (reassembly timeout)'
        : dropped.reason === 'capacity' ? 'too many fragments were awaiting reassembly at once'
        : 'the capture ended';
      this.ctx.findings.push({
        code: 'net.sctp.reassembly-incomplete', severity: 'warning',
        message: `Expected every fragment of an SCTP user message (RFC 9260 §6.9), but only ${dropped.fragmentCount} fragment(s), ${dropped.bytes} bytes (frames ${dropped.firstFrame}–${dropped.lastFrame}), arrived before ${why}; they are not passed up.`,
        source: { frame: dropped.firstFrame },
      });
    }
  }
}

/** "UDP 10.0.0.1:5060 → 10.0.0.2:5060" for the packet an ICMP error quotes, or null when it is not UDP/TCP/SCTP. */
function describeQuotedPacket(data: Uint8Array, offset: number, end: number): string | null {
  if (end - offset < 1) return null;
  const version = data[offset] >> 4;
  let protocol: number;
  let src: string;
  let dst: string;
  let transportOffset: number;
  if (version === 4) {
    // The quote holds the IP header and at least 8 bytes after it (RFC 792); its lengths describe the original.
    const ip = parseIpv4(data, offset, end);
    if (isProblem(ip)) return null;
    ({ protocol, src, dst } = ip);
    transportOffset = ip.payloadOffset;
  } else if (version === 6) {
    const ip = parseIpv6(data, offset, end);
    if (isProblem(ip)) return null;
    const chain = walkExtensionHeaders(data, ip.payloadOffset, end, ip.nextHeader, true);
    if (isProblem(chain) || chain.fragment) return null;
    ({ src, dst } = ip);
    protocol = chain.protocol;
    transportOffset = chain.offset;
  } else {
    return null;
  }
  const name = protocol === IPPROTO_UDP ? 'UDP' : protocol === IPPROTO_TCP ? 'TCP' : protocol === IPPROTO_SCTP ? 'SCTP' : null;
  if (!name || end - transportOffset < 4) return null;
  const fmt = (ip: string, port: number) => (ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`);
  return `${name} ${fmt(src, readU16(data, transportOffset))} → ${fmt(dst, readU16(data, transportOffset + 2))}`;
}
