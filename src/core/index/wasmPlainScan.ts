// The plain SIP scan run by the WebAssembly scanner (wasm/plainScan.ts): it finds the ranges of the keys in the
// message's bytes, and this side interns them and writes the index row, in the order scanPlainSip does (so string
// ids come out equal). Where the WebAssembly scanner answers "not for me", scanPlainSip reads the same bytes and
// decides: a refusal reason, a full-parser check, or acceptance.
import { addIndexRow, scanPlainSip, type HeaderNames } from './plainSipScan';
import type { MessageColumns } from './messageColumns';

/** What the compiled wasm/plainScan.ts exports (the caller instantiates it: core has no WebAssembly types). */
export interface PlainScanExports {
  readonly memory: { readonly buffer: ArrayBuffer };
  namesAddress(): number;
  outAddress(): number;
  heapAddress(): number;
  /** Grows the memory to hold `bytes` from heapAddress(); 0 when it cannot. */
  reserve(bytes: number): number;
  /** 0: plain, keys in the out record; 1: scanPlainSip decides. */
  scan(start: number, end: number): number;
}

/** scanPlainSip's signature: what PlainCaptureIndexer calls for each datagram. */
export type PlainMessageScan = typeof scanPlainSip;

// The out record: wasm/plainScan.ts's layout.
const NAMES_BYTES = 4096;
const OUT_WORDS = 4096;
const OUT_HEAD_WORDS = 8;
const ITEM_WORDS = 5;
const ITEM_EVIDENCE = 1, ITEM_CALL_ID = 2, ITEM_CSEQ = 3, ITEM_FROM = 4, ITEM_TO = 5, ITEM_VIA = 6;
/** Room for a message copied in from outside the module's memory (a UDP datagram is at most 65,535 bytes). */
const SCRATCH_BYTES = 1 << 16;

export class WasmPlainScanner {
  // Views of the module's memory, made again when it grows.
  private bytes!: Uint8Array;
  private out!: Int32Array;
  private readonly heap: number;
  /** Bytes at heapAddress() lent to the caller (readBuffer); the scratch copy goes after them. */
  private lent = 0;
  private readonly evidence: number[] = [];
  /** Messages this scanner read, and those it handed to scanPlainSip. */
  scannedHere = 0;
  handedOver = 0;
  // The previous message's ids, tried first (as scanPlainSip's hints; only ever a hint, checked against the text).
  private hintMethod = -1;
  private hintRequestUri = -1;
  private hintCSeqMethod = -1;
  private hintFromUri = -1;
  private hintToUri = -1;
  private hintSentBy = -1;

  /** Null when the header names do not fit the module's table (then scanPlainSip does all the work). */
  static create(wasm: PlainScanExports, names: HeaderNames): WasmPlainScanner | null {
    const table: number[] = [];
    for (const [name, header] of names.entries()) {
      if (name.length > 255 || header > 255) return null;
      table.push(name.length, header);
      for (let i = 0; i < name.length; i++) table.push(name.charCodeAt(i));
    }
    table.push(0);
    if (table.length > NAMES_BYTES || !wasm.reserve(SCRATCH_BYTES)) return null;
    new Uint8Array(wasm.memory.buffer, wasm.namesAddress(), NAMES_BYTES).set(table);
    return new WasmPlainScanner(wasm);
  }

  private constructor(private readonly wasm: PlainScanExports) {
    this.heap = wasm.heapAddress();
    this.view();
  }

  private view(): void {
    this.bytes = new Uint8Array(this.wasm.memory.buffer);
    this.out = new Int32Array(this.wasm.memory.buffer, this.wasm.outAddress(), OUT_WORDS);
  }

  /**
   * A buffer of `size` bytes in the module's memory, for the caller to read the capture into: messages scanned from
   * it need no copy. It stays valid until the next call (growing the memory moves it).
   */
  readBuffer(size: number): Uint8Array {
    if (!this.wasm.reserve(size + SCRATCH_BYTES)) throw new RangeError(`no WebAssembly memory for a ${size}-byte read buffer`);
    this.lent = size;
    this.view();
    return this.bytes.subarray(this.heap, this.heap + size);
  }

  readonly scan: PlainMessageScan = (b, start, end, cols, names, time, frame, src, dst, startLineChecked = true) => {
    let base = b.byteOffset;
    if (b.buffer !== this.bytes.buffer) {
      // Not in the module's memory (a caller that pushes its own chunks): copied to the scratch area.
      if (end - start > SCRATCH_BYTES) {
        this.handedOver++;
        return scanPlainSip(b, start, end, cols, names, time, frame, src, dst, startLineChecked);
      }
      const scratch = this.heap + this.lent;
      this.bytes.set(b.subarray(start, end), scratch);
      base = scratch - start;
    }
    if (this.wasm.scan(base + start, base + end) !== 0) {
      this.handedOver++;
      return scanPlainSip(b, start, end, cols, names, time, frame, src, dst, startLineChecked);
    }
    this.scannedHere++;
    const m = this.bytes;
    const strings = cols.strings;
    const out = this.out;
    const kind = out[0];
    let method = -1, requestUri = -1;
    if (kind === 0) {
      method = this.hintMethod = strings.internHinted(this.hintMethod, m, out[2], out[3]);
      requestUri = this.hintRequestUri = strings.internHinted(this.hintRequestUri, m, out[4], out[5]);
    }
    let callId = -1, cseq = -1, cseqMethod = -1, fromUri = -1, fromTag = -1, toUri = -1, toTag = -1;
    let topBranch = -1, topSentBy = -1, bottomBranch = -1, bottomSentBy = -1;
    const evidence = this.evidence;
    // Only when there is some: setting an array's length is a builtin call (~6 ms of the bench capture, once a message).
    if (evidence.length !== 0) evidence.length = 0;
    const itemsEnd = OUT_HEAD_WORDS + out[6] * ITEM_WORDS;
    for (let w = OUT_HEAD_WORDS; w < itemsEnd; w += ITEM_WORDS) {
      const a = out[w + 1], b1 = out[w + 2], c = out[w + 3], d = out[w + 4];
      switch (out[w]) {
        case ITEM_EVIDENCE:
          evidence.push(a, strings.intern(m, b1, c));
          break;
        case ITEM_CALL_ID:
          callId = strings.intern(m, a, b1);
          break;
        case ITEM_CSEQ:
          cseq = a;
          cseqMethod = this.hintCSeqMethod = strings.internHinted(this.hintCSeqMethod, m, b1, c);
          break;
        case ITEM_FROM:
          fromUri = this.hintFromUri = strings.internHinted(this.hintFromUri, m, a, b1);
          fromTag = strings.intern(m, c, d);
          break;
        case ITEM_TO:
          toUri = this.hintToUri = strings.internHinted(this.hintToUri, m, a, b1);
          toTag = c < 0 ? -1 : strings.intern(m, c, d);
          break;
        case ITEM_VIA:
          bottomSentBy = this.hintSentBy = strings.internHinted(this.hintSentBy, m, a, b1);
          bottomBranch = strings.intern(m, c, d);
          if (topBranch < 0) {
            topSentBy = bottomSentBy;
            topBranch = bottomBranch;
          }
          break;
      }
    }
    if (kind === 1) method = cseqMethod;
    if (cols.refusedMethods.has(method)) return 'subscription method';
    addIndexRow(cols, frame, time, src, dst, kind, method, out[1], requestUri, callId, cseq, fromUri, fromTag, toUri, toTag, topBranch, topSentBy, bottomBranch, bottomSentBy, evidence);
    return null;
  };
}
