// tshark / Wireshark hex dumps (`tshark -x`): per frame, lines "0000  45 00 …  E..." (offset, up to 16 bytes, ASCII),
// a blank line between frames; with several data sources a title line ("Frame (554 bytes):", "Reassembled TCP
// (1234 bytes):") precedes each block. The frame is decoded down to UDP/TCP (Ethernet, Linux cooked, BSD loopback or
// raw IP link layers) and the payload read as SIP; TCP payloads are reassembled per direction. No timestamps.
import type { Finding } from '../../model/finding';
import type { Endpoint } from '../../model/packet';
import { decodeUtf8 } from '../../util/bytes';
import type { DialectReader, ExtractedMessage, MessageMeta } from '../extractedMessage';
import { chunkLines, StreamLines } from '../streamLines';
import { RebuiltLines, type TextLines, utf8Length } from '../textLines';
import { messageInBlock } from './blockHelpers';

const HEX_LINE = /^([0-9a-f]{4,8})  ([0-9a-f]{2}(?: [0-9a-f]{2}){0,15})(?:  +|$)/;
const SOURCE_TITLE = /^([A-Za-z][^(]*) \((\d+) bytes\):[ \t]*$/;

/** Value of a lower-case hex digit (the regex already checked the characters). */
function hexDigit(c: number): number {
  return c <= 57 ? c - 48 : c - 87;
}

interface DecodedFrame {
  src: Endpoint;
  dst: Endpoint;
  transport: 'UDP' | 'TCP';
  payloadOffset: number;
  payloadEnd: number;
}

function ipv4Text(b: Uint8Array, o: number): string {
  return `${b[o]}.${b[o + 1]}.${b[o + 2]}.${b[o + 3]}`;
}

function ipv6Text(b: Uint8Array, o: number): string {
  const groups: string[] = [];
  for (let k = 0; k < 8; k++) groups.push(((b[o + 2 * k] << 8) | b[o + 2 * k + 1]).toString(16));
  // RFC 5952: compress the longest run of zero groups (of two or more).
  let best = -1;
  let bestLen = 1;
  for (let k = 0; k < 8;) {
    if (groups[k] !== '0') { k++; continue; }
    let e = k;
    while (e < 8 && groups[e] === '0') e++;
    if (e - k > bestLen) { best = k; bestLen = e - k; }
    k = e;
  }
  if (best < 0) return groups.join(':');
  return `${groups.slice(0, best).join(':')}::${groups.slice(best + bestLen).join(':')}`;
}

/** Decodes IP + UDP/TCP at `o`; null when it is not one we can read (fragments, other protocols). */
function decodeIp(b: Uint8Array, o: number): DecodedFrame | null {
  if (o >= b.length) return null;
  const version = b[o] >> 4;
  let proto: number;
  let l4: number;
  let end: number;
  let src: string;
  let dst: string;
  if (version === 4) {
    const ihl = (b[o] & 0x0f) * 4;
    const total = (b[o + 2] << 8) | b[o + 3];
    const frag = ((b[o + 6] << 8) | b[o + 7]) & 0x3fff; // MF flag + fragment offset
    if (ihl < 20 || frag !== 0) return null;
    proto = b[o + 9];
    src = ipv4Text(b, o + 12);
    dst = ipv4Text(b, o + 16);
    l4 = o + ihl;
    end = Math.min(b.length, o + total);
  } else if (version === 6) {
    proto = b[o + 6];
    src = ipv6Text(b, o + 8);
    dst = ipv6Text(b, o + 24);
    end = Math.min(b.length, o + 40 + ((b[o + 4] << 8) | b[o + 5]));
    l4 = o + 40;
    // Hop-by-hop, routing and destination options headers (RFC 8200 §4); a fragment header (44) is not read here.
    while (proto === 0 || proto === 43 || proto === 60) {
      if (l4 + 2 > end) return null;
      proto = b[l4];
      l4 += (b[l4 + 1] + 1) * 8;
    }
  } else {
    return null;
  }
  if (proto === 17 && l4 + 8 <= end) {
    return { src: { ip: src, port: (b[l4] << 8) | b[l4 + 1] }, dst: { ip: dst, port: (b[l4 + 2] << 8) | b[l4 + 3] }, transport: 'UDP', payloadOffset: l4 + 8, payloadEnd: Math.min(end, l4 + ((b[l4 + 4] << 8) | b[l4 + 5])) };
  }
  if (proto === 6 && l4 + 20 <= end) {
    const off = (b[l4 + 12] >> 4) * 4;
    return { src: { ip: src, port: (b[l4] << 8) | b[l4 + 1] }, dst: { ip: dst, port: (b[l4 + 2] << 8) | b[l4 + 3] }, transport: 'TCP', payloadOffset: l4 + off, payloadEnd: end };
  }
  return null;
}

/** Guesses the link layer from the bytes (the dump does not say): Ethernet (+VLAN), Linux SLL, BSD loopback, raw IP. */
function decodeFrame(b: Uint8Array): DecodedFrame | null {
  const type12 = (b[12] << 8) | b[13];
  if (b.length > 14 && (type12 === 0x0800 || type12 === 0x86dd || type12 === 0x8100 || type12 === 0x88a8)) {
    let o = 12;
    while (((b[o] << 8) | b[o + 1]) === 0x8100 || ((b[o] << 8) | b[o + 1]) === 0x88a8) o += 4;
    const r = decodeIp(b, o + 2);
    if (r) return r;
  }
  const type14 = (b[14] << 8) | b[15];
  if (b.length > 16 && (type14 === 0x0800 || type14 === 0x86dd) && b[0] === 0 && b[1] <= 4) {
    const r = decodeIp(b, 16);
    if (r) return r;
  }
  if (b.length > 4 && b[1] === 0 && b[2] === 0 && (b[0] === 2 || b[0] === 24 || b[0] === 28 || b[0] === 30 || b[3] === 2)) {
    const r = decodeIp(b, 4);
    if (r) return r;
  }
  return decodeIp(b, 0);
}

export const tsharkHexReader: DialectReader = {
  dialect: 'tshark-hex',
  detect(lines: TextLines, scanLimit: number): number {
    // Hex dump lines whose ASCII column shows SIP text.
    let n = 0;
    const last = Math.min(lines.count, scanLimit);
    for (let i = 0; i < last; i++) {
      const t = lines.text(i);
      if (HEX_LINE.test(t) && (t.includes('SIP/2.0') || t.includes('SIP/2.') || t.includes('Call-ID'))) n++;
    }
    return n * 2;
  },
  extract(lines: TextLines, findings: Finding[]): ExtractedMessage[] {
    const out: ExtractedMessage[] = [];
    const streams = new Map<string, StreamLines>();
    let i = 0;
    let title: string | null = null;
    while (i < lines.count) {
      const t = lines.text(i);
      const st = SOURCE_TITLE.exec(t);
      if (st) { title = st[1]; i++; continue; }
      const first = HEX_LINE.exec(t);
      if (!first || parseInt(first[1], 16) !== 0) { if (t.trim().length === 0) title = null; i++; continue; }
      // One block: consecutive hex lines with offsets 0, 16, 32, …
      const bytes: number[] = [];
      const blockStart = i;
      while (i < lines.count) {
        const h = HEX_LINE.exec(lines.text(i));
        if (!h || parseInt(h[1], 16) !== bytes.length) break;
        const hex = h[2];
        for (let k = 0; k + 1 < hex.length; k += 3) bytes.push((hexDigit(hex.charCodeAt(k)) << 4) | hexDigit(hex.charCodeAt(k + 1)));
        i++;
      }
      const data = Uint8Array.from(bytes);
      const blockLine = (offset: number) => blockStart + 1 + Math.floor(offset / 16);
      // A "Reassembled TCP" block repeats bytes already read from each segment's own frame block: skip it.
      const reassembled = title !== null && /^Reassembled /.test(title);
      title = null;
      if (reassembled) continue;
      const frame = decodeFrame(data);
      if (!frame || frame.payloadEnd <= frame.payloadOffset) continue;
      const payload = decodeUtf8(data, frame.payloadOffset, frame.payloadEnd);
      const meta: MessageMeta = { src: frame.src, dst: frame.dst, transport: frame.transport, headerLine: blockStart + 1 };
      // Map each payload line to the dump line holding its first byte.
      const pieces = chunkLines(payload);
      let offset = frame.payloadOffset;
      if (frame.transport === 'UDP') {
        const view = new RebuiltLines();
        for (const p of pieces) {
          view.push(p.text, p.term, blockLine(offset));
          offset += utf8Length(p.text) + p.term.length;
        }
        const msg = messageInBlock(view, 0, view.count, meta, findings, 'tshark hex dump');
        if (msg) { msg.endLine = blockLine(frame.payloadEnd - 1); out.push(msg); }
      } else {
        const key = `${frame.src.ip}|${frame.src.port}|${frame.dst.ip}|${frame.dst.port}`;
        let s = streams.get(key);
        if (!s) { s = new StreamLines(); streams.set(key, s); }
        for (const p of pieces) {
          const next = offset + utf8Length(p.text) + p.term.length;
          s.push(p.text, p.term, blockLine(offset), meta, blockLine(next - 1));
          offset = next;
        }
        s.take(false, out);
      }
    }
    for (const s of streams.values()) s.take(true, out);
    return out.sort((a, b) => a.line - b.line);
  },
};
