// A capture file taken apart into its container records (pcap record or pcapng block) so mutations can work on
// whole records: reorder and duplicate packets (and so TCP segments), cut or corrupt lengths, and edit payloads.

export interface CaptureContainer {
  format: 'pcap' | 'pcapng';
  littleEndian: boolean;
  /** pcap: the 24-byte global header. pcapng: empty (the SHB is a block like the others). */
  header: Uint8Array;
  /** Each record or block, bytes as in the file (a copy). */
  records: Uint8Array[];
  /** pcap: 16 or 24 (modified pcap). */
  recordHeaderLength: number;
}

const PCAP_MAGICS = [0xa1b2c3d4, 0xa1b23c4d, 0xa1b2cd34];
const SHB = 0x0a0d0d0a;

/** Splits a well-formed capture; null when the bytes are not one we can take apart. */
export function splitCapture(bytes: Uint8Array): CaptureContainer | null {
  if (bytes.length < 24) return null;
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const be = v.getUint32(0, false);
  if (be === SHB) {
    const littleEndian = v.getUint32(8, true) === 0x1a2b3c4d;
    const records: Uint8Array[] = [];
    let p = 0;
    while (p + 12 <= bytes.length) {
      const len = v.getUint32(p + 4, littleEndian);
      if (len < 12 || p + len > bytes.length) break;
      records.push(bytes.slice(p, p + len));
      p += len;
    }
    return { format: 'pcapng', littleEndian, header: new Uint8Array(0), records, recordHeaderLength: 0 };
  }
  const le = v.getUint32(0, true);
  if (!PCAP_MAGICS.includes(be) && !PCAP_MAGICS.includes(le)) return null;
  const littleEndian = !PCAP_MAGICS.includes(be);
  const magic = littleEndian ? le : be;
  const recordHeaderLength = magic === 0xa1b2cd34 ? 24 : 16;
  const records: Uint8Array[] = [];
  let p = 24;
  while (p + recordHeaderLength <= bytes.length) {
    const incl = v.getUint32(p + 8, littleEndian);
    if (p + recordHeaderLength + incl > bytes.length) break;
    records.push(bytes.slice(p, p + recordHeaderLength + incl));
    p += recordHeaderLength + incl;
  }
  return { format: 'pcap', littleEndian, header: bytes.slice(0, 24), records, recordHeaderLength };
}

export function joinCapture(c: CaptureContainer): Uint8Array {
  let n = c.header.length;
  for (const r of c.records) n += r.length;
  const out = new Uint8Array(n);
  out.set(c.header, 0);
  let p = c.header.length;
  for (const r of c.records) {
    out.set(r, p);
    p += r.length;
  }
  return out;
}

/** Where a record's packet bytes start: after the pcap record header, or inside an EPB / SPB / PB; -1 for other blocks. */
export function packetDataOffset(c: CaptureContainer, record: Uint8Array): number {
  if (c.format === 'pcap') return c.recordHeaderLength;
  if (record.length < 12) return -1;
  const type = new DataView(record.buffer, record.byteOffset, record.length).getUint32(0, c.littleEndian);
  if (type === 6 || type === 2) return record.length >= 32 ? 28 : -1;
  if (type === 3) return record.length >= 16 ? 12 : -1;
  return -1;
}

/**
 * Replaces a record's packet bytes, keeping the container consistent (pcap incl_len, pcapng block lengths and
 * captured length, padding) so the change reaches the packet decoder rather than stopping at the file framing.
 */
export function withPacketData(c: CaptureContainer, record: Uint8Array, data: Uint8Array): Uint8Array {
  const at = packetDataOffset(c, record);
  if (at < 0) return record;
  const le = c.littleEndian;
  if (c.format === 'pcap') {
    const out = new Uint8Array(at + data.length);
    out.set(record.subarray(0, at), 0);
    out.set(data, at);
    const v = new DataView(out.buffer);
    v.setUint32(8, data.length, le);
    if (v.getUint32(12, le) < data.length) v.setUint32(12, data.length, le);
    return out;
  }
  const rv = new DataView(record.buffer, record.byteOffset, record.length);
  const type = rv.getUint32(0, le);
  const oldCap = type === 3 ? rv.getUint32(8, le) : rv.getUint32(20, le);
  const oldPadded = (oldCap + 3) & ~3;
  const optionsStart = Math.min(record.length - 4, at + oldPadded);
  const options = record.subarray(optionsStart, record.length - 4);
  const padded = (data.length + 3) & ~3;
  const total = at + padded + options.length + 4;
  const out = new Uint8Array(total);
  out.set(record.subarray(0, at), 0);
  out.set(data, at);
  out.set(options, at + padded);
  const v = new DataView(out.buffer);
  v.setUint32(4, total, le);
  v.setUint32(total - 4, total, le);
  if (type === 3) v.setUint32(8, data.length, le);
  else {
    v.setUint32(20, data.length, le);
    if (v.getUint32(24, le) < data.length) v.setUint32(24, data.length, le);
  }
  return out;
}
