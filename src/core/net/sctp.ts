// SCTP common header and chunk walk (RFC 9260 §3), keeping DATA (§3.3.1) and I-DATA (RFC 8260 §2.1) chunks.

import { problem, type LayerProblem } from './layerProblem';
import { readU16, readU32 } from './wireBytes';

export const SCTP_CHUNK_DATA = 0;
export const SCTP_CHUNK_I_DATA = 64;

export interface SctpDataChunk {
  tsn: number;
  streamId: number;
  ppid: number;
  /** B (beginning) and E (ending) flags: both set for an unfragmented user message. */
  beginning: boolean;
  ending: boolean;
  /** Stream sequence number (DATA) or message identifier (I-DATA), shared by a message's fragments. */
  messageId: number;
  iData: boolean;
  /**
   * Position of the fragment within its message's sequence: the TSN for DATA (fragments take consecutive TSNs,
   * RFC 9260 §6.9), the Fragment Sequence Number for I-DATA (0 on the first fragment, RFC 8260 §2.1).
   */
  fragmentSequence: number;
  chunkOffset: number;
  dataOffset: number;
  dataEnd: number;
  /** The chunk runs past the captured data. */
  truncated: boolean;
}

export interface SctpPacket {
  srcPort: number;
  dstPort: number;
  verificationTag: number;
  dataChunks: SctpDataChunk[];
  /** Problems found while walking the chunks; chunks before the problem are still returned. */
  problems: LayerProblem[];
}

export function parseSctp(data: Uint8Array, offset: number, end: number): SctpPacket | LayerProblem {
  if (end - offset < 12) return problem('net.sctp.header-truncated', `Expected a 12-byte SCTP common header, but only ${Math.max(0, end - offset)} remain.`, offset, true);
  const packet: SctpPacket = {
    srcPort: readU16(data, offset),
    dstPort: readU16(data, offset + 2),
    verificationTag: readU32(data, offset + 4),
    dataChunks: [],
    problems: [],
  };
  let pos = offset + 12;
  while (pos < end) {
    if (end - pos < 4) {
      packet.problems.push(problem('net.sctp.chunk-truncated', `Expected a 4-byte SCTP chunk header, but only ${end - pos} bytes remain.`, pos, true));
      break;
    }
    const type = data[pos];
    const flags = data[pos + 1];
    const length = readU16(data, pos + 2);
    if (length < 4) {
      packet.problems.push(problem('net.sctp.bad-chunk-length', `Expected an SCTP chunk length of at least 4 (RFC 9260 §3.2), but it is ${length}.`, pos + 2));
      break;
    }
    const chunkEnd = pos + length;
    if (type === SCTP_CHUNK_DATA || type === SCTP_CHUNK_I_DATA) {
      const headerLength = type === SCTP_CHUNK_DATA ? 16 : 20;
      if (length < headerLength) {
        packet.problems.push(problem('net.sctp.bad-chunk-length', `Expected a ${type === SCTP_CHUNK_DATA ? 'DATA' : 'I-DATA'} chunk of at least ${headerLength} bytes, but its length is ${length}.`, pos + 2));
      } else if (end - pos < headerLength) {
        packet.problems.push(problem('net.sctp.chunk-truncated', `Expected a ${headerLength}-byte data chunk header, but only ${end - pos} bytes remain.`, pos, true));
        break;
      } else {
        const beginning = (flags & 0x02) !== 0;
        const iData = type === SCTP_CHUNK_I_DATA;
        packet.dataChunks.push({
          tsn: readU32(data, pos + 4),
          streamId: readU16(data, pos + 8),
          // I-DATA: the PPID field holds the fragment sequence number except on the first fragment (RFC 8260 §2.1).
          ppid: iData ? (beginning ? readU32(data, pos + 16) : 0) : readU32(data, pos + 12),
          beginning,
          ending: (flags & 0x01) !== 0,
          messageId: iData ? readU32(data, pos + 12) : readU16(data, pos + 10),
          iData,
          fragmentSequence: iData ? (beginning ? 0 : readU32(data, pos + 16)) : readU32(data, pos + 4),
          chunkOffset: pos,
          dataOffset: pos + headerLength,
          dataEnd: Math.min(chunkEnd, end),
          truncated: chunkEnd > end,
        });
      }
    }
    if (chunkEnd > end) {
      if (type !== SCTP_CHUNK_DATA && type !== SCTP_CHUNK_I_DATA) {
        packet.problems.push(problem('net.sctp.chunk-truncated', `Expected ${length} bytes of chunk type ${type}, but only ${end - pos} remain.`, pos, true));
      }
      break;
    }
    pos += (length + 3) & ~3; // chunks are padded to 4 bytes (RFC 9260 §3.2)
  }
  return packet;
}
