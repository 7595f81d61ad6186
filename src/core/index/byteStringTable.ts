// Interned strings read straight from message bytes: a value seen again (the same Call-ID, tag, URI or sent-by on
// every message of a call) costs a hash and a compare, not a new string, and equal values share one id, so the
// correlation of a big capture compares numbers.

export class ByteStringTable {
  readonly strings: string[] = [];
  /** FNV-1a hash of the bytes → newest id with that hash; `older[id]` chains ids that share a hash. */
  private readonly byHash = new Map<number, number>();
  private readonly older: number[] = [];

  /** Id of the ASCII text in bytes[start, end), added when new. */
  intern(bytes: Uint8Array, start: number, end: number): number {
    let h = 0x811c9dc5;
    for (let i = start; i < end; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
    const newest = this.byHash.get(h);
    for (let id = newest ?? -1; id >= 0; id = this.older[id]) {
      if (sameText(this.strings[id], bytes, start, end)) return id;
    }
    let s = '';
    for (let i = start; i < end; i += 4096) {
      s += String.fromCharCode.apply(null, bytes.subarray(i, Math.min(end, i + 4096)) as unknown as number[]);
    }
    const id = this.strings.length;
    this.strings.push(s);
    this.older.push(newest ?? -1);
    this.byHash.set(h, id);
    return id;
  }

  /** Id of a string that is not in message bytes (a method name, a lower-cased sent-by). */
  internString(s: string): number {
    const bytes = new Uint8Array(s.length);
    for (let i = 0; i < s.length; i++) bytes[i] = s.charCodeAt(i) & 0xff;
    return this.intern(bytes, 0, bytes.length);
  }
}

function sameText(s: string, bytes: Uint8Array, start: number, end: number): boolean {
  if (s.length !== end - start) return false;
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) !== bytes[start + i]) return false;
  return true;
}
