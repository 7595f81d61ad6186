// Structure-aware mutations: SIP-text mutations (lines, headers, Content-Length, bodies, encodings) that work on
// a message, a text log or a packet's payload alike, and container mutations on capture records and blocks.
import { HOSTILE_STRINGS } from '../unit/render/hostileStrings';
import { joinCapture, packetDataOffset, splitCapture, withPacketData, type CaptureContainer } from './captureContainer';
import type { Prng } from './prng';
import { concatBytes } from '../../src/core/util/bytes';

const enc = new TextEncoder();
const CRLF = enc.encode('\r\n');

/** Offsets just after each LF (line starts), plus 0. */
function lineStarts(b: Uint8Array): number[] {
  const starts = [0];
  for (let i = 0; i < b.length; i++) if (b[i] === 10 && i + 1 < b.length) starts.push(i + 1);
  return starts;
}

function lineAt(b: Uint8Array, start: number): Uint8Array {
  let end = start;
  while (end < b.length && b[end] !== 10) end++;
  return b.subarray(start, Math.min(b.length, end + 1));
}

function indexOfAscii(b: Uint8Array, needle: string, from = 0, ignoreCase = false): number {
  const n = needle.length;
  outer: for (let i = from; i + n <= b.length; i++) {
    for (let j = 0; j < n; j++) {
      let c = b[i + j];
      if (ignoreCase && c >= 65 && c <= 90) c += 32;
      if (c !== needle.charCodeAt(j)) continue outer;
    }
    return i;
  }
  return -1;
}

const HUGE_LENGTHS = ['99999999999999999999', '4294967296', '4294967295', '2147483648', '-1', '1e9', '0x10', '', ' 12 34', '000000000000000000000000000000001', '9007199254740993'];
const NON_UTF8 = [[0xff], [0xc3], [0xed, 0xa0, 0x80], [0xc0, 0xaf], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xe2, 0x82], [0x80, 0x80, 0x80], [0xf4, 0x90, 0x80, 0x80]];
/** Prefixes that tempt a backtracking regex when repeated on one line. */
const LONG_LINE_UNITS = ['Via: ', 'SIP/2.0 ', ';', ';a=', '<', '<sip:', '"', '\\"', ' ', '\t', ':', '%', '%2', '[', '[::', '1.', 'a', '=', ',', '-->', '--', '0123456789', 'U ', 'T ', '#', 'sip:', 'INVITE ', '...', '| ', '0000  ',
  // Dialect header markers followed by an open run ("(", "[") that an unanchored regex would rescan from each.
  '<--- Transmitting (', '<--- SIP read from ', 'channel [', 'TX 1 bytes Request msg x (', '(a): ', 'proto:UDP ', 'Table 1: '];

export type ByteMutation = (b: Uint8Array, rng: Prng, donors: readonly Uint8Array[]) => Uint8Array;

/** Mutations of SIP text (a message, a log, a payload), each keeping most of the structure intact. */
export const SIP_MUTATIONS: Record<string, ByteMutation> = {
  flipBytes(b, rng) {
    const out = b.slice();
    for (let k = 1 + rng.skewed(16); k > 0 && out.length; k--) out[rng.int(out.length)] ^= 1 << rng.int(8);
    return out;
  },
  randomBytes(b, rng) {
    const out = b.slice();
    for (let k = 1 + rng.skewed(8); k > 0 && out.length; k--) out[rng.int(out.length)] = rng.int(256);
    return out;
  },
  truncate(b, rng) {
    return b.slice(0, rng.int(b.length + 1));
  },
  dropSlice(b, rng) {
    const at = rng.int(b.length + 1);
    const len = rng.skewed(Math.max(1, b.length - at));
    return concatBytes([b.subarray(0, at), b.subarray(at + len)]);
  },
  duplicateSlice(b, rng) {
    const at = rng.int(b.length + 1);
    const len = rng.skewed(Math.min(4096, b.length - at));
    return concatBytes([b.subarray(0, at + len), b.subarray(at, at + len), b.subarray(at + len)]);
  },
  injectNul(b, rng) {
    const at = rng.int(b.length + 1);
    return concatBytes([b.subarray(0, at), new Uint8Array(1 + rng.skewed(8)), b.subarray(at)]);
  },
  nonUtf8(b, rng) {
    const at = rng.int(b.length + 1);
    return concatBytes([b.subarray(0, at), Uint8Array.from(rng.pick(NON_UTF8)), b.subarray(at)]);
  },
  hugeContentLength(b, rng) {
    let at = indexOfAscii(b, 'content-length:', 0, true);
    if (at < 0) at = indexOfAscii(b, '\nl:', 0, true);
    if (at < 0) return concatBytes([enc.encode(`Content-Length: ${rng.pick(HUGE_LENGTHS)}\r\n`), b]);
    const colon = b.indexOf(58, at);
    let end = colon + 1;
    while (end < b.length && b[end] !== 13 && b[end] !== 10) end++;
    return concatBytes([b.subarray(0, colon + 1), enc.encode(` ${rng.pick(HUGE_LENGTHS)}`), b.subarray(end)]);
  },
  spliceHeader(b, rng, donors) {
    const donor = donors.length ? rng.pick(donors) : b;
    const starts = lineStarts(donor);
    const line = lineAt(donor, rng.pick(starts));
    const targets = lineStarts(b);
    const at = rng.pick(targets);
    return concatBytes([b.subarray(0, at), line, b.subarray(at)]);
  },
  swapLines(b, rng) {
    const starts = lineStarts(b);
    if (starts.length < 2) return b;
    const i = rng.int(starts.length - 1);
    const a = lineAt(b, starts[i]);
    const c = lineAt(b, starts[i + 1]);
    return concatBytes([b.subarray(0, starts[i]), c, a, b.subarray(starts[i] + a.length + c.length)]);
  },
  duplicateLines(b, rng) {
    const starts = lineStarts(b);
    const i = rng.int(starts.length);
    const line = lineAt(b, starts[i]);
    const copies: Uint8Array[] = [];
    for (let k = 1 + rng.skewed(2000); k > 0; k--) copies.push(line);
    return concatBytes([b.subarray(0, starts[i]), ...copies, b.subarray(starts[i])]);
  },
  deleteLine(b, rng) {
    const starts = lineStarts(b);
    const at = rng.pick(starts);
    return concatBytes([b.subarray(0, at), b.subarray(at + lineAt(b, at).length)]);
  },
  longLine(b, rng) {
    const starts = lineStarts(b);
    const at = rng.pick(starts);
    // An existing line's start, or a known troublesome prefix, repeated up to a megabyte.
    const own = lineAt(b, at).subarray(0, 1 + rng.int(12));
    const unit = rng.chance(0.5) && own.length && own[0] !== 10 ? own.filter((c) => c !== 10 && c !== 13) : enc.encode(rng.pick(LONG_LINE_UNITS));
    const target = rng.chance(0.1) ? (1 << 20) : 1 << rng.range(8, 16);
    const reps = Math.max(1, Math.floor(target / Math.max(1, unit.length)));
    const line = new Uint8Array(reps * unit.length);
    for (let k = 0; k < reps; k++) line.set(unit, k * unit.length);
    const keepLine = rng.chance(0.5);
    return concatBytes([b.subarray(0, at), line, keepLine ? CRLF : new Uint8Array(0), b.subarray(at)]);
  },
  deepMultipart(b, rng) {
    const depth = rng.range(2, rng.chance(0.3) ? 5000 : 200);
    const parts: string[] = [];
    for (let d = 0; d < depth; d++) parts.push(`--b${d}\r\nContent-Type: multipart/mixed;boundary=b${d + 1}\r\n\r\n`);
    parts.push('--b' + depth + '\r\nContent-Type: message/sipfrag\r\n\r\nSIP/2.0 200 OK\r\n');
    for (let d = depth; d >= 0; d--) parts.push(`--b${d}--\r\n`);
    const body = enc.encode(parts.join(''));
    const head = indexOfAscii(b, '\r\n\r\n');
    const headers = head < 0 ? b : b.subarray(0, head);
    return concatBytes([headers, enc.encode(`\r\nContent-Type: multipart/mixed;boundary=b0\r\nContent-Length: ${body.length}\r\n\r\n`), body]);
  },
  hostileValue(b, rng) {
    const hostile = enc.encode(rng.pick(HOSTILE_STRINGS) + (rng.chance(0.1) ? 'x'.repeat(100_000) : ''));
    const starts = lineStarts(b);
    const at = rng.pick(starts);
    const line = lineAt(b, at);
    const colon = line.indexOf(58);
    const cut = at + (colon >= 0 && rng.chance(0.7) ? colon + 2 : rng.int(line.length + 1));
    return concatBytes([b.subarray(0, Math.min(cut, b.length)), hostile, b.subarray(Math.min(cut, b.length))]);
  },
  lineEndings(b, rng) {
    const out: number[] = [];
    const mode = rng.int(3);
    for (let i = 0; i < b.length; i++) {
      if (b[i] === 13 && b[i + 1] === 10 && (mode === 0 || (mode === 2 && rng.chance(0.5)))) continue; // CRLF → LF
      if (b[i] === 10 && mode === 1 && b[i - 1] !== 13) out.push(13);                                   // LF → CRLF
      out.push(b[i]);
    }
    return Uint8Array.from(out);
  },
  lonelyCr(b, rng) {
    const out = b.slice();
    for (let i = 0; i < out.length; i++) if (out[i] === 10 && rng.chance(0.3)) out[i] = 13;
    return out;
  },
  repeatWhole(b, rng) {
    const copies: Uint8Array[] = [];
    for (let k = 2 + rng.skewed(b.length > 65536 ? 4 : 300); k > 0; k--) copies.push(b);
    return concatBytes(copies);
  },
  manySeparators(b, rng) {
    const unit = rng.pick([';', ',', ';x=', ',<sip:a@b>', ' ;', '"', '\\', '<', '>']);
    const name = rng.pick(['Via', 'Contact', 'From', 'To', 'Route', 'Record-Route', 'CSeq', 'Call-ID', 'Content-Type', 'Refer-To', 'Max-Forwards', 'v', 'm', 'f']);
    const header = enc.encode(`${name}: ${unit.repeat(1 + rng.skewed(50_000))}\r\n`);
    const starts = lineStarts(b);
    const at = starts.length > 1 ? starts[1 + rng.int(starts.length - 1)] : b.length;
    return concatBytes([b.subarray(0, at), header, b.subarray(at)]);
  },
  digits(b, rng) {
    // Numbers in dialect header lines (times, lengths, ports, frame numbers) changed to other numbers.
    const out = b.slice();
    for (let k = 1 + rng.skewed(20); k > 0; k--) {
      const i = rng.int(out.length);
      if (out[i] >= 48 && out[i] <= 57) out[i] = 48 + rng.int(10);
    }
    return out;
  },
};

const SIP_MUTATION_NAMES = Object.keys(SIP_MUTATIONS);

/** Applies 1..n SIP-text mutations; returns the bytes and the names applied. */
export function mutateSipText(b: Uint8Array, rng: Prng, donors: readonly Uint8Array[], applied: string[]): Uint8Array {
  let out = b;
  for (let k = 1 + rng.skewed(4); k > 0; k--) {
    const name = rng.pick(SIP_MUTATION_NAMES);
    applied.push(name);
    out = SIP_MUTATIONS[name](out, rng, donors);
    if (out.length > 8 << 20) out = out.subarray(0, 8 << 20); // bound input size
  }
  return out;
}

// --- capture containers ---

const LINK_TYPES = [0, 1, 9, 12, 101, 108, 113, 147, 228, 229, 276, 0xffff, 0x0fffffff];

function u32(rec: Uint8Array, at: number, value: number, le: boolean): void {
  if (at + 4 <= rec.length) new DataView(rec.buffer, rec.byteOffset, rec.length).setUint32(at, value >>> 0, le);
}

/** Offset of the IPv4 header inside a packet of the given link type, or -1. */
function ipv4Offset(linkType: number, data: Uint8Array): number {
  let at = -1;
  if (linkType === 1 && data.length >= 14) {
    at = 14;
    let type = (data[12] << 8) | data[13];
    while ((type === 0x8100 || type === 0x88a8) && data.length >= at + 4) {
      type = (data[at + 2] << 8) | data[at + 3];
      at += 4;
    }
    if (type !== 0x0800) return -1;
  } else if (linkType === 113) at = 16;
  else if (linkType === 276) at = 20;
  else if (linkType === 0 || linkType === 108) at = 4;
  else if (linkType === 101 || linkType === 228) at = 0;
  if (at < 0 || data.length < at + 20 || data[at] >> 4 !== 4) return -1;
  return at;
}

/** After a payload edit, makes IPv4 total length and UDP length agree with the new size (checksums zeroed). */
function fixIpv4Lengths(linkType: number, data: Uint8Array): void {
  const ip = ipv4Offset(linkType, data);
  if (ip < 0) return;
  const v = new DataView(data.buffer, data.byteOffset, data.length);
  const total = data.length - ip;
  if (total > 0xffff) return;
  v.setUint16(ip + 2, total);
  v.setUint16(ip + 10, 0);
  const ihl = (data[ip] & 0x0f) * 4;
  if (data[ip + 9] === 17 && data.length >= ip + ihl + 8) {
    v.setUint16(ip + ihl + 4, total - ihl);
    v.setUint16(ip + ihl + 6, 0);
  }
}

function linkTypeOf(c: CaptureContainer): number {
  if (c.format === 'pcap') return new DataView(c.header.buffer, c.header.byteOffset, 24).getUint32(20, c.littleEndian) & 0x0fffffff;
  for (const r of c.records) {
    if (r.length >= 20 && new DataView(r.buffer, r.byteOffset, r.length).getUint32(0, c.littleEndian) === 1) return new DataView(r.buffer, r.byteOffset, r.length).getUint16(8, c.littleEndian);
  }
  return 1;
}

type ContainerMutation = (c: CaptureContainer, rng: Prng, donors: readonly Uint8Array[]) => void;

function blockType(c: CaptureContainer, r: Uint8Array): number {
  return r.length >= 4 ? new DataView(r.buffer, r.byteOffset, r.length).getUint32(0, c.littleEndian) : -1;
}

/** The packet bytes of a record (pcap data, EPB/PB captured bytes, SPB bytes). */
function packetData(c: CaptureContainer, r: Uint8Array): Uint8Array {
  const at = packetDataOffset(c, r);
  if (c.format === 'pcap') return r.subarray(at);
  const v = new DataView(r.buffer, r.byteOffset, r.length);
  const len = blockType(c, r) === 3 ? v.getUint32(8, c.littleEndian) : v.getUint32(20, c.littleEndian);
  return r.subarray(at, Math.min(r.length - 4, at + len));
}

const packetRecords = (c: CaptureContainer) => c.records.map((r, i) => i).filter((i) => packetDataOffset(c, c.records[i]) >= 0);

export const CAPTURE_MUTATIONS: Record<string, ContainerMutation> = {
  dropRecord(c, rng) {
    if (c.records.length) c.records.splice(rng.int(c.records.length), 1 + rng.skewed(3));
  },
  duplicateRecord(c, rng) {
    if (!c.records.length) return;
    const i = rng.int(c.records.length);
    const to = rng.chance(0.6) ? i + 1 : rng.int(c.records.length + 1);
    c.records.splice(to, 0, c.records[i].slice());
  },
  swapRecords(c, rng) {
    const n = c.records.length;
    if (n < 2) return;
    const i = rng.int(n - 1);
    const j = rng.chance(0.6) ? i + 1 : rng.int(n);
    [c.records[i], c.records[j]] = [c.records[j], c.records[i]];
  },
  reverseRange(c, rng) {
    const n = c.records.length;
    const i = rng.int(n);
    const len = 2 + rng.skewed(8);
    const part = c.records.slice(i, i + len).reverse();
    c.records.splice(i, part.length, ...part);
  },
  recordLength(c, rng) {
    if (!c.records.length) return;
    const i = rng.int(c.records.length);
    const r = c.records[i];
    const le = c.littleEndian;
    const len = rng.pick([0, 1, 3, 12, 16, 28, 32, r.length - 1, r.length + 1, r.length + 1000, 0x7fffffff, 0xffffffff, (16 << 20) + 1, 1 << 24, rng.nextU32()]);
    if (c.format === 'pcap') u32(r, rng.chance(0.7) ? 8 : 12, len, le);
    else {
      const field = rng.pick([4, r.length - 4, 20, 24, 8]);
      u32(r, field, len, le);
    }
  },
  shrinkBlock(c, rng) {
    // A block or record cut to a smaller length that still frames (both pcapng length fields agree), so the
    // reader gets past its framing checks with too few bytes for the block's fixed fields.
    if (!c.records.length) return;
    const i = rng.int(c.records.length);
    const r = c.records[i];
    const le = c.littleEndian;
    if (c.format === 'pcapng') {
      const len = Math.min(r.length, rng.pick([12, 16, 20, 24, 28, 32, 36]));
      const out = r.slice(0, len);
      u32(out, 4, len, le);
      u32(out, len - 4, len, le);
      c.records[i] = out;
    } else {
      const keep = c.recordHeaderLength + rng.int(Math.max(1, r.length - c.recordHeaderLength));
      const out = r.slice(0, keep);
      u32(out, 8, keep - c.recordHeaderLength, le);
      c.records[i] = out;
    }
  },
  snaplenCut(c, rng) {
    const ids = packetRecords(c);
    if (!ids.length) return;
    const i = rng.pick(ids);
    const r = c.records[i];
    const data = packetData(c, r);
    const origLen = data.length;
    const cut = withPacketData(c, r, data.slice(0, rng.int(Math.max(1, data.length))));
    // Keep the original length: the record then says "cut by the snaplen".
    if (c.format === 'pcap') u32(cut, 12, origLen, c.littleEndian);
    else if (blockType(c, cut) !== 3) u32(cut, 24, origLen, c.littleEndian);
    c.records[i] = cut;
  },
  zeroLength(c, rng) {
    const ids = packetRecords(c);
    if (!ids.length) return;
    const i = rng.pick(ids);
    c.records[i] = withPacketData(c, c.records[i], new Uint8Array(0));
  },
  oversized(c, rng) {
    const ids = packetRecords(c);
    if (!ids.length) return;
    const i = rng.pick(ids);
    const r = c.records[i];
    const extra = new Uint8Array(rng.pick([1500, 65536, 262144, 1 << 20]));
    for (let k = 0; k < extra.length; k += 97) extra[k] = rng.int(256);
    c.records[i] = withPacketData(c, r, concatBytes([packetData(c, r), extra]));
  },
  linkType(c, rng) {
    const lt = rng.pick(LINK_TYPES) | (rng.chance(0.1) ? 0x10000000 : 0);
    if (c.format === 'pcap') u32(c.header, 20, lt, c.littleEndian);
    else {
      const idbs = c.records.filter((r) => r.length >= 20 && new DataView(r.buffer, r.byteOffset, r.length).getUint32(0, c.littleEndian) === 1);
      if (idbs.length) new DataView(idbs[0].buffer, idbs[0].byteOffset).setUint16(8, lt & 0xffff, c.littleEndian);
    }
  },
  magic(c, rng) {
    if (c.format === 'pcap') c.header[rng.int(4)] ^= 1 << rng.int(8);
    else if (c.records.length) c.records[0][rng.pick([0, 1, 8, 9, 10, 11])] ^= 1 << rng.int(8);
  },
  unknownBlock(c, rng) {
    const len = 12 + 4 * rng.skewed(64);
    const block = new Uint8Array(len);
    for (let k = 8; k < len - 4; k++) block[k] = rng.int(256);
    const v = new DataView(block.buffer);
    v.setUint32(0, rng.pick([0x12345678, 0x7, 0x8, 0x80000001, 0x4, 0x5, 0xbad, 0x0a0d0d0a]), c.littleEndian);
    v.setUint32(4, len, c.littleEndian);
    v.setUint32(len - 4, rng.chance(0.8) ? len : rng.nextU32(), c.littleEndian);
    if (c.format === 'pcapng') c.records.splice(rng.int(c.records.length + 1), 0, block);
    else c.records.splice(rng.int(c.records.length + 1), 0, block.subarray(0, 16 + rng.int(len)));
  },
  garbageBetween(c, rng) {
    const junk = new Uint8Array(1 + rng.skewed(64));
    for (let k = 0; k < junk.length; k++) junk[k] = rng.int(256);
    c.records.splice(rng.int(c.records.length + 1), 0, junk);
  },
  payload(c, rng, donors) {
    const ids = packetRecords(c);
    if (!ids.length) return;
    const i = rng.pick(ids);
    const r = c.records[i];
    const data = packetData(c, r);
    // Mutate from the SIP start line on when there is one, else anywhere in the packet.
    let sip = indexOfAscii(data, 'SIP/2.0');
    if (sip >= 0) {
      while (sip > 0 && data[sip - 1] !== 10 && sip > data.length - 65536) sip--;
    } else sip = rng.int(data.length + 1);
    const applied: string[] = [];
    const mutated = mutateSipText(data.subarray(sip), rng, donors, applied);
    const packet = concatBytes([data.subarray(0, sip), mutated]);
    if (rng.chance(0.8)) fixIpv4Lengths(linkTypeOf(c), packet);
    c.records[i] = withPacketData(c, r, packet);
  },
};

const CAPTURE_MUTATION_NAMES = Object.keys(CAPTURE_MUTATIONS);

/** Mutates a capture file: container-level changes, then sometimes raw flips and a cut, as a damaged file has. */
export function mutateCapture(bytes: Uint8Array, rng: Prng, donors: readonly Uint8Array[], applied: string[]): Uint8Array {
  const c = splitCapture(bytes);
  let out = bytes;
  if (c) {
    for (let k = 1 + rng.skewed(4); k > 0; k--) {
      const name = rng.chance(0.35) ? 'payload' : rng.pick(CAPTURE_MUTATION_NAMES);
      applied.push(name);
      CAPTURE_MUTATIONS[name](c, rng, donors);
    }
    out = joinCapture(c);
  }
  if (rng.chance(0.15)) {
    applied.push('flipBytes');
    out = SIP_MUTATIONS.flipBytes(out, rng, donors);
  }
  if (rng.chance(0.1)) {
    applied.push('truncate');
    out = out.slice(0, rng.int(out.length + 1));
  }
  return out;
}
