// Streaming capture reader: feed the file chunk by chunk, get packet records back. Detects pcap or pcapng
// from the first four bytes, never needs the whole file in memory.

import type { CaptureRecord } from '../model/packet';
import type { Finding } from '../model/finding';
import { ByteQueue } from './byteQueue';
import { PcapRecordParser, PCAP_MAGICS } from './pcapReader';
import { PcapngRecordParser } from './pcapngReader';

export type CaptureFormat = 'pcap' | 'pcapng';

export interface CaptureReader {
  /** Feeds the next chunk of the file; returns the records it completed (their data are safe to keep). */
  push(chunk: Uint8Array): CaptureRecord[];
  /** End of file: reports what was left unread. */
  end(): CaptureRecord[];
  readonly format: CaptureFormat | null;
  /** Packet records read so far (Wireshark's frame count). */
  readonly packets: number;
  readonly findings: Finding[];
}

/** True when the bytes start like a pcap or pcapng file. */
export function sniffCaptureFormat(head: Uint8Array): CaptureFormat | null {
  if (head.length < 4) return null;
  const v = new DataView(head.buffer, head.byteOffset, 4);
  if (v.getUint32(0, false) === 0x0a0d0d0a) return 'pcapng';
  if (PCAP_MAGICS.includes(v.getUint32(0, false)) || PCAP_MAGICS.includes(v.getUint32(0, true))) return 'pcap';
  return null;
}

export function createCaptureReader(): CaptureReader {
  const queue = new ByteQueue();
  const findings: Finding[] = [];
  let parser: PcapRecordParser | PcapngRecordParser | null = null;
  let format: CaptureFormat | null = null;
  let rejected = false;

  function run(): CaptureRecord[] {
    const out: CaptureRecord[] = [];
    if (rejected) { queue.discard(queue.available); return out; }
    if (!parser) {
      const head = queue.peek(4);
      if (!head) return out;
      format = sniffCaptureFormat(head);
      if (!format) {
        rejected = true;
        findings.push({ code: 'capture.unknown-format', severity: 'error', message: `Not a pcap or pcapng file: the first four bytes are ${Array.from(head, (b) => b.toString(16).padStart(2, '0')).join(' ')}, not a pcap magic (a1b2c3d4, a1b23c4d) or the pcapng Section Header Block (0a0d0d0a).`, source: { frame: 0, offset: 0 } });
        queue.discard(queue.available);
        return out;
      }
      parser = format === 'pcap' ? new PcapRecordParser(findings) : new PcapngRecordParser(findings);
    }
    parser.parse(queue, out);
    return out;
  }

  return {
    push(chunk) { queue.push(chunk); return run(); },
    end() {
      const out = run();
      if (parser) parser.finish(queue);
      else if (!rejected) findings.push({ code: 'capture.empty', severity: 'error', message: 'The file is empty or shorter than a capture file header.', source: { frame: 0, offset: 0 } });
      return out;
    },
    get format() { return format; },
    get packets() { return parser ? parser.packets : 0; },
    findings,
  };
}
