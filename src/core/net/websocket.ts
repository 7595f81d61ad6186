// WebSocket pieces SIP over WebSocket (RFC 7118) needs from a captured stream: the HTTP Upgrade handshake
// (RFC 6455 §4) and the frame header (RFC 6455 §5.2), with client-to-server unmasking (§5.3).
import { decodeLatin1 } from '../util/bytes';

export interface WsFrameHeader {
  fin: boolean;
  /** RSV1..3 bits (0x4 = RSV1, set by permessage-deflate, RFC 7692 §6). */
  rsv: number;
  opcode: number;
  /** Masking key as a 32-bit big-endian number, or null when the frame is not masked. */
  maskKey: number | null;
  payloadLength: number;
  /** Bytes from the frame start to the first payload byte. */
  headerLength: number;
}

export type WsHeaderResult = WsFrameHeader | { kind: 'more' } | { kind: 'invalid'; reason: string };

/** Payloads beyond this are taken as corruption rather than waited for. */
export const MAX_WS_PAYLOAD = 16 * 1024 * 1024;

/** Reads the frame header at `offset`; 'more' when the header itself is not all there yet. */
export function parseWsFrameHeader(buf: Uint8Array, offset: number, end: number): WsHeaderResult {
  if (end - offset < 2) return { kind: 'more' };
  const b0 = buf[offset], b1 = buf[offset + 1];
  const opcode = b0 & 0x0f;
  const masked = (b1 & 0x80) !== 0;
  let len = b1 & 0x7f;
  let h = 2;
  if (len === 126) {
    if (end - offset < 4) return { kind: 'more' };
    len = (buf[offset + 2] << 8) | buf[offset + 3];
    h = 4;
  } else if (len === 127) {
    if (end - offset < 10) return { kind: 'more' };
    // RFC 6455 §5.2: the most significant bit MUST be 0; lengths above 2^53 cannot be real captures anyway.
    const hi = ((buf[offset + 2] << 24) | (buf[offset + 3] << 16) | (buf[offset + 4] << 8) | buf[offset + 5]) >>> 0;
    const lo = ((buf[offset + 6] << 24) | (buf[offset + 7] << 16) | (buf[offset + 8] << 8) | buf[offset + 9]) >>> 0;
    if (hi !== 0) return { kind: 'invalid', reason: `64-bit payload length ${hi} * 2^32 + ${lo} is not plausible` };
    len = lo;
    h = 10;
  }
  if ((opcode > 0x2 && opcode < 0x8) || opcode > 0xa) return { kind: 'invalid', reason: `opcode 0x${opcode.toString(16)} is reserved (RFC 6455 §5.2)` };
  if (opcode >= 0x8 && (len > 125 || (b0 & 0x80) === 0)) {
    return { kind: 'invalid', reason: 'control frame longer than 125 bytes or fragmented (RFC 6455 §5.5)' };
  }
  if (len > MAX_WS_PAYLOAD) return { kind: 'invalid', reason: `payload length ${len} exceeds the ${MAX_WS_PAYLOAD}-byte limit` };
  let maskKey: number | null = null;
  if (masked) {
    if (end - offset < h + 4) return { kind: 'more' };
    maskKey = ((buf[offset + h] << 24) | (buf[offset + h + 1] << 16) | (buf[offset + h + 2] << 8) | buf[offset + h + 3]) >>> 0;
    h += 4;
  }
  return { fin: (b0 & 0x80) !== 0, rsv: (b0 >> 4) & 0x7, opcode, maskKey, payloadLength: len, headerLength: h };
}

/** Copies `len` payload bytes to dst, undoing the client mask (RFC 6455 §5.3: octet i XOR key[i mod 4]). */
export function copyUnmasked(src: Uint8Array, srcOffset: number, len: number, maskKey: number | null, dst: Uint8Array, dstOffset: number): void {
  if (maskKey === null) {
    dst.set(src.subarray(srcOffset, srcOffset + len), dstOffset);
    return;
  }
  const k = [(maskKey >>> 24) & 0xff, (maskKey >>> 16) & 0xff, (maskKey >>> 8) & 0xff, maskKey & 0xff];
  for (let i = 0; i < len; i++) dst[dstOffset + i] = src[srcOffset + i] ^ k[i & 3];
}

export interface HttpUpgradeInfo {
  kind: 'request' | 'response';
  /** Status code of a response, null for requests. */
  status: number | null;
  /** `Upgrade: websocket` present (RFC 6455 §4.1 / §4.2.2). */
  websocket: boolean;
  /** Sec-WebSocket-Protocol values, lower-cased (RFC 7118 §4.1: `sip`). */
  protocols: string[];
  /** Sec-WebSocket-Extensions as written (permessage-deflate would compress SIP beyond our reach). */
  extensions: string | null;
}

/** True when bytes at offset start an HTTP/1.x request line or status line. */
export function looksLikeHttpStart(buf: Uint8Array, offset: number, end: number): 'yes' | 'no' | 'more' {
  const want = buf[offset] === 0x47 ? 'GET ' : 'HTTP/1.';
  for (let i = 0; i < want.length; i++) {
    if (offset + i >= end) return 'more';
    if (buf[offset + i] !== want.charCodeAt(i)) return 'no';
  }
  return 'yes';
}

/** Reads the handshake fields from one HTTP header block [start, headerEnd). */
export function readHttpUpgrade(buf: Uint8Array, start: number, headerEnd: number): HttpUpgradeInfo {
  const text = decodeLatin1(buf, start, headerEnd);
  const lines = text.split(/\r?\n/);
  const first = lines[0] ?? '';
  const isResponse = first.startsWith('HTTP/');
  let status: number | null = null;
  if (isResponse) {
    const code = Number.parseInt(first.slice(first.indexOf(' ') + 1, first.indexOf(' ') + 4), 10);
    status = Number.isFinite(code) ? code : null;
  }
  let websocket = false;
  let extensions: string | null = null;
  const protocols: string[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === 'upgrade') websocket = value.toLowerCase().split(',').some((v) => v.trim() === 'websocket');
    else if (name === 'sec-websocket-protocol') for (const p of value.split(',')) protocols.push(p.trim().toLowerCase());
    else if (name === 'sec-websocket-extensions') extensions = value;
  }
  return { kind: isResponse ? 'response' : 'request', status, websocket, protocols, extensions };
}
