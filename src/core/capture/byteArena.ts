// Copies of message bytes packed into shared slabs: one ArrayBuffer per megabyte instead of one per message, so
// 200k messages cost their bytes, not 200k buffer headers and allocations (the capture chunks are not kept).

const SLAB_BYTES = 1 << 20;
/** Larger messages get a buffer of their own rather than wasting a slab's tail. */
const OWN_BUFFER_BYTES = 1 << 16;

export class ByteArena {
  private slab = new Uint8Array(0);
  private used = 0;

  /** A copy of `bytes` that stays valid after the source buffer is reused. */
  copy(bytes: Uint8Array, start = 0, end = bytes.length): Uint8Array {
    const n = end - start;
    if (n >= OWN_BUFFER_BYTES) return bytes.slice(start, end);
    if (this.used + n > this.slab.length) {
      this.slab = new Uint8Array(SLAB_BYTES);
      this.used = 0;
    }
    const at = this.used;
    this.slab.set(bytes.subarray(start, end), at);
    this.used += n;
    return this.slab.subarray(at, at + n);
  }
}
