// Accumulates file chunks so a record can be read whole even when it spans chunk boundaries,
// without re-copying the queue on every push (a 100 MB record fed in 64 KiB chunks stays linear).

import { concatBytes } from '../util/bytes';

export class ByteQueue {
  private parts: Uint8Array[] = [];
  private head: Uint8Array = new Uint8Array(0);
  private headPos = 0;
  private queued = 0;
  /** File offset of the first unread byte. */
  offset = 0;

  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.parts.push(chunk);
    this.queued += chunk.length;
  }

  get available(): number {
    return this.head.length - this.headPos + this.queued;
  }

  /** A view of the next `n` bytes (without consuming them), or null when fewer are available. */
  peek(n: number): Uint8Array | null {
    const inHead = this.head.length - this.headPos;
    if (inHead >= n) return this.head.subarray(this.headPos, this.headPos + n);
    if (inHead + this.queued < n) return null;
    // Merge just enough parts into the head to cover n bytes.
    const merged: Uint8Array[] = [this.head.subarray(this.headPos)];
    let have = inHead;
    while (have < n) {
      const p = this.parts.shift()!;
      this.queued -= p.length;
      merged.push(p);
      have += p.length;
    }
    this.head = merged.length === 2 && inHead === 0 ? merged[1] : concatBytes(merged);
    this.headPos = 0;
    return this.head.subarray(0, n);
  }

  /** Consumes n bytes (they must have been peeked). */
  skip(n: number): void {
    this.headPos += n;
    this.offset += n;
  }

  /** Drops up to n bytes even when not all are buffered yet; returns how many were dropped. */
  discard(n: number): number {
    let dropped = 0;
    while (dropped < n && this.available > 0) {
      const inHead = this.head.length - this.headPos;
      if (inHead === 0) { this.peek(1); continue; }
      const k = Math.min(inHead, n - dropped);
      this.skip(k);
      dropped += k;
    }
    return dropped;
  }
}
