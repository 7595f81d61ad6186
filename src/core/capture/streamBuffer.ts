// The in-order bytes of one stream direction that are not yet consumed, and which captured frame each
// byte came from (so a message can name the frame it starts in and the frame that completes it).
import type { StreamChunk } from '../net/tcpReassembly';

interface Piece {
  /** Absolute stream offset of the piece's first byte. */
  at: number;
  frame: number;
  time: number | null;
  frameOffset: number;
  truncated: boolean;
}

export interface ByteOrigin {
  frame: number;
  time: number | null;
  /** Offset of the byte within its frame. */
  frameOffset: number;
}

export class StreamBuffer {
  /** Backing store; live bytes are data[start, end). */
  data = new Uint8Array(0);
  start = 0;
  end = 0;
  /** Absolute stream offset of data[0]. */
  private base = 0;
  private pieces: Piece[] = [];
  private firstPiece = 0;

  get length(): number {
    return this.end - this.start;
  }

  append(c: StreamChunk): void {
    const n = c.bytes.length;
    if (n === 0) return;
    if (this.end + n > this.data.length) this.makeRoom(n);
    this.data.set(c.bytes, this.end);
    this.pieces.push({ at: this.base + this.end, frame: c.frame, time: c.time, frameOffset: c.frameOffset, truncated: c.truncated === true });
    this.end += n;
  }

  /** Drops bytes before data index i. */
  consumeTo(i: number): void {
    this.start = Math.min(Math.max(i, this.start), this.end);
    if (this.start === this.end) {
      // nothing live: restart at the front so the store does not creep forward
      this.base += this.end;
      this.start = this.end = 0;
      this.pieces.length = 0;
      this.firstPiece = 0;
      if (this.data.length > 1024 * 1024) this.data = new Uint8Array(0); // after one big message, give it back
      return;
    }
    const a = this.base + this.start;
    while (this.firstPiece + 1 < this.pieces.length && this.pieces[this.firstPiece + 1].at <= a) this.firstPiece++;
  }

  clear(): void {
    this.consumeTo(this.end);
  }

  /** Frame and in-frame offset of data[i] (i within [start, end)). */
  origin(i: number): ByteOrigin {
    const p = this.pieces[this.pieceIndex(this.base + i)];
    return { frame: p.frame, time: p.time, frameOffset: p.frameOffset + (this.base + i - p.at) };
  }

  /** The latest frame among the pieces covering data[from, to): the frame that completed those bytes. */
  completingFrame(from: number, to: number): { frame: number; time: number | null } {
    const a = this.base + from, b = this.base + to;
    let k = this.pieceIndex(a);
    let best = this.pieces[k];
    for (; k < this.pieces.length && this.pieces[k].at < b; k++) {
      if (this.pieces[k].frame > best.frame) best = this.pieces[k];
    }
    return { frame: best.frame, time: best.time };
  }

  /** True when the newest bytes came from a frame the snaplen cut (so the stream has a hole after them). */
  endsTruncated(): boolean {
    const p = this.pieces[this.pieces.length - 1];
    return p !== undefined && p.truncated;
  }

  /** The most recent piece (the frame the newest bytes came from). */
  lastOrigin(): ByteOrigin | null {
    const p = this.pieces[this.pieces.length - 1];
    return p ? { frame: p.frame, time: p.time, frameOffset: p.frameOffset } : null;
  }

  private pieceIndex(a: number): number {
    let lo = this.firstPiece, hi = this.pieces.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.pieces[mid].at <= a) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  private makeRoom(n: number): void {
    const live = this.end - this.start;
    // drop consumed pieces and bytes
    if (this.firstPiece > 0) {
      this.pieces.splice(0, this.firstPiece);
      this.firstPiece = 0;
    }
    const need = live + n;
    if (need > this.data.length) {
      const next = new Uint8Array(Math.max(4096, need * 2));
      next.set(this.data.subarray(this.start, this.end));
      this.data = next;
    } else {
      this.data.copyWithin(0, this.start, this.end);
    }
    this.base += this.start;
    this.start = 0;
    this.end = live;
  }
}
