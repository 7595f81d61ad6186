// One direction of a TCP connection put back in sequence order (RFC 9293 §3.4, §3.10.7.4): segments that
// arrive early wait for the gap before them, data seen twice is dropped, and a gap that will never be
// filled (the capture missed it) can be declared lost so the stream moves on. Knows nothing about SIP.

import { TCP_FIN, TCP_SYN } from './tcpSegment';

/** Signed distance a - b in 32-bit sequence space (RFC 9293 §3.4: comparisons are modulo 2^32). */
export function seqDiff(a: number, b: number): number {
  return (a - b) | 0;
}

/** A run of stream bytes and the captured frame they came from. */
export interface StreamChunk {
  seq: number;
  bytes: Uint8Array;
  frame: number;
  time: number | null;
  /** Offset of bytes[0] within its frame. */
  frameOffset: number;
  /** The frame was cut by the snaplen: the stream has a hole right after these bytes. */
  truncated?: boolean;
}

export interface TcpSegmentIn {
  seq: number;
  flags: number;
  payload: Uint8Array;
  frame: number;
  time: number | null;
  frameOffset: number;
  truncated?: boolean;
}

/** What one segment did to the direction. */
export interface SegmentOutcome {
  /** Bytes now in sequence (possibly several chunks when the segment filled a gap). May be views into the
   *  pushed payload, valid during the call only: copy what you keep. */
  delivered: StreamChunk[];
  /** Bytes that arrived after their gap had been declared lost: in order among themselves only. */
  late: StreamChunk[];
  /** Whole segment was data already delivered (a retransmission, or a copy). */
  retransmittedBytes: number;
  /** Part of the segment repeated delivered data and was trimmed. */
  overlapBytes: number;
  /** A SYN with a different initial sequence number: a new connection reusing the ports. */
  restarted: boolean;
  /** The segment left a gap before it and waits in the out-of-order buffer. */
  buffered: boolean;
}

export interface LostGap {
  fromSeq: number;
  toSeq: number;
  bytes: number;
  /** Frame of the first segment after the gap. */
  frameAfter: number;
}

interface Hole { from: number; to: number }

const MAX_REMEMBERED_HOLES = 16;

export class TcpDirectionReassembler {
  /** Next expected sequence number; null until the first segment. */
  nextSeq: number | null = null;
  private isn: number | null = null;
  /** Sequence number of the FIN, once seen. */
  finSeq: number | null = null;
  /** True once every byte up to the FIN has been delivered. */
  closed = false;
  /** Highest acknowledgment the peer sent for this direction (RFC 9293 §3.4: it has received everything before it). */
  peerAcked: number | null = null;
  private ooo: StreamChunk[] = [];
  oooBytes = 0;
  /** Capture time when the oldest waiting gap appeared. */
  gapSince: number | null = null;
  private holes: Hole[] = [];

  get hasGap(): boolean {
    return this.ooo.length > 0;
  }

  /** Would this segment's data start beyond the next expected byte? */
  startsBeyondGap(seg: TcpSegmentIn): boolean {
    if (this.nextSeq === null || (seg.flags & TCP_SYN) !== 0 || seg.payload.length === 0) return false;
    return seqDiff(seg.seq, this.nextSeq) > 0;
  }

  push(seg: TcpSegmentIn): SegmentOutcome {
    const out: SegmentOutcome = { delivered: [], late: [], retransmittedBytes: 0, overlapBytes: 0, restarted: false, buffered: false };
    let dataSeq = seg.seq;
    if ((seg.flags & TCP_SYN) !== 0) {
      if (this.isn !== null && this.isn !== seg.seq) {
        out.restarted = true;
        return out; // the caller resets this direction and pushes again
      }
      if (this.isn === null && this.nextSeq !== null && seqDiff(seg.seq + 1, this.nextSeq) !== 0) {
        out.restarted = true;
        return out;
      }
      this.isn = seg.seq;
      dataSeq = (seg.seq + 1) | 0;
      if (this.nextSeq === null) this.nextSeq = dataSeq;
    }
    const len = seg.payload.length;
    if (this.nextSeq === null) this.nextSeq = dataSeq;
    if ((seg.flags & TCP_FIN) !== 0) {
      const fin = (dataSeq + len) | 0;
      if (this.finSeq === null) this.finSeq = fin;
    }
    if (len > 0) {
      const d = seqDiff(dataSeq, this.nextSeq);
      if (d === 0) {
        out.delivered.push(this.chunk(seg, dataSeq, seg.payload, 0));
        this.nextSeq = (this.nextSeq + len) | 0;
        this.drain(out);
      } else if (d < 0) {
        if (d + len <= 0) {
          if (!this.fillsHole(seg, dataSeq, out)) out.retransmittedBytes += len;
        } else {
          out.overlapBytes += -d;
          out.delivered.push(this.chunk(seg, this.nextSeq, seg.payload.subarray(-d), -d));
          this.nextSeq = (dataSeq + len) | 0;
          this.drain(out);
        }
      } else {
        this.insertOutOfOrder(this.chunk(seg, dataSeq, seg.payload.slice(), 0));
        if (this.gapSince === null) this.gapSince = seg.time;
        out.buffered = true;
      }
    }
    this.checkClosed();
    return out;
  }

  /** Gives up on the first gap: the stream resumes at the first waiting segment. */
  declareGapLost(out: StreamChunk[]): LostGap | null {
    if (this.ooo.length === 0 || this.nextSeq === null) return null;
    const first = this.ooo[0];
    const gap: LostGap = { fromSeq: this.nextSeq, toSeq: first.seq, bytes: seqDiff(first.seq, this.nextSeq), frameAfter: first.frame };
    this.holes.push({ from: gap.fromSeq, to: gap.toSeq });
    if (this.holes.length > MAX_REMEMBERED_HOLES) this.holes.shift();
    this.nextSeq = first.seq;
    const o: SegmentOutcome = { delivered: out, late: [], retransmittedBytes: 0, overlapBytes: 0, restarted: false, buffered: false };
    this.drain(o);
    this.checkClosed();
    return gap;
  }



  private chunk(seg: TcpSegmentIn, seq: number, bytes: Uint8Array, offsetInPayload: number): StreamChunk {
    const c: StreamChunk = { seq, bytes, frame: seg.frame, time: seg.time, frameOffset: seg.frameOffset + offsetInPayload };
    if (seg.truncated) c.truncated = true;
    return c;
  }

  private insertOutOfOrder(c: StreamChunk): void {
    let i = this.ooo.length;
    while (i > 0 && seqDiff(this.ooo[i - 1].seq, c.seq) > 0) i--;
    const prev = this.ooo[i - 1];
    if (prev && prev.seq === c.seq) {
      if (prev.bytes.length >= c.bytes.length) return; // same data again
      this.oooBytes -= prev.bytes.length;
      this.ooo[i - 1] = c;
    } else {
      this.ooo.splice(i, 0, c);
    }
    this.oooBytes += c.bytes.length;
  }

  private drain(out: SegmentOutcome): void {
    while (this.ooo.length > 0 && this.nextSeq !== null) {
      const c = this.ooo[0];
      const d = seqDiff(c.seq, this.nextSeq);
      if (d > 0) break;
      this.ooo.shift();
      this.oooBytes -= c.bytes.length;
      const len = c.bytes.length;
      if (d + len <= 0) {
        out.retransmittedBytes += len;
        continue;
      }
      if (d < 0) {
        out.overlapBytes += -d;
        c.bytes = c.bytes.subarray(-d);
        c.frameOffset += -d;
        c.seq = this.nextSeq;
      }
      out.delivered.push(c);
      this.nextSeq = (c.seq + c.bytes.length) | 0;
    }
    if (this.ooo.length === 0) this.gapSince = null;
    else if (this.gapSince === null) this.gapSince = this.ooo[0].time;
  }

  /** Old data that lands in a gap given up earlier is delivered apart, so it is not lost twice. */
  private fillsHole(seg: TcpSegmentIn, dataSeq: number, out: SegmentOutcome): boolean {
    for (let i = this.holes.length - 1; i >= 0; i--) {
      const h = this.holes[i];
      if (seqDiff(dataSeq, h.from) >= 0 && seqDiff(dataSeq, h.to) < 0) {
        const n = Math.min(seg.payload.length, seqDiff(h.to, dataSeq));
        out.late.push(this.chunk(seg, dataSeq, seg.payload.subarray(0, n), 0));
        if (dataSeq === h.from) {
          h.from = (h.from + n) | 0;
          if (seqDiff(h.to, h.from) <= 0) this.holes.splice(i, 1);
        }
        return true;
      }
    }
    return false;
  }

  private checkClosed(): void {
    if (this.finSeq !== null && this.nextSeq !== null && seqDiff(this.nextSeq, this.finSeq) >= 0 && this.ooo.length === 0) this.closed = true;
  }
}
