// Interned strings read straight from message bytes: a value seen again (the same Call-ID, tag, URI or sent-by on
// every message of a call) costs a hash and a compare, and equal values share one id, so the correlation of a big
// capture compares numbers. The bytes of each distinct value are kept once in an arena; a JavaScript string is
// made only when text() asks (a Via branch is compared a million times and never printed). Open addressing over
// typed arrays: no Map entry and no boxed number per lookup.

import { SEPARATE_ARRAYS, type ColumnMemory } from './columnMemory';

const ASCII = new TextDecoder();

export class ByteStringTable {
  private arena: Uint8Array;
  private arenaUsed = 0;
  private starts: Int32Array;
  private lengths: Int32Array;
  private hashes: Int32Array;
  private decoded: (string | undefined)[] = [];
  private count = 0;
  /** Slot → id + 1 (0 = empty); the size is a power of two, kept at most half full. */
  private slots: Int32Array;

  constructor(expectedValues = 1024, private readonly memory: ColumnMemory = SEPARATE_ARRAYS) {
    const n = Math.max(1024, expectedValues);
    this.arena = memory.uint8(n * 24); // a SIPp load capture's values average 20 bytes
    this.starts = memory.int32(n);
    this.lengths = memory.int32(n);
    this.hashes = memory.int32(n);
    // At most half full: a capture has about one distinct value per message (each transaction's branch), so this
    // never rehashes when the caller's guess is right.
    let slots = 2048;
    while (slots < 2 * n) slots *= 2;
    this.slots = memory.int32(slots);
  }

  get size(): number {
    return this.count;
  }

  /** Id of the text in bytes[start, end), added when new. */
  intern(bytes: Uint8Array, start: number, end: number): number {
    let h = 0x811c9dc5 | 0;
    for (let i = start; i < end; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
    const mask = this.slots.length - 1;
    const length = end - start;
    // The probe step runs on every call (first to the home slot): a step taken only on a collision has no type
    // feedback when V8 optimises this early on, and the first collision after that deoptimised the scanner.
    for (let s = (h & mask) - 1; ;) {
      s = (s + 1) & mask;
      const entry = this.slots[s];
      if (entry === 0) {
        const id = this.add(h, bytes, start, length);
        this.slots[s] = id + 1;
        if (this.count * 2 > this.slots.length) this.rehash();
        return id;
      }
      const id = entry - 1;
      if (this.hashes[id] === h && this.lengths[id] === length && this.same(id, bytes, start, length)) return id;
    }
  }

  /**
   * Id of bytes[start, end), trying `hint` first (the same field's id in the previous message): a method, a URI or a
   * sent-by is usually the one just seen, and one compare is cheaper than hashing it and probing the table.
   */
  internHinted(hint: number, bytes: Uint8Array, start: number, end: number): number {
    if (hint >= 0 && hint < this.count && this.lengths[hint] === end - start && this.same(hint, bytes, start, end - start)) return hint;
    return this.intern(bytes, start, end);
  }

  /** Id of a string that is not in message bytes (a method name). */
  internString(s: string): number {
    const bytes = new Uint8Array(s.length);
    for (let i = 0; i < s.length; i++) bytes[i] = s.charCodeAt(i) & 0xff;
    return this.intern(bytes, 0, bytes.length);
  }

  /** The text of an id (printable ASCII only reaches the table, so UTF-8 decoding is exact and fastest). */
  text(id: number): string {
    let s = this.decoded[id];
    if (s === undefined) {
      const at = this.starts[id];
      s = ASCII.decode(this.arena.subarray(at, at + this.lengths[id]));
      this.decoded[id] = s;
    }
    return s;
  }

  /** Where the bytes of an id are (valid until the next intern): the arena, and the start and length in it. */
  arenaBytes(): Uint8Array {
    return this.arena;
  }
  startOf(id: number): number {
    return this.starts[id];
  }
  lengthOf(id: number): number {
    return this.lengths[id];
  }

  private same(id: number, bytes: Uint8Array, start: number, length: number): boolean {
    const arena = this.arena;
    const at = this.starts[id];
    for (let i = 0; i < length; i++) if (arena[at + i] !== bytes[start + i]) return false;
    return true;
  }

  private add(h: number, bytes: Uint8Array, start: number, length: number): number {
    const id = this.count++;
    if (id === this.starts.length) {
      const n = id * 2;
      const grow = (a: Int32Array): Int32Array => {
        const b = this.memory.int32(n);
        b.set(a);
        return b;
      };
      this.starts = grow(this.starts);
      this.lengths = grow(this.lengths);
      this.hashes = grow(this.hashes);
    }
    if (this.arenaUsed + length > this.arena.length) {
      const b = this.memory.uint8(Math.max(this.arena.length * 2, this.arenaUsed + length));
      b.set(this.arena.subarray(0, this.arenaUsed));
      this.arena = b;
    }
    const arena = this.arena;
    const at = this.arenaUsed;
    for (let i = 0; i < length; i++) arena[at + i] = bytes[start + i];
    this.starts[id] = this.arenaUsed;
    this.lengths[id] = length;
    this.hashes[id] = h;
    this.arenaUsed += length;
    return id;
  }

  private rehash(): void {
    const slots = this.memory.int32(this.slots.length * 2);
    const mask = slots.length - 1;
    for (let id = 0; id < this.count; id++) {
      let s = this.hashes[id] & mask;
      while (slots[s] !== 0) s = (s + 1) & mask;
      slots[s] = id + 1;
    }
    this.slots = slots;
  }
}
