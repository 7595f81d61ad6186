// A capture of just the selected messages: the original packet records, byte for byte, so a colleague opens the
// same call in Wireshark. Runs anywhere core runs; the caller streams the original file through it.
//
// pcap input: the 24-byte file header and every kept record (header and data) are copied unchanged, so link type,
// snaplen, byte order and timestamp resolution are exactly the input's. pcapng input: written as classic pcap with
// microsecond timestamps (the packet bytes and original lengths unchanged; the timestamp rounded to the
// microsecond), which every tool reads; kept records must share one link type, since a pcap file has only one.
import type { Finding } from '../model/finding';
import { ByteQueue } from '../pcap/byteQueue';
import { createCaptureReader, sniffCaptureFormat, type CaptureReader } from '../pcap/captureReader';
import { PCAP_MAGICS } from '../pcap/pcapReader';
import type { ExportView } from './exportSelection';

export interface PacketExtract {
  /** The output file, in pieces (concatenate or write them in order). */
  pieces: Uint8Array[];
  /** Frames written, ascending (1-based input frame numbers). */
  frames: number[];
  /** Problems: frames not found, mixed link types, an input that is not a capture. Errors mean no usable file. */
  findings: Finding[];
}

export interface PacketExtractor {
  push(chunk: Uint8Array): void;
  end(): PacketExtract;
}

/**
 * Input frame numbers of every message the selection holds (before the filter and the end-to-end view: the
 * exported capture keeps 100 Trying, retransmissions and every hop). A message reassembled from several frames
 * (IP fragments) brings the frames from its first to its last.
 */
export function framesOfSelection(view: ExportView): number[] {
  const frames = new Set<number>();
  for (const m of view.selectedMessages) {
    if (!('frame' in m.source)) continue;
    const first = m.source.firstFrame ?? m.source.frame;
    for (let f = Math.min(first, m.source.frame); f <= m.source.frame; f++) frames.add(f);
  }
  return [...frames].sort((a, b) => a - b);
}

/** Copies the records whose frame numbers are in `frames` out of a pcap or pcapng file streamed through `push`. */
export function createPacketExtractor(frames: Iterable<number>): PacketExtractor {
  const wanted = new Set(frames);
  const pieces: Uint8Array[] = [];
  const written: number[] = [];
  const findings: Finding[] = [];
  const head: Uint8Array[] = [];
  let headBytes = 0;
  let mode: 'sniff' | 'pcap' | 'pcapng' | 'rejected' = 'sniff';
  const pcap = { queue: new ByteQueue(), headerDone: false, littleEndian: true, recordHeader: 16, frame: 0 };
  let ng: CaptureReader | null = null;
  let ngLinkType: number | null = null;

  function pcapRecords(): void {
    const q = pcap.queue;
    if (!pcap.headerDone) {
      const h = q.peek(24);
      if (!h) return;
      const v = new DataView(h.buffer, h.byteOffset, 24);
      pcap.littleEndian = !PCAP_MAGICS.includes(v.getUint32(0, false));
      pcap.recordHeader = (pcap.littleEndian ? v.getUint32(0, true) : v.getUint32(0, false)) === 0xa1b2cd34 ? 24 : 16;
      pieces.push(h.slice());
      q.skip(24);
      pcap.headerDone = true;
    }
    for (;;) {
      const rh = q.peek(pcap.recordHeader);
      if (!rh) return;
      const incl = new DataView(rh.buffer, rh.byteOffset, pcap.recordHeader).getUint32(8, pcap.littleEndian);
      const whole = q.peek(pcap.recordHeader + incl);
      if (!whole) return;
      pcap.frame++;
      if (wanted.has(pcap.frame)) {
        pieces.push(whole.slice());
        written.push(pcap.frame);
      }
      q.skip(pcap.recordHeader + incl);
    }
  }

  function pcapngRecords(chunk: Uint8Array | null): void {
    const records = chunk ? ng!.push(chunk) : ng!.end();
    for (const r of records) {
      if (!wanted.has(r.frame)) continue;
      if (ngLinkType === null) {
        ngLinkType = r.linkType;
        pieces.push(pcapFileHeader(r.linkType));
      } else if (r.linkType !== ngLinkType) {
        findings.push({ code: 'export.mixed-link-types', severity: 'error', source: { frame: r.frame },
          message: `Frame ${r.frame} has link type ${r.linkType} but the exported pcap file already holds link type ${ngLinkType}; a pcap file has one link type, so this frame is not written.` });
        continue;
      }
      pieces.push(pcapRecordHeader(r.time, r.data.length, r.origLen), r.data.slice());
      written.push(r.frame);
    }
  }

  function feed(chunk: Uint8Array): void {
    if (mode === 'sniff') {
      head.push(chunk);
      headBytes += chunk.length;
      if (headBytes < 4) return;
      const all = new Uint8Array(headBytes);
      let at = 0;
      for (const c of head) { all.set(c, at); at += c.length; }
      const format = sniffCaptureFormat(all);
      if (format === null) {
        mode = 'rejected';
        findings.push({ code: 'export.not-a-capture', severity: 'error', message: 'Expected a pcap or pcapng capture to copy packets from, but the file does not start like one (a text trace has no packets to export).' });
        return;
      }
      mode = format;
      if (format === 'pcapng') ng = createCaptureReader();
      chunk = all;
    }
    if (mode === 'pcap') {
      pcap.queue.push(chunk);
      pcapRecords();
    } else if (mode === 'pcapng') pcapngRecords(chunk);
  }

  return {
    push(chunk) { if (chunk.length > 0) feed(chunk); },
    end() {
      if (mode === 'pcapng') pcapngRecords(null);
      if (mode === 'sniff') findings.push({ code: 'export.not-a-capture', severity: 'error', message: 'Expected a pcap or pcapng capture to copy packets from, but the file is shorter than a capture header.' });
      if (mode === 'pcapng' && ngLinkType === null) pieces.push(pcapFileHeader(1));
      const got = new Set(written);
      const lost = [...wanted].filter((f) => !got.has(f)).sort((a, b) => a - b);
      if (lost.length > 0 && mode !== 'rejected') {
        findings.push({ code: 'export.frames-missing', severity: 'error', message: `Expected to copy ${wanted.size} frame(s), but ${lost.length} of them (${lost.slice(0, 10).join(', ')}${lost.length > 10 ? ', …' : ''}) are not in the file.` });
      }
      return { pieces, frames: written, findings };
    },
  };
}

/** Little-endian microsecond pcap header (draft-ietf-opsawg-pcap §4), snaplen 262144. */
function pcapFileHeader(linkType: number): Uint8Array {
  const b = new Uint8Array(24);
  const v = new DataView(b.buffer);
  v.setUint32(0, 0xa1b2c3d4, true);
  v.setUint16(4, 2, true);
  v.setUint16(6, 4, true);
  v.setUint32(16, 262144, true);
  v.setUint32(20, linkType, true);
  return b;
}

function pcapRecordHeader(time: number | null, inclLen: number, origLen: number): Uint8Array {
  const b = new Uint8Array(16);
  const v = new DataView(b.buffer);
  const t = time ?? 0;
  let sec = Math.floor(t);
  let usec = Math.round((t - sec) * 1e6);
  if (usec >= 1e6) { sec++; usec -= 1e6; }
  v.setUint32(0, sec >>> 0, true);
  v.setUint32(4, usec, true);
  v.setUint32(8, inclLen, true);
  v.setUint32(12, origLen, true);
  return b;
}
