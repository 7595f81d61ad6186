// Per-frame transport endpoints as tshark (the reference dissector) sees them, and as our decoder emits them,
// in one comparable form: "UDP 10.0.0.1:5060>10.0.0.2:5060" (innermost IP and transport layers).

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createCaptureReader } from '../../../src/core/pcap/captureReader';
import { createPacketDecoder, type PacketDecoderOptions } from '../../../src/core/net/packetDecoder';
import type { TransportPayload } from '../../../src/core/model/packet';
import type { Finding } from '../../../src/core/model/finding';
import { hasTshark } from '../../support/tshark';

export interface TsharkFrame {
  frame: number;
  /** Innermost transport endpoints, or null when tshark shows no UDP/TCP/SCTP layer we would emit. */
  endpoint: string | null;
  protocols: string[];
  /** The innermost transport layer is the packet an ICMP error quotes (we report it as a finding instead). */
  icmpQuote: boolean;
  /** IPv4 identification of the innermost IP header when that header is IPv4. */
  ipId: number | null;
  /** The encapsulations tshark unwrapped, named as TransportPayload.tunnels names them. */
  tunnels: string[];
}

const FIELDS = [
  'frame.number', 'frame.protocols', 'ip.src', 'ip.dst', 'ipv6.src', 'ipv6.dst',
  'udp.srcport', 'udp.dstport', 'tcp.srcport', 'tcp.dstport', 'sctp.srcport', 'sctp.dstport',
  'tcp.len', 'tcp.flags', 'sctp.chunk_type', 'sctp.data_e_bit', 'udp.length', 'ip.id', 'tcp.seq_raw', 'tcp.ack_raw',
];

/** Runs tshark over the file and returns one entry per frame. `decodeAs` adds `-d` rules. */
export function tsharkFrames(file: string, decodeAs: string[] = []): TsharkFrame[] {
  hasTshark();
  const args = ['-r', file, '-n', '-T', 'fields', '-E', 'separator=\t', '-E', 'aggregator=|', '-E', 'occurrence=a'];
  for (const rule of decodeAs) args.push('-d', rule);
  for (const f of FIELDS) args.push('-e', f);
  const out = execFileSync('tshark', args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, stdio: ['ignore', 'pipe', 'ignore'] });
  const frames: TsharkFrame[] = [];
  for (const line of out.split('\n')) {
    if (!line) continue;
    const c = line.split('\t');
    const get = (name: string) => (c[FIELDS.indexOf(name)] ?? '').split('|').filter((v) => v !== '');
    const last = (name: string) => { const v = get(name); return v.length ? v[v.length - 1] : ''; };
    const protocols = (c[1] ?? '').split(':');
    const icmpAt = Math.max(protocols.indexOf('icmp'), protocols.indexOf('icmpv6'));
    const transportAt = Math.max(protocols.lastIndexOf('udp'), protocols.lastIndexOf('tcp'), protocols.lastIndexOf('sctp'));
    const icmpQuote = icmpAt >= 0 && transportAt > icmpAt;
    const innermostIp = protocols.filter((p) => p === 'ip' || p === 'ipv6').pop();
    const ipId = innermostIp === 'ip' && last('ip.id') ? Number.parseInt(last('ip.id'), 16) : null;
    frames.push({ frame: Number(c[0]), endpoint: icmpQuote ? null : innermostEndpoint(protocols, get, last), protocols, icmpQuote, ipId, tunnels: tunnelsOf(protocols) });
  }
  return frames;
}

/** Tunnel names from tshark's protocol stack: GRE, ERSPAN, VXLAN, GTP-U and IP-in-IP as "<inner>in<outer>". */
function tunnelsOf(protocols: string[]): string[] {
  const tunnels: string[] = [];
  let ipVersion: string | null = null;
  let sinceIp: string[] = [];
  for (let i = 0; i < protocols.length; i++) {
    const p = protocols[i];
    if (p === 'ip' || p === 'ipv6') {
      const version = p === 'ip' ? '4' : '6';
      // IP directly inside IP (IPv6 extension headers may sit between).
      if (ipVersion && sinceIp.every((q) => q.startsWith('ipv6.'))) tunnels.push(`${version}in${ipVersion}`);
      ipVersion = version;
      sinceIp = [];
      continue;
    }
    sinceIp.push(p);
    if (p === 'gre') tunnels.push(protocols[i + 1] === 'erspan' ? 'ERSPAN' : 'GRE');
    if (p === 'vxlan') tunnels.push('VXLAN');
    if (p === 'gtp' && (protocols[i + 1] === 'ip' || protocols[i + 1] === 'ipv6')) tunnels.push('GTP-U');
  }
  return tunnels;
}

function innermostEndpoint(protocols: string[], get: (n: string) => string[], last: (n: string) => string): string | null {
  // Innermost network and transport layers by position in the protocol stack.
  let ipLayer = -1;
  let transportLayer = -1;
  protocols.forEach((p, i) => {
    if (p === 'ip' || p === 'ipv6') ipLayer = i;
    if (p === 'udp' || p === 'tcp' || p === 'sctp') transportLayer = i;
  });
  if (ipLayer < 0 || transportLayer < ipLayer) return null;
  // A tunnel carrying a non-IP frame (ARP in VXLAN, ...): tshark's innermost transport is the tunnel's own.
  if (protocols.indexOf('eth', transportLayer) > transportLayer) return null;
  const transport = protocols[transportLayer];
  if (transport === 'tcp') {
    const len = Number(last('tcp.len'));
    const flags = Number.parseInt(last('tcp.flags'), 16);
    if (len === 0 && !(flags & 0x07)) return null; // pure ACK: not emitted by design
  }
  // SCTP: a frame shows a message only when a DATA chunk ends one (tshark reassembles fragmented messages too).
  if (transport === 'sctp' && !get('sctp.data_e_bit').some((e) => e === '1' || e === 'True')) return null;
  const v6 = protocols[ipLayer] === 'ipv6';
  const src = last(v6 ? 'ipv6.src' : 'ip.src');
  const dst = last(v6 ? 'ipv6.dst' : 'ip.dst');
  const tcpState = transport === 'tcp'
    ? ` seq=${last('tcp.seq_raw')} ack=${last('tcp.ack_raw')} flags=0x${(Number.parseInt(last('tcp.flags'), 16) & 0x1ff).toString(16)}` : '';
  const length = (transport === 'udp' ? ` ${Number(last('udp.length')) - 8}B` : transport === 'tcp' ? ` ${last('tcp.len')}B` : '') + tcpState;
  return `${transport.toUpperCase()} ${src}:${last(`${transport}.srcport`)}>${dst}:${last(`${transport}.dstport`)}${length}`;
}

export interface OurFrames {
  /** Distinct endpoints our payloads give, per frame that emitted one. */
  endpoints: Map<number, Set<string>>;
  /** Tunnel lists our payloads carry, per frame (joined with '/'). */
  tunnels: Map<number, Set<string>>;
  /** ipId values our payloads carry, per frame. */
  ipIds: Map<number, Set<number | undefined>>;
  payloads: TransportPayload[];
  findings: Finding[];
  /** Payloads emitted by end() (reassemblies given up at end of capture). */
  endPayloads: TransportPayload[];
  frameCount: number;
}

/** Transport, endpoints and (UDP/TCP) payload length, as compared with tshark. */
export function endpointOf(p: TransportPayload): string {
  // A truncated payload's length is what was captured, not what the headers claim: not compared.
  const length = p.transport === 'SCTP' ? '' : p.truncated ? ' ?B' : ` ${p.payload.length}B`;
  const tcpState = p.tcp ? ` seq=${p.tcp.seq} ack=${p.tcp.ack} flags=0x${p.tcp.flags.toString(16)}` : '';
  return `${p.transport} ${p.src.ip}:${p.src.port}>${p.dst.ip}:${p.dst.port}${length}${tcpState}`;
}

/** Reads the file through the capture reader in chunks of `chunkSize` bytes and decodes every record. */
export function decodeFile(file: string, options?: PacketDecoderOptions, chunkSize = 4096): OurFrames {
  const bytes = new Uint8Array(readFileSync(file));
  const reader = createCaptureReader();
  const decoder = createPacketDecoder(options);
  const result: OurFrames = { endpoints: new Map(), tunnels: new Map(), ipIds: new Map(), payloads: [], findings: [], endPayloads: [], frameCount: 0 };
  const take = (records: ReturnType<typeof reader.push>) => {
    for (const record of records) {
      result.frameCount++;
      const out = decoder.decode(record);
      result.findings.push(...out.findings);
      for (const p of out.payloads) {
        result.payloads.push(p);
        if (p.frame !== record.frame) continue; // a given-up reassembly, attributed to its first fragment
        let set = result.endpoints.get(p.frame);
        if (!set) result.endpoints.set(p.frame, (set = new Set()));
        set.add(endpointOf(p));
        let tunnels = result.tunnels.get(p.frame);
        if (!tunnels) result.tunnels.set(p.frame, (tunnels = new Set()));
        tunnels.add((p.tunnels ?? []).join('/'));
        let ids = result.ipIds.get(p.frame);
        if (!ids) result.ipIds.set(p.frame, (ids = new Set()));
        ids.add(p.ipId);
      }
    }
  };
  for (let i = 0; i < bytes.length; i += chunkSize) take(reader.push(bytes.subarray(i, i + chunkSize)));
  take(reader.end());
  const tail = decoder.end();
  result.findings.push(...tail.findings);
  result.endPayloads = tail.payloads;
  return result;
}

export interface Disagreement { frame: number; tshark: string | null; ours: string[]; ipIds?: (number | undefined)[]; tunnels?: string[] }

/** Frame-by-frame comparison of every frame tshark reads. */
export function compareWithTshark(tshark: TsharkFrame[], ours: OurFrames): { agreed: number; compared: number; disagreements: Disagreement[] } {
  const disagreements: Disagreement[] = [];
  let agreed = 0;
  for (const t of tshark) {
    const mine = [...(ours.endpoints.get(t.frame) ?? [])];
    let ok = t.endpoint === null ? mine.length === 0 : mine.length === 1 && sameEndpoint(mine[0], t.endpoint);
    // Innermost IPv4 identification, as upstream duplicate detection uses it (HEP payloads carry none).
    const ids = [...(ours.ipIds.get(t.frame) ?? [])];
    if (ok && t.endpoint !== null && t.ipId !== null && !(ids.length === 1 && ids[0] === t.ipId)) ok = false;
    const tunnels = [...(ours.tunnels.get(t.frame) ?? [])];
    if (ok && t.endpoint !== null && !(tunnels.length === 1 && tunnels[0] === t.tunnels.join('/'))) ok = false;
    if (ok) agreed++;
    else disagreements.push({ frame: t.frame, tshark: `${t.endpoint} id=${t.ipId} tunnels=${t.tunnels.join('/')}`, ours: mine, ipIds: ids, tunnels });
  }
  return { agreed, compared: tshark.length, disagreements };
}

function sameEndpoint(ours: string, tshark: string): boolean {
  if (!ours.includes(' ?B')) return ours === tshark;
  return ours.replace(' ?B', '') === tshark.replace(/ -?\d+B/, '');
}
