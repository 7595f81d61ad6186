// The same packet captured twice (two interfaces, a mirror port before and after a router) versus a
// retransmission. A copy has the same addresses, ports, IPv4 Identification and bytes, and is seen
// within microseconds to a few milliseconds (the cn-trace-analyzer operator traces: at most 0.074 ms,
// with different VLAN and TTL). A SIP retransmission is at least T1 = 500 ms later (RFC 3261 §17.1.1.2,
// Timer A/E) and a TCP retransmission at least an RTO later (RFC 6298 §2); both may even keep the same
// IP Identification (stacks that send 0 with DF set), so the time window is what tells them apart.
import type { TransportPayload } from '../model/packet';

/** Copies further apart than this are not the same packet. */
export const DUPLICATE_WINDOW_SECONDS = 0.010;
/**
 * A HEP copy carries the capture agent's timestamp (kamailio's siptrace: when it handled the message), which
 * lags the wire copy by up to tens of milliseconds (17 ms in test/fixtures/pcap/hep3-kamailio.pcap); still far
 * below T1.
 */
export const HEP_DUPLICATE_WINDOW_SECONDS = 0.100;
/** Without timestamps: copies must be this close in frame numbers. */
const DUPLICATE_WINDOW_FRAMES = 32;
const MAX_ENTRIES = 65536;

interface Seen {
  key: number;
  frame: number;
  time: number | null;
  transport: string;
  srcIp: string;
  dstIp: string;
  ports: number;
  ipId: number | undefined;
  seq: number | undefined;
  length: number;
  hep: boolean;
}

export class DuplicateDetector {
  private readonly hepWindowSeconds: number;
  constructor(private readonly windowSeconds = DUPLICATE_WINDOW_SECONDS) {
    this.hepWindowSeconds = Math.max(windowSeconds, HEP_DUPLICATE_WINDOW_SECONDS);
  }

  /**
   * By a 32-bit hash of everything compared but the IP id (a HEP copy has none: it may still be the same
   * packet a probe also captured); a hit is confirmed field by field.
   */
  private readonly byKey = new Map<number, Seen>();
  private readonly order: Seen[] = [];
  private head = 0;

  /** Frame of the first copy if this payload was already seen within the window, else null (and it is remembered). */
  check(p: TransportPayload): number | null {
    const n = p.payload.length;
    if (n === 0) return null;
    this.expire(p);
    const seq = p.tcp?.seq;
    const ports = p.src.port * 65536 + p.dst.port;
    let h = sampleHash(p.payload);
    h = mix(h, n);
    h = mix(h, ports);
    h = mix(h, seq ?? -1);
    h = mixString(h, p.src.ip);
    h = mixString(h, p.dst.ip);
    h = mixString(h, p.transport);
    const prior = this.byKey.get(h);
    if (
      prior !== undefined && prior.frame !== p.frame && this.close(prior, p, prior.hep !== (p.hep !== undefined)) && prior.length === n && prior.ports === ports &&
      (prior.ipId === p.ipId || prior.ipId === undefined || p.ipId === undefined) && prior.seq === seq && prior.srcIp === p.src.ip && prior.dstIp === p.dst.ip && prior.transport === p.transport
    ) {
      return prior.frame;
    }
    const seen: Seen = { key: h, frame: p.frame, time: p.time, transport: p.transport, srcIp: p.src.ip, dstIp: p.dst.ip, ports, ipId: p.ipId, seq, length: n, hep: p.hep !== undefined };
    this.byKey.set(h, seen);
    this.order.push(seen);
    return null;
  }

  /** `acrossHep`: one copy came through HEP, the other off the wire. */
  private close(s: Seen, p: TransportPayload, acrossHep: boolean): boolean {
    if (s.time !== null && p.time !== null) return Math.abs(p.time - s.time) <= (acrossHep ? this.hepWindowSeconds : this.windowSeconds);
    return Math.abs(p.frame - s.frame) <= DUPLICATE_WINDOW_FRAMES;
  }

  private expire(p: TransportPayload): void {
    while (this.head < this.order.length) {
      const s = this.order[this.head];
      const stale = this.order.length - this.head > MAX_ENTRIES || !this.close(s, p, true);
      if (!stale) break;
      if (this.byKey.get(s.key) === s) this.byKey.delete(s.key);
      this.head++;
    }
    if (this.head > 4096 && this.head * 2 > this.order.length) {
      this.order.splice(0, this.head);
      this.head = 0;
    }
  }
}

function mix(h: number, v: number): number {
  h = Math.imul(h ^ (v & 0xffff), 0x01000193);
  return Math.imul(h ^ ((v / 65536) & 0xffff), 0x01000193);
}

function mixString(h: number, s: string): number {
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h;
}

/**
 * FNV-1a over the first and last SAMPLE bytes of b[start, end): with addresses, IP id, TCP sequence and
 * length also in the key, two different payloads within the window agreeing on all of these is not a
 * practical risk, and hashing every byte of every packet would cost more than the rest of the extraction.
 */
const SAMPLE = 64;
export function sampleHash(b: Uint8Array, start = 0, end = b.length): number {
  let h = 0x811c9dc5 | 0;
  const head = Math.min(end, start + SAMPLE);
  for (let i = start; i < head; i++) h = Math.imul(h ^ b[i], 0x01000193);
  for (let i = Math.max(head, end - SAMPLE); i < end; i++) h = Math.imul(h ^ b[i], 0x01000193);
  return h;
}
