// A compact message index: one typed-array column per correlation key instead of one object per message, so a
// capture of 200,000 messages costs a few megabytes (about 90 bytes a message) and the garbage collector has
// almost nothing to trace. Strings are ids into one ByteStringTable; -1 means absent.
import type { Endpoint } from '../model/packet';
import { ByteStringTable } from './byteStringTable';
import { SEPARATE_ARRAYS, type ColumnMemory } from './columnMemory';

const INITIAL = 1024;
/** Methods whose correlation reads more headers than the index keeps (subscriptions, REFER relations). */
const REFUSED_METHODS = ['REFER', 'SUBSCRIBE', 'NOTIFY'];

export class MessageColumns {
  count = 0;
  private capacity: number;
  readonly strings: ByteStringTable;
  /** String ids of REFUSED_METHODS. */
  readonly refusedMethods: ReadonlySet<number>;
  readonly endpoints: Endpoint[] = [];
  private readonly endpointIds = new Map<number, number>();

  /** Where these columns, the string table and the correlation's arrays live. */
  readonly memory: ColumnMemory;

  /** `expectedMessages` sizes the columns up front (a capture's size / 400 bytes is a fair guess). */
  constructor(expectedMessages = INITIAL, evidenceHeaders: readonly string[] = [], memory: ColumnMemory = SEPARATE_ARRAYS) {
    this.evidenceHeaders = evidenceHeaders;
    this.memory = memory;
    const n = Math.max(INITIAL, Math.ceil(expectedMessages));
    this.capacity = n;
    this.strings = new ByteStringTable(n, memory);
    this.refusedMethods = new Set(REFUSED_METHODS.map((m) => this.strings.internString(m)));
    const int32 = (): Int32Array => memory.int32(n);
    this.frame = int32(); this.time = memory.float64(n); this.src = int32(); this.dst = int32();
    this.kind = memory.uint8(n); this.method = int32(); this.status = memory.int16(n); this.requestUri = int32();
    this.callId = int32(); this.cseq = int32(); this.fromUri = int32(); this.fromTag = int32();
    this.toUri = int32(); this.toTag = int32(); this.topBranch = int32(); this.topSentBy = int32();
    this.bottomBranch = int32(); this.bottomSentBy = int32();
    this.evidenceFirst = int32();
  }

  frame: Int32Array;
  time: Float64Array;
  src: Int32Array;
  dst: Int32Array;
  /** 0 request, 1 response. */
  kind: Uint8Array;
  /** Request method, or for a response its CSeq method (as SipMessage.method). */
  method: Int32Array;
  status: Int16Array;
  requestUri: Int32Array;
  callId: Int32Array;
  cseq: Int32Array;
  fromUri: Int32Array;
  fromTag: Int32Array;
  toUri: Int32Array;
  toTag: Int32Array;
  /** Top Via (the sender's) and bottom Via (the originating UA's, RFC 3261 §16.6): branch and lower-cased sent-by. */
  topBranch: Int32Array;
  topSentBy: Int32Array;
  bottomBranch: Int32Array;
  bottomSentBy: Int32Array;

  /**
   * B2BUA leg evidence (callLegs.ts): for a message i, entries evidenceFirst[i] - 1, then evidenceNext[...] - 1 …
   * (0 ends the list), each a header number (into evidenceHeaders) and the interned first value of that header.
   */
  readonly evidenceHeaders: readonly string[];
  evidenceFirst: Int32Array;
  private evidenceHeader: Int32Array = new Int32Array(64);
  private evidenceValue: Int32Array = new Int32Array(64);
  private evidenceNext: Int32Array = new Int32Array(64);
  private evidenceCount = 0;

  addEvidence(message: number, header: number, value: number): void {
    if (this.evidenceCount === this.evidenceHeader.length) {
      const grow = (a: Int32Array): Int32Array => {
        const b = this.memory.int32(a.length * 2);
        b.set(a);
        return b;
      };
      this.evidenceHeader = grow(this.evidenceHeader);
      this.evidenceValue = grow(this.evidenceValue);
      this.evidenceNext = grow(this.evidenceNext);
    }
    const e = this.evidenceCount++;
    this.evidenceHeader[e] = header;
    this.evidenceValue[e] = value;
    // Appended at the end of the message's list, so its headers stay in the order they were written.
    let last = this.evidenceFirst[message] - 1;
    if (last < 0) this.evidenceFirst[message] = e + 1;
    else {
      while (this.evidenceNext[last] > 0) last = this.evidenceNext[last] - 1;
      this.evidenceNext[last] = e + 1;
    }
  }

  /** The first value (string id) of evidence header `header` in message i, or -1. */
  evidenceOf(message: number, header: number): number {
    for (let e = this.evidenceFirst[message] - 1; e >= 0; e = this.evidenceNext[e] - 1) {
      if (this.evidenceHeader[e] === header) return this.evidenceValue[e];
    }
    return -1;
  }

  /** True when message i carries any evidence header. */
  hasEvidence(message: number): boolean {
    return this.evidenceFirst[message] > 0;
  }

  /** Appends a row (every column zero); returns its index. */
  add(): number {
    if (this.count === this.capacity) this.grow();
    return this.count++;
  }

  /** Id of an IPv4 endpoint given as a 32-bit address (read as a signed integer; the string shows it unsigned) and a port. */
  ipv4Endpoint(address: number, port: number): number {
    // A packet's endpoints are nearly always the last two seen (one call's two sides, a proxy and its peer): a
    // compare instead of a Map lookup of a 48-bit (boxed) key.
    if (address === this.recentAddress[0] && port === this.recentPort[0]) return this.recentEndpoint[0];
    if (address === this.recentAddress[1] && port === this.recentPort[1]) return this.recentEndpoint[1];
    const id = this.endpointOf(address, port);
    const k = this.recentNext;
    this.recentAddress[k] = address;
    this.recentPort[k] = port;
    this.recentEndpoint[k] = id;
    this.recentNext = 1 - k;
    return id;
  }
  private readonly recentAddress = [-1, -1];
  private readonly recentPort = [-1, -1];
  private readonly recentEndpoint = [-1, -1];
  private recentNext = 0;

  private endpointOf(address: number, port: number): number {
    const key = address * 65536 + port;
    let id = this.endpointIds.get(key);
    if (id === undefined) {
      id = this.endpoints.length;
      this.endpoints.push({ ip: `${address >>> 24}.${(address >>> 16) & 255}.${(address >>> 8) & 255}.${address & 255}`, port });
      this.endpointIds.set(key, id);
    }
    return id;
  }

  text(id: number): string | null {
    return id < 0 ? null : this.strings.text(id);
  }

  private grow(): void {
    const n = this.capacity * 2;
    const memory = this.memory;
    const grow = (a: Int32Array): Int32Array => {
      const b = memory.int32(n);
      b.set(a);
      return b;
    };
    const time = memory.float64(n), kind = memory.uint8(n), status = memory.int16(n);
    time.set(this.time); kind.set(this.kind); status.set(this.status);
    this.time = time; this.kind = kind; this.status = status;
    this.frame = grow(this.frame); this.src = grow(this.src); this.dst = grow(this.dst);
    this.method = grow(this.method);
    this.requestUri = grow(this.requestUri); this.callId = grow(this.callId); this.cseq = grow(this.cseq);
    this.fromUri = grow(this.fromUri); this.fromTag = grow(this.fromTag); this.toUri = grow(this.toUri); this.toTag = grow(this.toTag);
    this.topBranch = grow(this.topBranch); this.topSentBy = grow(this.topSentBy);
    this.bottomBranch = grow(this.bottomBranch); this.bottomSentBy = grow(this.bottomSentBy);
    this.evidenceFirst = grow(this.evidenceFirst);
    this.capacity = n;
  }
}
