// JSON.stringify(value, null, 2), UTF-8 encoded, written straight into byte chunks: the dialogs report of a
// 200,000-message capture is about 28 MB of text, and building it as JavaScript strings (then encoding them for
// stdout) was a tenth of the whole run. Plain ASCII strings are copied byte by byte; any string that needs
// escaping or holds non-ASCII text goes through JSON.stringify and TextEncoder, so the output is exactly
// JSON.stringify's (a test compares them on real reports and on awkward values).

const INDENT = 0x20, NL = 0x0a, QUOTE = 0x22;
const encoder = new TextEncoder();

class ByteSink {
  private chunk: Uint8Array;
  private used = 0;
  constructor(private readonly chunkSize: number, private readonly emit: (bytes: Uint8Array) => void) {
    this.chunk = new Uint8Array(chunkSize);
  }
  room(n: number): void {
    if (this.used + n <= this.chunk.length) return;
    this.flush();
    if (n > this.chunk.length) this.chunk = new Uint8Array(n);
  }
  byte(b: number): void {
    if (this.used === this.chunk.length) this.flush();
    this.chunk[this.used++] = b;
  }
  ascii(s: string): void {
    this.room(s.length);
    const c = this.chunk;
    let u = this.used;
    for (let i = 0; i < s.length; i++) c[u++] = s.charCodeAt(i);
    this.used = u;
  }
  bytes(b: Uint8Array): void {
    this.room(b.length);
    this.chunk.set(b, this.used);
    this.used += b.length;
  }
  newline(depth: number): void {
    this.room(1 + depth * 2);
    const c = this.chunk;
    let u = this.used;
    c[u++] = NL;
    for (let i = 0; i < depth * 2; i++) c[u++] = INDENT;
    this.used = u;
  }
  flush(): void {
    if (this.used === 0) return;
    // A fresh chunk each time: the consumer may hold on to the one it was given (an asynchronous stream write).
    this.emit(this.chunk.subarray(0, this.used));
    this.chunk = new Uint8Array(this.chunkSize);
    this.used = 0;
  }
}

/** True when JSON.stringify(s) is `"` + s + `"`: printable ASCII without `"` or `\`. */
function plainAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c > 0x7e || c === QUOTE || c === 0x5c) return false;
  }
  return true;
}

function writeString(out: ByteSink, s: string): void {
  if (plainAscii(s)) {
    out.room(s.length + 2);
    out.byte(QUOTE);
    out.ascii(s);
    out.byte(QUOTE);
  } else {
    out.bytes(encoder.encode(JSON.stringify(s)));
  }
}

/** Writes one value at `depth`; returns false for values JSON.stringify leaves out of an object (undefined, functions, symbols). */
function writeValue(out: ByteSink, v: unknown, depth: number): boolean {
  switch (typeof v) {
    case 'string':
      writeString(out, v);
      return true;
    case 'number':
      out.ascii(Number.isFinite(v) ? String(v) : 'null');
      return true;
    case 'boolean':
      out.ascii(v ? 'true' : 'false');
      return true;
    case 'bigint':
      throw new TypeError('Do not know how to serialize a BigInt');
    case 'undefined':
    case 'function':
    case 'symbol':
      return false;
  }
  if (v === null) {
    out.ascii('null');
    return true;
  }
  const withJson = (v as { toJSON?: unknown }).toJSON;
  if (typeof withJson === 'function') return writeValue(out, (v as { toJSON(key: string): unknown }).toJSON(''), depth);
  if (Array.isArray(v)) {
    if (v.length === 0) {
      out.ascii('[]');
      return true;
    }
    out.byte(0x5b);
    for (let i = 0; i < v.length; i++) {
      out.newline(depth + 1);
      if (!writeValue(out, v[i], depth + 1)) out.ascii('null');
      if (i < v.length - 1) out.byte(0x2c);
    }
    out.newline(depth);
    out.byte(0x5d);
    return true;
  }
  let wrote = false;
  for (const key of Object.keys(v as object)) {
    const item = (v as Record<string, unknown>)[key];
    if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue;
    out.byte(wrote ? 0x2c : 0x7b);
    wrote = true;
    out.newline(depth + 1);
    writeString(out, key);
    out.byte(0x3a);
    out.byte(INDENT);
    writeValue(out, item, depth + 1);
  }
  if (!wrote) {
    out.ascii('{}');
    return true;
  }
  out.newline(depth);
  out.byte(0x7d);
  return true;
}

/** Emits the UTF-8 bytes of JSON.stringify(value, null, 2) in chunks of about `chunkSize` bytes. */
export function writePrettyJsonBytes(value: unknown, emit: (bytes: Uint8Array) => void, chunkSize = 1 << 20): void {
  const out = new ByteSink(chunkSize, emit);
  if (!writeValue(out, value, 0)) return;
  out.flush();
}
