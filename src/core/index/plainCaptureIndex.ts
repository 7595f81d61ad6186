// The fast path for big captures: pcap / pcapng records of SIP over UDP in IPv4 (Ethernet or Linux cooked link
// layer, no fragments, nothing cut by the snaplen), each datagram one plain message (plainSipScan), read chunk by
// chunk into a MessageColumns index without keeping the file's bytes. This is what a load test or a probe on a
// signalling VLAN records. The first record or message outside that form ends the fast path with the reason, and
// the caller reads the file with the full pipeline (readCapture), which handles everything else; so the fast path
// never reports a finding, and never has to decide anything the full pipeline would decide differently.
import { DUPLICATE_WINDOW_SECONDS, sampleHash } from '../capture/extractDuplicates';
import { isKeepAlive, isStun } from '../capture/sipExtractor';
import { checkSipStartLine, findSipStartLine } from '../sip/startLine';
import { GTPU_DEFAULT_PORTS } from '../net/gtpu';
import { hasHep3Magic, HEP_DEFAULT_PORTS } from '../net/hep';
import { VXLAN_DEFAULT_PORTS } from '../net/vxlan';
import { MAX_RECORD_BYTES } from '../pcap/limits';
import { PCAP_MAGICS } from '../pcap/pcapReader';
import { SKIPPED_BLOCKS } from '../pcap/pcapngReader';
import { MessageColumns } from './messageColumns';
import type { ColumnMemory } from './columnMemory';
import { evidenceHeaderNames, HeaderNames, scanPlainSip, UNCHECKED_START_LINE, type PlainScanOptions } from './plainSipScan';
import { WasmPlainScanner, type PlainMessageScan, type PlainScanExports } from './wasmPlainScan';

/** Ports where the full decoder looks for a tunnel inside UDP (packetDecoder: HEPv1/v2, VXLAN, GTP-U). */
const TUNNEL_PORTS = new Set([...HEP_DEFAULT_PORTS, ...VXLAN_DEFAULT_PORTS, ...GTPU_DEFAULT_PORTS]);

export type PlainIndexOutcome =
  | { plain: true; format: 'pcap' | 'pcapng'; packets: number; columns: MessageColumns }
  | { plain: false; reason: string };

const PCAPNG_SHB = 0x0a0d0d0a;
const PCAPNG_IDB = 1;
const PCAPNG_EPB = 6;
const LINKTYPE_ETHERNET = 1;
const LINKTYPE_LINUX_SLL = 113;

interface Interface { linkType: number; unitsPerSecond: number; offsetSeconds: number }

const RECENT_BUCKET_BITS = 12;
/** The duplicate window's bucket of a packet: the top bits of a multiplicative hash of its key and sample hash. */
function recentBucket(key: number, hash: number): number {
  return Math.imul(key ^ hash, 0x9e3779b1) >>> (32 - RECENT_BUCKET_BITS);
}

export interface PlainIndexOptions extends PlainScanOptions {
  /** Sizes the index up front (a capture's byte size / 400 is a fair guess); it grows past it when needed. */
  expectedMessages?: number;
  /** Where the index's arrays live (default: each its own buffer). */
  memory?: ColumnMemory;
  /** A fresh instance of the WebAssembly scanner (wasm/plainScan.ts), when the caller has one: scans at compiled speed from the first message. */
  wasm?: PlainScanExports;
}

export class PlainCaptureIndexer {
  readonly columns: MessageColumns;
  private readonly names: HeaderNames;
  private readonly wasmScanner: WasmPlainScanner | null;
  private readonly scan: PlainMessageScan;
  // Packets of the last DUPLICATE_WINDOW_SECONDS, oldest first, in a ring: what a second capture of one packet
  // would repeat (extractDuplicates: same addresses, ports, IP Identification, length and sampled payload hash
  // within the window; its key hash mixes the sample hash with fields that are equal here, and each mix step is a
  // bijection, so it sees a copy only where the sample hashes are equal too).
  private recentTime = new Float64Array(1024);
  private recentKey = new Int32Array(1024);
  private recentHash = new Int32Array(1024);
  private recentSrc = new Int32Array(1024);
  private recentDst = new Int32Array(1024);
  private recentHead = 0;
  private recentCount = 0;
  // How many packets of the window fall in each bucket of key and hash: a packet whose bucket is empty is no copy,
  // and the window need not be searched. On the bench capture the window holds ~50 packets and searching it was 3 %
  // of `dialogs`; with 4,096 buckets about one packet in eighty still searches it.
  private readonly recentBuckets = new Int32Array(1 << RECENT_BUCKET_BITS);
  private lastTime = -Infinity;
  private format: 'pcap' | 'pcapng' | null = null;
  private reason: string | null = null;
  private carry: Uint8Array = new Uint8Array(0);
  private frame = 0;
  // pcap
  private headerRead = false;
  private little = true;
  private nanos = false;
  private recordHeader = 16;
  private snaplen = 0;
  private linkType = 0;
  // pcapng
  private interfaces: Interface[] = [];

  constructor(options: PlainIndexOptions) {
    const evidence = evidenceHeaderNames(options.correlationHeaders);
    this.names = new HeaderNames(evidence);
    this.wasmScanner = options.wasm ? WasmPlainScanner.create(options.wasm, this.names) : null;
    this.scan = this.wasmScanner?.scan ?? scanPlainSip;
    this.columns = new MessageColumns(options.expectedMessages, evidence, options.memory);
  }

  /**
   * A buffer for a consume() caller to read the file into (valid until the next call): with the WebAssembly
   * scanner it lies in the scanner's memory, so messages are scanned where they were read.
   */
  readBuffer(size: number): Uint8Array {
    return this.wasmScanner?.readBuffer(size) ?? new Uint8Array(size);
  }

  /** Feeds the next chunk; false once the capture is known not to be plain (the rest need not be read). */
  push(chunk: Uint8Array): boolean {
    if (this.reason !== null) return false;
    let b = chunk;
    if (this.carry.length > 0) {
      b = new Uint8Array(this.carry.length + chunk.length);
      b.set(this.carry, 0);
      b.set(chunk, this.carry.length);
    }
    const used = this.walk(b);
    this.carry = used < b.length ? b.slice(used) : new Uint8Array(0);
    return this.reason === null;
  }

  /**
   * For a caller that keeps its own read buffer: reads the complete records at the start of b and returns how many
   * bytes they took; the caller keeps the rest in front of the next read. -1 once the capture is not plain.
   */
  consume(b: Uint8Array): number {
    if (this.reason !== null) return -1;
    const used = this.walk(b);
    return this.reason === null ? used : -1;
  }

  /** End of file; `leftover` is what a consume() caller still holds (bytes of an incomplete record). */
  end(leftover = 0): PlainIndexOutcome {
    if (this.reason === null && (this.carry.length > 0 || leftover > 0)) this.reason = 'the file ends inside a record';
    if (this.reason === null && this.format === null) this.reason = 'not a capture';
    if (this.reason === null && this.columns.count === 0) this.reason = 'no SIP message';
    if (this.reason !== null) return { plain: false, reason: this.reason };
    return { plain: true, format: this.format!, packets: this.frame, columns: this.columns };
  }

  private stop(why: string): number {
    this.reason = `frame ${this.frame}: ${why}`;
    return 0;
  }

  private refuse(why: string): false {
    this.stop(why);
    return false;
  }

  /** Reads every complete record of b; returns how many bytes were used. */
  private walk(b: Uint8Array): number {
    if (this.format === null) {
      if (b.length < 4) return 0;
      const be = (b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3]) >>> 0;
      if (be === PCAPNG_SHB) this.format = 'pcapng';
      else this.format = 'pcap';
    }
    return this.format === 'pcap' ? this.walkPcap(b) : this.walkPcapng(b);
  }

  private u32(b: Uint8Array, p: number, little = this.little): number {
    return this.i32(b, p, little) >>> 0;
  }

  /**
   * The same 32 bits as a signed integer: what the per-record reads use, so that they stay small integers to V8 (an
   * unsigned read past 2**31, a pcapng timestamp's low word or an address above 128.0.0.0, had deoptimised the walk).
   */
  private i32(b: Uint8Array, p: number, little = this.little): number {
    return little ? b[p] | b[p + 1] << 8 | b[p + 2] << 16 | b[p + 3] << 24 : b[p] << 24 | b[p + 1] << 16 | b[p + 2] << 8 | b[p + 3];
  }

  private walkPcap(b: Uint8Array): number {
    let p = 0;
    if (!this.headerRead) {
      if (b.length < 24) return 0;
      const le = this.u32(b, 0, true);
      const be = this.u32(b, 0, false);
      if (PCAP_MAGICS.includes(le)) this.little = true;
      else if (PCAP_MAGICS.includes(be)) this.little = false;
      else return this.stop('not a pcap or pcapng file');
      const magic = this.little ? le : be;
      this.nanos = magic === 0xa1b23c4d;
      this.recordHeader = magic === 0xa1b2cd34 ? 24 : 16;
      this.snaplen = this.u32(b, 16);
      this.linkType = this.u32(b, 20) & 0x0fffffff;
      this.headerRead = true;
      p = 24;
    }
    const h = this.recordHeader;
    while (p + h <= b.length) {
      const incl = this.i32(b, p + 8);
      if (incl < 0 || incl > MAX_RECORD_BYTES || (this.snaplen > 0 && incl > this.snaplen)) return this.stop('a record larger than the snaplen');
      if (p + h + incl > b.length) break;
      this.frame++;
      if (this.i32(b, p + 12) !== incl) return this.stop('a packet cut by the snaplen');
      const time = (this.i32(b, p) >>> 0) + (this.i32(b, p + 4) >>> 0) / (this.nanos ? 1e9 : 1e6);
      if (!this.packet(b, p + h, p + h + incl, this.linkType, time)) return 0;
      p += h + incl;
    }
    return p;
  }

  private walkPcapng(b: Uint8Array): number {
    let p = 0;
    while (p + 12 <= b.length) {
      let type = this.i32(b, p);
      if (this.i32(b, p, false) === PCAPNG_SHB) {
        type = PCAPNG_SHB;
        if (this.u32(b, p + 8, true) === 0x1a2b3c4d) this.little = true;
        else if (this.u32(b, p + 8, false) === 0x1a2b3c4d) this.little = false;
        else return this.stop('a section header without the byte-order magic');
      }
      const length = this.i32(b, p + 4);
      if (length < 12 || length % 4 !== 0 || length > MAX_RECORD_BYTES + 64) return this.stop('a block with an impossible length');
      if (p + length > b.length) break;
      if (this.i32(b, p + length - 4) !== length) return this.stop('a block whose trailing length differs');
      if (type === PCAPNG_SHB) {
        if (length < 28) return this.stop('a short section header');
        this.interfaces = [];
      } else if (type === PCAPNG_IDB) {
        if (length < 20) return this.stop('a short interface block');
        this.interfaces.push(this.readInterface(b, p, length));
      } else if (type === PCAPNG_EPB) {
        if (length < 32) return this.stop('a short packet block');
        this.frame++;
        const iface = this.interfaces[this.i32(b, p + 8)];
        const capLen = this.i32(b, p + 20);
        if (!iface) return this.stop('a packet of an undeclared interface');
        if (capLen < 0 || capLen > length - 32) return this.stop('a packet longer than its block');
        if (this.i32(b, p + 24) !== capLen) return this.stop('a packet cut by the snaplen');
        const time = ((this.i32(b, p + 12) >>> 0) * 4294967296 + (this.i32(b, p + 16) >>> 0)) / iface.unitsPerSecond + iface.offsetSeconds;
        if (!this.packet(b, p + 28, p + 28 + capLen, iface.linkType, time)) return 0;
      } else if (!SKIPPED_BLOCKS.has(type >>> 0)) {
        return this.stop(`a pcapng block of type 0x${(type >>> 0).toString(16)}`);
      }
      p += length;
    }
    return p;
  }

  /** True when a packet with the same addresses, ports, IP id, length and sample hash came within the duplicate window. */
  private seenRecently(time: number, key: number, hash: number, src: number, dst: number): boolean {
    const mask = this.recentTime.length - 1; // a power of two
    while (this.recentCount > 0 && time - this.recentTime[this.recentHead] > DUPLICATE_WINDOW_SECONDS) {
      this.recentBuckets[recentBucket(this.recentKey[this.recentHead], this.recentHash[this.recentHead])]--;
      this.recentHead = (this.recentHead + 1) & mask;
      this.recentCount--;
    }
    const bucket = recentBucket(key, hash);
    if (this.recentBuckets[bucket] > 0) {
      for (let k = 0, at = this.recentHead; k < this.recentCount; k++, at = (at + 1) & mask) {
        if (this.recentKey[at] === key && this.recentHash[at] === hash && this.recentSrc[at] === src && this.recentDst[at] === dst) return true;
      }
    }
    this.recentBuckets[bucket]++;
    if (this.recentCount === this.recentTime.length) this.growRecent();
    const at = (this.recentHead + this.recentCount) & (this.recentTime.length - 1);
    this.recentTime[at] = time;
    this.recentKey[at] = key;
    this.recentHash[at] = hash;
    this.recentSrc[at] = src;
    this.recentDst[at] = dst;
    this.recentCount++;
    return false;
  }

  private growRecent(): void {
    const cap = this.recentTime.length;
    const time = new Float64Array(cap * 2);
    const key = new Int32Array(cap * 2);
    const hash = new Int32Array(cap * 2);
    const src = new Int32Array(cap * 2);
    const dst = new Int32Array(cap * 2);
    for (let k = 0; k < this.recentCount; k++) {
      const at = (this.recentHead + k) % cap;
      time[k] = this.recentTime[at];
      key[k] = this.recentKey[at];
      hash[k] = this.recentHash[at];
      src[k] = this.recentSrc[at];
      dst[k] = this.recentDst[at];
    }
    this.recentTime = time;
    this.recentKey = key;
    this.recentHash = hash;
    this.recentSrc = src;
    this.recentDst = dst;
    this.recentHead = 0;
  }

  /** if_tsresol and if_tsoffset as pcapngReader reads them (pcapng §4.2). */
  private readInterface(b: Uint8Array, p: number, length: number): Interface {
    const linkType = this.little ? b[p + 8] | b[p + 9] << 8 : b[p + 8] << 8 | b[p + 9];
    const info: Interface = { linkType, unitsPerSecond: 1e6, offsetSeconds: 0 };
    const v = new DataView(b.buffer, b.byteOffset + p, length);
    let o = 16;
    const end = length - 4;
    while (o + 4 <= end) {
      const code = v.getUint16(o, this.little);
      const len = v.getUint16(o + 2, this.little);
      if (code === 0 || o + 4 + len > end) break;
      if (code === 9 && len >= 1) {
        const r = b[p + o + 4];
        info.unitsPerSecond = r & 0x80 ? 2 ** (r & 0x7f) : 10 ** r;
      } else if (code === 14 && len >= 8) {
        info.offsetSeconds = Number(v.getBigInt64(o + 4, this.little));
      }
      o += 4 + ((len + 3) & ~3);
    }
    return info;
  }

  /** One frame: link layer, IPv4, UDP, then the datagram as one plain SIP message. */
  private packet(b: Uint8Array, s: number, e: number, linkType: number, time: number): boolean {
    let ip: number;
    if (linkType === LINKTYPE_ETHERNET) {
      if (e - s < 14 || b[s + 12] !== 0x08 || b[s + 13] !== 0x00) return this.refuse('not IPv4 over Ethernet');
      ip = s + 14;
    } else if (linkType === LINKTYPE_LINUX_SLL) {
      if (e - s < 16 || b[s + 14] !== 0x08 || b[s + 15] !== 0x00) return this.refuse('not IPv4 in a Linux cooked header');
      ip = s + 16;
    } else {
      return this.refuse(`link type ${linkType}`);
    }
    if (e - ip < 28 || b[ip] !== 0x45 || b[ip + 9] !== 17) return this.refuse('not UDP in an IPv4 header without options');
    if (((b[ip + 6] & 0x3f) | b[ip + 7]) !== 0) return this.refuse('an IP fragment');
    const total = b[ip + 2] << 8 | b[ip + 3];
    const udp = ip + 20;
    const udpLength = b[udp + 4] << 8 | b[udp + 5];
    if (total > e - ip || udpLength !== total - 20 || udpLength < 8) return this.refuse('IPv4/UDP lengths that do not agree');
    const payload = udp + 8;
    const payloadEnd = udp + udpLength;
    const srcPort = b[udp] << 8 | b[udp + 1];
    const dstPort = b[udp + 2] << 8 | b[udp + 3];
    // HEPv3 anywhere and the tunnel ports: the full decoder unwraps those (captured SIP inside, its own addresses).
    if (hasHep3Magic(b, udp + 8, udp + udpLength) || TUNNEL_PORTS.has(srcPort) || TUNNEL_PORTS.has(dstPort)) return this.refuse('a UDP tunnel or HEP datagram');
    const cols = this.columns;
    const src = cols.ipv4Endpoint(this.i32(b, ip + 12, false), srcPort);
    const dst = cols.ipv4Endpoint(this.i32(b, ip + 16, false), dstPort);
    // The full pipeline orders by time and folds captured duplicates; the index takes neither case. Both checks
    // are supersets of what the full pipeline would find, so a capture the index accepts has neither.
    if (time < this.lastTime) return this.refuse('a timestamp earlier than the frame before');
    this.lastTime = time;
    // The payload's sample hash matters only where the IP id does not tell a sender's datagrams apart: id 0, as some
    // stacks send atomic datagrams (RFC 6864 §4.1). Otherwise equal addresses, ports, id and length within the window
    // are taken as a copy without it: a superset again of what the full pipeline folds (it also compares the hashes)
    // and, with ids that change from datagram to datagram, the copies themselves. Hashing every payload was 3 % of
    // `dialogs` on the bench capture. There the hash covers an empty range, so the call still runs on every datagram
    // (a call reached only by a capture's first id 0, when a sender's ids wrap after 65,536 datagrams, had no type
    // feedback then and deoptimised this function).
    const ipId = b[ip + 4] << 8 | b[ip + 5];
    const hash = sampleHash(b, payload, ipId === 0 ? payloadEnd : payload) | 0;
    if (this.seenRecently(time, (ipId << 16 | udpLength) | 0, hash, src, dst)) return this.refuse('a packet captured twice (within 10 ms)');
    // What the full pipeline does with a datagram that is not SIP (sipExtractor): keep-alives and STUN are counted
    // in a finding, SIP after other bytes is a finding; anything else (RTP, DNS …) is passed over silently.
    if (isKeepAlive(b, payload, payloadEnd) || isStun(b, payload, payloadEnd)) return this.refuse('a keep-alive or STUN datagram');
    // A start line in the scanner's simple forms is SIP (checkSipStartLine's 'yes'); only others need the check.
    let why = this.scan(b, payload, payloadEnd, cols, this.names, time, this.frame, src, dst, false);
    if (why === UNCHECKED_START_LINE) {
      if (checkSipStartLine(b, payload, payloadEnd, true) !== 'yes') {
        if (payloadEnd - payload >= 16 && findSipStartLine(b, payload, payloadEnd, true) > payload) return this.refuse('SIP after other bytes in a datagram');
        return true;
      }
      why = this.scan(b, payload, payloadEnd, cols, this.names, time, this.frame, src, dst);
    }
    if (why !== null) return this.refuse(`not a plain SIP message (${why})`);
    return true;
  }
}
