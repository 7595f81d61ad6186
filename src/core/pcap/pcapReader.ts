// Classic libpcap files: 24-byte global header, then 16-byte record headers
// (draft-ietf-opsawg-pcap §4–§5). Magic 0xA1B2C3D4 = microseconds, 0xA1B23C4D = nanoseconds,
// either byte order; 0xA1B2CD34 is Kuznetzov's "modified pcap" with 24-byte record headers.

import type { CaptureRecord } from '../model/packet';
import type { Finding } from '../model/finding';
import type { ByteQueue } from './byteQueue';
import { MAX_RECORD_BYTES } from './limits';

export const PCAP_MAGICS = [0xa1b2c3d4, 0xa1b23c4d, 0xa1b2cd34];

export class PcapRecordParser {
  private littleEndian = true;
  private nanos = false;
  private recordHeaderLength = 16;
  private linkType = 0;
  private snaplen = 0;
  private headerRead = false;
  private frame = 0;
  private done = false;
  /** Records holding more bytes than the file's snaplen allows: the first one and how many. */
  private beyondSnaplen = { first: 0, offset: 0, count: 0, largest: 0 };

  constructor(private readonly findings: Finding[]) {}

  get packets(): number { return this.frame; }

  /** Reads as many complete records as the queue holds. */
  parse(q: ByteQueue, out: CaptureRecord[]): void {
    if (this.done) { q.discard(q.available); return; }
    if (!this.headerRead) {
      const h = q.peek(24);
      if (!h) return;
      const v = new DataView(h.buffer, h.byteOffset, 24);
      const be = v.getUint32(0, false);
      const le = v.getUint32(0, true);
      this.littleEndian = !PCAP_MAGICS.includes(be);
      const magic = this.littleEndian ? le : be;
      this.nanos = magic === 0xa1b23c4d;
      this.recordHeaderLength = magic === 0xa1b2cd34 ? 24 : 16;
      this.snaplen = v.getUint32(16, this.littleEndian);
      // The upper bits of the link-type field carry FCS information (pcap draft §4): keep the low 16... 28 bits.
      this.linkType = v.getUint32(20, this.littleEndian) & 0x0fffffff;
      this.headerRead = true;
      q.skip(24);
    }
    for (;;) {
      const rh = q.peek(this.recordHeaderLength);
      if (!rh) return;
      const v = new DataView(rh.buffer, rh.byteOffset, this.recordHeaderLength);
      const sec = v.getUint32(0, this.littleEndian);
      const frac = v.getUint32(4, this.littleEndian);
      const inclLen = v.getUint32(8, this.littleEndian);
      const origLen = v.getUint32(12, this.littleEndian);
      const fileOffset = q.offset;
      if (inclLen > MAX_RECORD_BYTES) {
        this.findings.push({
          code: 'pcap.record-too-large', severity: 'error',
          message: `Record ${this.frame + 1} at byte ${fileOffset} declares ${inclLen} captured bytes, more than the ${MAX_RECORD_BYTES}-byte maximum (snaplen ${this.snaplen}); the rest of the file cannot be framed and is not read.`,
          source: { frame: this.frame + 1, offset: fileOffset },
        });
        this.done = true;
        q.discard(q.available);
        return;
      }
      const whole = q.peek(this.recordHeaderLength + inclLen);
      if (!whole) return;
      this.frame++;
      if (this.snaplen > 0 && inclLen > this.snaplen) this.noteBeyondSnaplen(inclLen, fileOffset);
      out.push({
        frame: this.frame,
        time: sec + frac / (this.nanos ? 1e9 : 1e6),
        linkType: this.linkType,
        data: whole.subarray(this.recordHeaderLength),
        origLen,
        interfaceId: 0,
        fileOffset,
      });
      q.skip(this.recordHeaderLength + inclLen);
    }
  }

  private noteBeyondSnaplen(inclLen: number, fileOffset: number): void {
    const b = this.beyondSnaplen;
    if (b.count++ === 0) { b.first = this.frame; b.offset = fileOffset; }
    b.largest = Math.max(b.largest, inclLen);
  }

  /** Called at end of file with whatever bytes are left. */
  finish(q: ByteQueue): void {
    const b = this.beyondSnaplen;
    if (b.count > 0) {
      // pcap draft §4: SnapLen is the most any record of the file holds; a larger one means a damaged file or writer.
      this.findings.push({
        code: 'pcap.record-beyond-snaplen', severity: 'warning',
        message: `Expected every record to hold at most the file's snaplen of ${this.snaplen} bytes, but ${b.count} record(s) hold more (the largest ${b.largest} bytes), first frame ${b.first}; they are read as they are.`,
        source: { frame: b.first, offset: b.offset },
      });
    }
    const left = q.available;
    if (left === 0) return;
    if (!this.headerRead) {
      this.findings.push({ code: 'pcap.truncated-header', severity: 'error', message: `The pcap global header needs 24 bytes but the file has only ${left}.`, source: { frame: 0, offset: 0 } });
    } else if (!this.done) {
      this.findings.push({
        code: 'pcap.truncated-record', severity: 'warning',
        message: `The last record (frame ${this.frame + 1}, at byte ${q.offset}) is cut short: ${left} bytes remain where its header announces more; the capture was probably interrupted.`,
        source: { frame: this.frame + 1, offset: q.offset },
      });
    }
    q.discard(left);
  }
}
