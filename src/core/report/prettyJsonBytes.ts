// JSON.stringify(value, null, 2), UTF-8 encoded, written straight into byte chunks: the dialogs report of a
// 200,000-message capture is about 28 MB of text, and building it as JavaScript strings (then encoding them for
// stdout) was a tenth of the whole run. Plain ASCII strings are copied byte by byte; any string that needs
// escaping or holds non-ASCII text goes through JSON.stringify and TextEncoder, so the output is exactly
// JSON.stringify's (a test compares them on real reports and on awkward values).

const INDENT = 0x20, NL = 0x0a, QUOTE = 0x22;
const FIRST_CHUNK_BYTES = 4096;

/**
 * What a LazyArray's own element writer may call: values, and between them fragments holding the rest of
 * JSON.stringify's layout (punctuation, line breaks, indentation, keys).
 */
export interface JsonOut {
  integer(v: number): void;
  /** A JSON string of printable ASCII bytes (escaping `"` and `\`), copied without making a JavaScript string. */
  asciiBytes(src: Uint8Array, start: number, end: number): void;
  /** Bytes made once by jsonFragment (punctuation, line breaks, indentation and keys between a record's values). */
  fragment(bytes: Uint8Array): void;
}

/**
 * An array whose elements are made when written (a report of 30,000 dialogs never holds them all), written as an
 * array; `write`, when given, writes element i itself at that depth (no object made at all).
 */
export class LazyArray<T> {
  constructor(readonly length: number, readonly at: (index: number) => T, readonly write?: (index: number, out: JsonOut, depth: number) => void) {}
}
const encoder = new TextEncoder();

/** JSON text, already escaped where it needs to be, as UTF-8 bytes for JsonOut.fragment. */
export function jsonFragment(text: string): Uint8Array {
  return encoder.encode(text);
}

class ByteSink implements JsonOut {
  private chunk: Uint8Array;
  private used = 0;
  constructor(private readonly chunkSize: number, private readonly emit: (bytes: Uint8Array) => boolean | void) {
    // The first chunk is small, so the first flush comes while the writers still run unoptimised: a flush first
    // reached from V8's optimised code had no type feedback and deoptimised every writer it was inlined into.
    this.chunk = new Uint8Array(Math.min(chunkSize, FIRST_CHUNK_BYTES));
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
  /** Text that needs no escaping (punctuation, `null`, numbers as text). */
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
  /** A 32-bit integer's decimal digits, without making a string (message indexes are most of a report's numbers). */
  integer(v: number): void {
    this.room(11);
    const c = this.chunk;
    let u = this.used;
    if (v < 0) {
      c[u++] = 0x2d;
      v = -v;
    }
    let digits = 1;
    for (let x = v; x >= 10; x = Math.floor(x / 10)) digits++;
    for (let k = digits - 1; k >= 0; k--) {
      c[u + k] = 0x30 + (v % 10);
      v = Math.floor(v / 10);
    }
    this.used = u + digits;
  }
  /** Line break and the indentation of `depth`. */
  newline(depth: number): void {
    this.room(1 + depth * 2);
    const c = this.chunk;
    let u = this.used;
    c[u++] = NL;
    for (let i = 0; i < depth * 2; i++) c[u++] = INDENT;
    this.used = u;
  }
  fragment(f: Uint8Array): void {
    this.room(f.length);
    // set, not a loop: on the bench machine a copy loop over these ~20-byte fragments made writing the report slower
    // than one ascii() call per piece; set halves it (in-process, 28 MB of dialogs: 110 → 55–95 ms).
    this.chunk.set(f, this.used);
    this.used += f.length;
  }
  asciiBytes(src: Uint8Array, start: number, end: number): void {
    this.room(2 * (end - start) + 2);
    const c = this.chunk;
    let u = this.used;
    c[u++] = QUOTE;
    for (let i = start; i < end; i++) {
      const b = src[i];
      if (b === QUOTE || b === 0x5c) c[u++] = 0x5c;
      c[u++] = b;
    }
    c[u++] = QUOTE;
    this.used = u;
  }
  flush(): void {
    if (this.used === 0) return;
    // The chunk is reused only when the consumer says it has written it already; otherwise it may hold on to it
    // (an asynchronous stream write) and the next chunk is a new one.
    const done = this.emit(this.chunk.subarray(0, this.used));
    if (done !== true || this.chunk.length < this.chunkSize) this.chunk = new Uint8Array(this.chunkSize);
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
      if ((v | 0) === v && (v !== 0 || 1 / v > 0)) out.integer(v);
      else out.ascii(Number.isFinite(v) ? String(v) : 'null');
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
  const lazy = v instanceof LazyArray;
  if (lazy || Array.isArray(v)) {
    const list = v as LazyArray<unknown> | unknown[];
    if (list.length === 0) {
      out.ascii('[]');
      return true;
    }
    out.byte(0x5b);
    const own = lazy ? (list as LazyArray<unknown>).write : undefined;
    for (let i = 0; i < list.length; i++) {
      out.newline(depth + 1);
      if (own) own(i, out, depth + 1);
      else if (!writeValue(out, lazy ? (list as LazyArray<unknown>).at(i) : (list as unknown[])[i], depth + 1)) out.ascii('null');
      if (i < list.length - 1) out.byte(0x2c);
    }
    out.newline(depth);
    out.byte(0x5d);
    return true;
  }
  let wrote = false;
  const record = v as Record<string, unknown>;
  for (const key in record) {
    if (!Object.prototype.hasOwnProperty.call(record, key)) continue;
    const item = record[key];
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

/**
 * Emits the UTF-8 bytes of JSON.stringify(value, null, 2) in chunks of about `chunkSize` bytes. `emit` returns true
 * when it has written the chunk synchronously, so that its buffer can be filled again.
 */
export function writePrettyJsonBytes(value: unknown, emit: (bytes: Uint8Array) => boolean | void, chunkSize = 1 << 20): void {
  const out = new ByteSink(chunkSize, emit);
  if (!writeValue(out, value, 0)) return;
  out.flush();
}
