// pcapng files (draft-ietf-opsawg-pcapng): sections (SHB, either byte order), interfaces (IDB, each with its
// own link type and if_tsresol / if_tsoffset), packets in EPB, SPB and the obsolete PB. Other blocks are skipped;
// unknown ones are reported once per type. A corrupt block length makes the reader resynchronise on the next
// plausible block instead of giving up on the rest of the file.

import type { CaptureRecord } from '../model/packet';
import type { Finding } from '../model/finding';
import type { ByteQueue } from './byteQueue';
import { MAX_RECORD_BYTES } from './limits';

const SHB = 0x0a0d0d0a;
const IDB = 0x00000001;
const PB = 0x00000002;
const SPB = 0x00000003;
const EPB = 0x00000006;
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;
/** Blocks we know and deliberately skip: NRB, ISB, systemd journal export, DSB, custom blocks. */
export const SKIPPED_BLOCKS: ReadonlySet<number> = new Set([0x4, 0x5, 0x9, 0xa, 0xbad, 0x40000bad]);
/** Smallest total length of each block type we read: its fixed fields plus the two length words (pcapng §4). */
const MIN_BLOCK_LENGTH = new Map([[SHB, 28], [IDB, 20], [PB, 32], [SPB, 16], [EPB, 32]]);
const OPT_IF_TSRESOL = 9;
const OPT_IF_TSOFFSET = 14;

interface InterfaceInfo {
  linkType: number;
  snaplen: number;
  unitsPerSecond: number;
  offsetSeconds: number;
}

export class PcapngRecordParser {
  private littleEndian = true;
  private interfaces: InterfaceInfo[] = [];
  private frame = 0;
  private resyncing = false;
  private unknownBlocks = new Map<number, number>();

  constructor(private readonly findings: Finding[]) {}

  get packets(): number { return this.frame; }

  parse(q: ByteQueue, out: CaptureRecord[]): void {
    for (;;) {
      const head = q.peek(12);
      if (!head) return;
      const hv = new DataView(head.buffer, head.byteOffset, 12);
      let type = hv.getUint32(0, this.littleEndian);
      if (hv.getUint32(0, false) === SHB) {
        type = SHB;
        const bom = hv.getUint32(8, true);
        if (bom === BYTE_ORDER_MAGIC) this.littleEndian = true;
        else if (hv.getUint32(8, false) === BYTE_ORDER_MAGIC) this.littleEndian = false;
        else { if (!this.corrupt(q, 'a Section Header Block without the byte-order magic 0x1A2B3C4D')) return; continue; }
      }
      const length = hv.getUint32(4, this.littleEndian);
      if (length < (MIN_BLOCK_LENGTH.get(type) ?? 12) || length % 4 !== 0 || length > MAX_RECORD_BYTES + 64) {
        if (!this.corrupt(q, `a block of type 0x${type.toString(16)} with impossible total length ${length}`)) return;
        continue;
      }
      if (this.resyncing && type !== SHB && type !== IDB && type !== EPB && type !== SPB && type !== PB) {
        q.skip(4);
        continue;
      }
      const block = q.peek(length);
      if (!block) return;
      const v = new DataView(block.buffer, block.byteOffset, length);
      if (v.getUint32(length - 4, this.littleEndian) !== length) {
        if (!this.corrupt(q, `a block of type 0x${type.toString(16)} whose trailing length does not repeat its leading length ${length}`)) return;
        continue;
      }
      if (this.resyncing) {
        this.resyncing = false;
        this.findings.push({ code: 'pcapng.resynchronised', severity: 'info', message: `Reading resumed at a valid block at byte ${q.offset}.`, source: { frame: this.frame + 1, offset: q.offset } });
      }
      const fileOffset = q.offset;
      this.readBlock(type, block, v, fileOffset, out);
      q.skip(length);
    }
  }

  /** Records a corrupt block and starts resynchronising 4 bytes further on. Returns false when nothing more can be read yet. */
  private corrupt(q: ByteQueue, what: string): boolean {
    if (!this.resyncing) {
      this.findings.push({
        code: 'pcapng.corrupt-block', severity: 'error',
        message: `Expected a pcapng block at byte ${q.offset} but found ${what}; skipping ahead to the next valid block.`,
        source: { frame: this.frame + 1, offset: q.offset },
      });
      this.resyncing = true;
    }
    q.skip(4);
    return q.available >= 12;
  }

  private readBlock(type: number, block: Uint8Array, v: DataView, fileOffset: number, out: CaptureRecord[]): void {
    const le = this.littleEndian;
    switch (type) {
      case SHB:
        // A new section: interface ids restart (pcapng §4.1).
        this.interfaces = [];
        return;
      case IDB: {
        const info: InterfaceInfo = { linkType: v.getUint16(8, le), snaplen: v.getUint32(12, le), unitsPerSecond: 1e6, offsetSeconds: 0 };
        this.readIdbOptions(block, v, 16, info);
        this.interfaces.push(info);
        return;
      }
      case EPB:
      case PB: {
        const ifId = type === EPB ? v.getUint32(8, le) : v.getUint16(8, le);
        const tsHigh = v.getUint32(12, le);
        const tsLow = v.getUint32(16, le);
        const capLen = v.getUint32(20, le);
        const origLen = v.getUint32(24, le);
        const avail = block.length - 32;
        const len = Math.min(capLen, Math.max(0, avail));
        if (capLen > avail) this.findings.push({ code: 'pcapng.bad-packet-length', severity: 'warning', message: `Frame ${this.frame + 1} claims ${capLen} captured bytes but its block holds only ${avail}; the packet is read as truncated.`, source: { frame: this.frame + 1, offset: fileOffset } });
        this.emit(out, ifId, tsHigh, tsLow, block.subarray(28, 28 + len), origLen, fileOffset);
        return;
      }
      case SPB: {
        const origLen = v.getUint32(8, le);
        const iface = this.interfaces[0];
        let len = Math.min(origLen, block.length - 16);
        if (iface && iface.snaplen > 0) len = Math.min(len, iface.snaplen);
        this.frame++;
        out.push({ frame: this.frame, time: null, linkType: iface ? iface.linkType : -1, data: block.subarray(12, 12 + Math.max(0, len)), origLen, interfaceId: 0, fileOffset });
        return;
      }
      default:
        if (!SKIPPED_BLOCKS.has(type)) this.unknownBlocks.set(type, (this.unknownBlocks.get(type) ?? 0) + 1);
    }
  }

  private emit(out: CaptureRecord[], ifId: number, tsHigh: number, tsLow: number, data: Uint8Array, origLen: number, fileOffset: number): void {
    this.frame++;
    const iface = this.interfaces[ifId];
    if (!iface) {
      this.findings.push({ code: 'pcapng.unknown-interface', severity: 'error', message: `Frame ${this.frame} refers to interface ${ifId}, but the section declares only ${this.interfaces.length} interface(s); its link type is unknown.`, source: { frame: this.frame, offset: fileOffset } });
    }
    const units = iface ? iface.unitsPerSecond : 1e6;
    // 64-bit timestamp in if_tsresol units (precision past ~0.25 µs is lost in a double; enough for display and ordering).
    const time = (tsHigh * 4294967296 + tsLow) / units;
    out.push({ frame: this.frame, time: time + (iface ? iface.offsetSeconds : 0), linkType: iface ? iface.linkType : -1, data, origLen, interfaceId: ifId, fileOffset });
  }

  private readIdbOptions(block: Uint8Array, v: DataView, start: number, info: InterfaceInfo): void {
    const le = this.littleEndian;
    let p = start;
    const end = block.length - 4;
    while (p + 4 <= end) {
      const code = v.getUint16(p, le);
      const len = v.getUint16(p + 2, le);
      if (code === 0 || p + 4 + len > end) break;
      if (code === OPT_IF_TSRESOL && len >= 1) {
        const r = block[p + 4];
        // MSB clear: 10^-r seconds; MSB set: 2^-(r & 0x7f) seconds (pcapng §4.2).
        info.unitsPerSecond = r & 0x80 ? 2 ** (r & 0x7f) : 10 ** r;
      } else if (code === OPT_IF_TSOFFSET && len >= 8) {
        info.offsetSeconds = Number(v.getBigInt64(p + 4, le));
      }
      p += 4 + ((len + 3) & ~3);
    }
  }

  finish(q: ByteQueue): void {
    const left = q.available;
    if (left > 0) {
      this.findings.push({
        code: 'pcapng.truncated-block', severity: 'warning',
        message: `The file ends inside a block at byte ${q.offset} (${left} bytes left over); the capture was probably interrupted.`,
        source: { frame: this.frame + 1, offset: q.offset },
      });
      q.discard(left);
    }
    for (const [type, count] of this.unknownBlocks) {
      this.findings.push({ code: 'pcapng.unknown-block', severity: 'info', message: `Skipped ${count} block(s) of unknown type 0x${type.toString(16)}.` });
    }
  }
}
