// One direction of a TCP connection, read as SIP: what the stream carries is found from its first bytes
// (a SIP start line, an HTTP WebSocket Upgrade, a TLS record, or something else), then SIP messages are
// cut by Content-Length (RFC 3261 §18.3) or WebSocket frames are decoded (RFC 6455, RFC 7118).
import type { Endpoint } from '../model/packet';
import type { Finding } from '../model/finding';
import type { ExtractedSip } from './sipExtractor';
import type { StreamChunk } from '../net/tcpReassembly';
import { StreamBuffer } from './streamBuffer';
import { checkSipStartLine, findSipStartLine } from '../sip/startLine';
import { frameSipMessageDetail, MAX_HEADER_BYTES } from '../sip/messageFraming';
import { copyUnmasked, looksLikeHttpStart, parseWsFrameHeader, readHttpUpgrade } from '../net/websocket';
import { formatEndpoint } from '../model/packet';

/** Where a stream reader puts what it finds. */
export interface StreamSink {
  messages: ExtractedSip[];
  findings: Finding[];
  counters: StreamCounters;
}

export interface StreamCounters {
  /** CRLF keep-alives between messages (RFC 5626 §3.5.1). */
  keepAliveBytes: number;
  /** WebSocket messages that were not SIP (and not blank). */
  wsNonSipMessages: number;
}

/** What both directions of a connection share. */
export interface ConnectionNotes {
  /** Frame of the first TLS record seen, if the connection carries TLS. */
  tlsFrame: number | null;
  /** Port the first TLS record was sent to (the server's, as the client speaks first: RFC 8446 §2). */
  tlsServerPort: number | null;
  /** The connection switched to WebSocket (RFC 6455 §4). */
  websocket: boolean;
  /** Sec-WebSocket-Protocol values offered or chosen. */
  wsProtocols: string[];
  /** Frame of the first WebSocket frame that set RSV1 (permessage-deflate). */
  wsCompressedFrame: number | null;
}

type Mode = 'probe' | 'sip' | 'http' | 'ws' | 'tls' | 'other';

/** A stream that has shown no SIP start line after this many bytes is taken as another protocol. */
const PROBE_LIMIT = 64 * 1024;
const CR = 0x0d, LF = 0x0a;

interface WsMessage {
  parts: Uint8Array[];
  length: number;
  firstFrame: number;
  frameOffset: number;
  lastFrame: number;
  lastTime: number | null;
}

interface Junk {
  bytes: number;
  frame: number;
  offset: number;
  /** Why bytes are being skipped (shown in the finding). */
  after: string | null;
}

export class SipStreamReader {
  mode: Mode = 'probe';
  readonly sb = new StreamBuffer();
  /** Bytes needed from sb.start for the message being framed, once its header section is known. */
  private needed: number | null = null;
  /** After bytes went missing: how many more to discard (the rest of a cut message), or null to scan for a start line. */
  private hole: { remaining: number | null } | null = null;
  private junk: Junk | null = null;
  private wsMessage: WsMessage | null = null;
  private nonSipReported = false;
  /** The newest bytes came from a frame the snaplen cut, so the next segment starts after a hole. */
  snaplenCut = false;
  /** A gap met while the stream's content was still unknown. */
  private probeGap: { bytes: number; frameAfter: number } | null = null;

  constructor(
    readonly src: Endpoint,
    readonly dst: Endpoint,
    private readonly notes: ConnectionNotes,
  ) {}

  /** No partial message or frame is waiting: the next byte should begin something new. */
  atBoundary(): boolean {
    return this.sb.length === 0 && this.wsMessage === null && this.hole === null;
  }

  get isSipLike(): boolean {
    return this.mode === 'probe' || this.mode === 'sip';
  }

  get ignoresData(): boolean {
    return this.mode === 'tls' || this.mode === 'other';
  }

  append(c: StreamChunk, sink: StreamSink): void {
    if (this.ignoresData) return;
    this.sb.append(c);
    this.run(sink);
    this.snaplenCut = c.truncated === true;
    if (this.sb.length > 0 && this.sb.endsTruncated()) this.cutBySnaplen(sink);
  }

  /** Bytes before the next chunk will never come (a gap given up on, or a snaplen cut followed by more data). */
  onGap(bytes: number, fromSeq: number, toSeq: number, frameAfter: number, why: string, sink: StreamSink): void {
    this.snaplenCut = false;
    if (this.ignoresData) return;
    if (this.mode === 'probe' || this.mode === 'http') {
      // not known to be SIP: nothing to report yet (said later if a SIP start line turns up), start over
      if (this.mode === 'probe' && this.probeGap === null) this.probeGap = { bytes, frameAfter };
      this.sb.clear();
      this.needed = null;
      this.hole = null;
      this.mode = this.mode === 'http' ? 'other' : 'probe';
      return;
    }
    let cut = '';
    if (this.sb.length > 0 || this.wsMessage !== null) {
      const partial = this.emitPartial(sink);
      if (partial) cut = `; the ${partial} is passed up marked truncated`;
      else if (this.sb.length > 0) cut = `; ${this.sb.length} bytes of an unfinished ${this.mode === 'ws' ? 'WebSocket frame' : 'message'} before it are dropped`;
      const have = this.sb.length;
      this.hole = { remaining: this.needed !== null ? this.needed - have - bytes : null };
      this.sb.clear();
      this.needed = null;
      this.wsMessage = null;
    } else if (this.hole !== null && this.hole.remaining !== null) {
      this.hole.remaining -= bytes;
    }
    if (this.hole !== null && this.hole.remaining !== null && this.hole.remaining <= 0) this.hole = null;
    // WebSocket framing cannot be picked up mid-frame: find the next frame that visibly starts a SIP message
    if (this.mode === 'ws' && this.hole === null) this.hole = { remaining: null };
    this.startJunkIfNotSip(`the gap before frame ${frameAfter}`);
    sink.findings.push({
      code: 'capture.tcp-gap',
      severity: 'warning',
      message: `Expected the TCP stream ${formatEndpoint(this.src)} → ${formatEndpoint(this.dst)} to continue at sequence ${fromSeq >>> 0}, but the ${bytes} bytes up to ${toSeq >>> 0} are missing from the capture (${why}); reading resumes at frame ${frameAfter}${cut}.`,
      source: { frame: frameAfter },
    });
  }

  /** Data that arrived after its gap had been given up on: read on its own, as a datagram would be. */
  late(c: StreamChunk, sink: StreamSink): void {
    if (this.mode !== 'sip') return;
    const b = c.bytes;
    let s = 0;
    while (s < b.length && (b[s] === CR || b[s] === LF)) s++;
    let emitted = 0;
    while (s < b.length && checkSipStartLine(b, s, b.length, false) === 'yes') {
      const f = frameSipMessageDetail(b, s, b.length);
      if (f.kind !== 'complete') break;
      sink.messages.push({
        bytes: b.slice(s, f.end), frame: c.frame, firstFrame: c.frame, frameOffset: c.frameOffset + s, time: c.time,
        src: this.src, dst: this.dst, transport: 'TCP',
      });
      emitted++;
      s = f.end;
      while (s < b.length && (b[s] === CR || b[s] === LF)) s++;
    }
    sink.findings.push({
      code: 'capture.tcp-late-segment',
      severity: 'info',
      message: `Expected frame ${c.frame} (${formatEndpoint(this.src)} → ${formatEndpoint(this.dst)}) before the data that followed it in the stream, but it arrived after that gap was given up on; ${emitted} message(s) read from it on their own${s < b.length ? `, ${b.length - s} bytes that do not form a whole message dropped` : ''}.`,
      source: { frame: c.frame, offset: c.frameOffset },
    });
  }

  /** The stream ended (FIN, RST, a new connection on the same ports, or the end of the capture). */
  finish(why: string, sink: StreamSink): void {
    this.flushJunk(sink);
    if (this.ignoresData) return;
    const s = this.sb.start, e = this.sb.end;
    const d = this.sb.data;
    let i = s;
    while (i < e && (d[i] === CR || d[i] === LF)) i++;
    if (i < e && (this.mode === 'sip' || this.mode === 'ws' || this.mode === 'probe')) {
      const o = this.sb.origin(i);
      const what = this.mode === 'ws' ? 'WebSocket frame' : 'SIP message';
      const size = this.needed !== null ? ` of the ${this.needed} its header section announces` : '';
      if (this.mode !== 'probe' || checkSipStartLine(d, i, e, true) === 'yes') {
        sink.findings.push({
          code: 'capture.incomplete-message',
          severity: 'warning',
          message: `Expected the rest of the ${what} that starts in frame ${o.frame} (${formatEndpoint(this.src)} → ${formatEndpoint(this.dst)}), but the stream ended (${why}) after ${e - i} bytes${size}.`,
          source: { frame: o.frame, offset: o.frameOffset },
        });
      }
    } else if (this.wsMessage !== null) {
      sink.findings.push({
        code: 'capture.incomplete-message',
        severity: 'warning',
        message: `Expected the final fragment of the WebSocket message that starts in frame ${this.wsMessage.firstFrame} (${formatEndpoint(this.src)} → ${formatEndpoint(this.dst)}), but the stream ended (${why}).`,
        source: { frame: this.wsMessage.firstFrame, offset: this.wsMessage.frameOffset },
      });
    }
    this.sb.clear();
    this.needed = null;
    this.wsMessage = null;
    this.hole = null;
  }

  private run(sink: StreamSink): void {
    for (;;) {
      const before = this.mode;
      switch (this.mode) {
        case 'probe': this.probe(sink); break;
        case 'sip': this.readSip(sink); break;
        case 'http': this.readHttp(sink); break;
        case 'ws': this.readWs(sink); break;
        default: this.sb.clear(); return;
      }
      if (this.mode === before || this.sb.length === 0) return;
    }
  }

  private skipLineBreaks(sink: StreamSink): void {
    const d = this.sb.data;
    let i = this.sb.start;
    while (i < this.sb.end && (d[i] === CR || d[i] === LF)) i++;
    if (i > this.sb.start) {
      sink.counters.keepAliveBytes += i - this.sb.start;
      this.sb.consumeTo(i);
    }
  }

  private probe(sink: StreamSink): void {
    this.skipLineBreaks(sink);
    const d = this.sb.data, s = this.sb.start, e = this.sb.end;
    if (s === e) return;
    // TLS record header: ContentType 20..23, ProtocolVersion 3.x (RFC 8446 §5.1; RFC 5246 §6.2.1).
    if (d[s] >= 0x14 && d[s] <= 0x17) {
      if (e - s < 3) return;
      if (d[s + 1] === 0x03 && d[s + 2] <= 0x04) {
        this.mode = 'tls';
        if (this.notes.tlsFrame === null) {
          this.notes.tlsFrame = this.sb.origin(s).frame;
          this.notes.tlsServerPort = this.dst.port;
        }
        this.sb.clear();
        return;
      }
    }
    const sip = checkSipStartLine(d, s, e, false);
    if (sip === 'yes') {
      this.mode = 'sip';
      const g = this.probeGap;
      if (g !== null) {
        sink.findings.push({
          code: 'capture.tcp-gap',
          severity: 'warning',
          message: `Expected the TCP stream ${formatEndpoint(this.src)} → ${formatEndpoint(this.dst)} to be captured from its start, but ${g.bytes} bytes before frame ${g.frameAfter} were never captured; whatever SIP they held is missing.`,
          source: { frame: g.frameAfter },
        });
        this.probeGap = null;
      }
      return;
    }
    const http = looksLikeHttpStart(d, s, e);
    if (http === 'yes') { this.mode = 'http'; return; }
    const ws = this.looksLikeWsFrame(s);
    if (ws === 'yes') {
      this.mode = 'ws';
      this.notes.websocket = true;
      const o = this.sb.origin(s);
      sink.findings.push({
        code: 'capture.ws-without-handshake',
        severity: 'info',
        message: `Expected an HTTP Upgrade handshake (RFC 6455 §4) before WebSocket frames on ${formatEndpoint(this.src)} → ${formatEndpoint(this.dst)}, but the capture starts after it; the frames carry SIP and are read as SIP over WebSocket (RFC 7118).`,
        source: { frame: o.frame, offset: o.frameOffset },
      });
      return;
    }
    if ((sip === 'more' || http === 'more' || ws === 'more') && e - s < PROBE_LIMIT) return;
    // Capture began mid-message, or the stream is not SIP: look for a start line further on.
    const k = findSipStartLine(d, s, e, false);
    if (k >= 0) {
      const o = this.sb.origin(s);
      sink.findings.push({
        code: 'capture.stream-mid-message',
        severity: 'warning',
        message: `Expected the TCP stream ${formatEndpoint(this.src)} → ${formatEndpoint(this.dst)} to begin with a SIP start line, but the capture joins it mid-message${this.probeGap ? ` (${this.probeGap.bytes} bytes before frame ${this.probeGap.frameAfter} were never captured)` : ''}; ${k - s} bytes before the first start line (frame ${this.sb.origin(k).frame}) are skipped.`,
        source: { frame: o.frame, offset: o.frameOffset },
      });
      this.sb.consumeTo(k);
      this.mode = 'sip';
      this.probeGap = null;
      return;
    }
    if (e - s >= PROBE_LIMIT) {
      this.mode = 'other';
      this.sb.clear();
    }
  }

  private readSip(sink: StreamSink): void {
    const d = this.sb.data;
    for (;;) {
      if (this.hole !== null) {
        if (this.hole.remaining !== null) {
          const n = Math.min(this.hole.remaining, this.sb.length);
          this.sb.consumeTo(this.sb.start + n);
          this.hole.remaining -= n;
          if (this.hole.remaining > 0) return;
          this.hole = null;
        } else {
          this.hole = null;
        }
      }
      this.skipLineBreaks(sink);
      const s = this.sb.start, e = this.sb.end;
      if (s === e) return;
      let check = checkSipStartLine(d, s, e, false);
      if (check === 'more' && e - s > MAX_HEADER_BYTES) check = 'no';
      if (check === 'more') return;
      if (check === 'no') {
        if (!this.skipJunk(sink)) return;
        continue;
      }
      this.flushJunk(sink);
      if (this.needed !== null && e - s < this.needed) return;
      const f = frameSipMessageDetail(d, s, e);
      if (f.kind === 'incomplete') {
        this.needed = f.needed;
        return;
      }
      this.needed = null;
      if (f.kind === 'complete') {
        if (f.contentLength === null) {
          const o = this.sb.origin(s);
          sink.findings.push({
            code: 'capture.stream-content-length-missing',
            severity: 'warning',
            message: `Expected a Content-Length header on the message in frame ${o.frame} (RFC 3261 §18.3: mandatory on stream transports), but there is none; its body is taken as empty.`,
            source: { frame: o.frame, offset: o.frameOffset },
          });
        }
        this.emit(s, f.end, sink, false);
        this.sb.consumeTo(f.end);
        continue;
      }
      // Invalid framing: pass up what can be read (the header section) and resynchronise after it.
      const o = this.sb.origin(s);
      const headerEnd = f.headerEnd;
      sink.findings.push({
        code: 'capture.stream-framing-invalid',
        severity: 'error',
        message: `Expected a message whose end can be found on the stream ${formatEndpoint(this.src)} → ${formatEndpoint(this.dst)} (RFC 3261 §18.3), but ${f.reason}; ${headerEnd !== null ? 'its header section is passed up and reading resumes at the next start line' : 'reading resumes at the next start line'}.`,
        source: { frame: o.frame, offset: o.frameOffset },
      });
      if (headerEnd !== null) {
        this.emit(s, headerEnd, sink, false);
        this.sb.consumeTo(headerEnd);
      } else {
        const nl = d.indexOf(LF, s);
        this.sb.consumeTo(nl === -1 || nl >= e ? e : nl + 1);
      }
      this.startJunkIfNotSip('an unframeable message');
    }
  }

  /** Remembers why the next bytes may be skipped, so the finding can say so (no finding if a start line follows). */
  private startJunkIfNotSip(after: string): void {
    if (this.junk === null) this.junk = { bytes: 0, frame: 0, offset: 0, after };
    else this.junk.after = after;
  }

  /** Skips non-SIP bytes up to the next start line. False when more bytes are needed to find one. */
  private skipJunk(sink: StreamSink): boolean {
    const d = this.sb.data, s = this.sb.start, e = this.sb.end;
    if (this.junk === null) this.junk = { bytes: 0, frame: 0, offset: 0, after: null };
    if (this.junk.bytes === 0) {
      const o = this.sb.origin(s);
      this.junk.frame = o.frame;
      this.junk.offset = o.frameOffset;
    }
    const k = findSipStartLine(d, s, e, false);
    if (k >= 0) {
      this.junk.bytes += k - s;
      this.sb.consumeTo(k);
      return true;
    }
    // keep the last (possibly partial) line: a start line may be split across segments
    let keep = d.lastIndexOf(LF, e - 1);
    keep = keep >= s ? keep + 1 : s;
    if (e - keep > MAX_HEADER_BYTES) keep = e;
    this.junk.bytes += keep - s;
    this.sb.consumeTo(keep);
    return false;
  }

  private flushJunk(sink: StreamSink): void {
    const j = this.junk;
    this.junk = null;
    if (j === null || j.bytes === 0) return;
    sink.findings.push({
      code: 'capture.stream-junk',
      severity: 'warning',
      message: `Expected a SIP start line on ${formatEndpoint(this.src)} → ${formatEndpoint(this.dst)}${j.after ? ` after ${j.after}` : ''}, but ${j.bytes} bytes that do not start a SIP message come first; they are skipped.`,
      source: { frame: j.frame, offset: j.offset },
    });
  }

  private emit(s: number, e: number, sink: StreamSink, truncated: boolean, transport: 'TCP' | 'WS' = 'TCP'): void {
    const o = this.sb.origin(s);
    const done = this.sb.completingFrame(s, e);
    const m: ExtractedSip = {
      bytes: this.sb.data.slice(s, e), frame: done.frame, firstFrame: o.frame, frameOffset: o.frameOffset, time: done.time,
      src: this.src, dst: this.dst, transport,
    };
    if (truncated) m.truncated = true;
    sink.messages.push(m);
  }

  /** The newest bytes came from a frame the snaplen cut: whatever is unfinished cannot be finished. */
  private cutBySnaplen(sink: StreamSink): void {
    const have = this.sb.length;
    const needed = this.needed;
    const partial = this.emitPartial(sink);
    if (partial === null && this.sb.length > 0 && (this.mode === 'sip' || this.mode === 'ws')) {
      const o = this.sb.origin(this.sb.start);
      sink.findings.push({
        code: 'capture.truncated-message',
        severity: 'warning',
        message: `Expected whole packets on ${formatEndpoint(this.src)} → ${formatEndpoint(this.dst)}, but the snaplen cut the stream inside ${have} bytes that do not yet show a SIP start line; they are dropped.`,
        source: { frame: o.frame, offset: o.frameOffset },
      });
    }
    this.hole = { remaining: needed !== null ? needed - have : null };
    this.sb.clear();
    this.needed = null;
    this.wsMessage = null;
  }

  /** Passes up an unfinished message marked truncated, when at least its start line is there. Returns what it was. */
  private emitPartial(sink: StreamSink): string | null {
    const d = this.sb.data;
    let s = this.sb.start;
    const e = this.sb.end;
    if (this.mode === 'ws') {
      // the fragments already complete, plus whatever of the cut frame is there
      const parts = this.wsMessage ? [...this.wsMessage.parts] : [];
      let firstFrame = this.wsMessage?.firstFrame ?? null;
      let frameOffset = this.wsMessage?.frameOffset ?? 0;
      const h = parseWsFrameHeader(d, s, e);
      if (!('kind' in h) && h.opcode < 0x8 && (h.rsv & 0x4) === 0 && (h.opcode !== 0 || this.wsMessage !== null)) {
        const avail = Math.min(h.payloadLength, Math.max(0, e - s - h.headerLength));
        if (avail > 0) {
          const part = new Uint8Array(avail);
          copyUnmasked(d, s + h.headerLength, avail, h.maskKey, part, 0);
          parts.push(part);
          if (firstFrame === null) {
            const o = this.sb.origin(s + h.headerLength);
            firstFrame = o.frame;
            frameOffset = o.frameOffset;
          }
        }
      }
      if (firstFrame === null) return null;
      const bytes = joinParts(parts, parts.reduce((n, p) => n + p.length, 0));
      if (checkSipStartLine(bytes, 0, bytes.length, true) !== 'yes') return null;
      const last = this.sb.lastOrigin();
      sink.messages.push({
        bytes, frame: last?.frame ?? this.wsMessage!.lastFrame, firstFrame, frameOffset,
        time: last ? last.time : this.wsMessage!.lastTime, src: this.src, dst: this.dst, transport: 'WS', truncated: true,
      });
      return `SIP message that starts in frame ${firstFrame}`;
    }
    if (this.mode !== 'sip') return null;
    while (s < e && (d[s] === CR || d[s] === LF)) s++;
    if (s >= e || checkSipStartLine(d, s, e, true) !== 'yes') return null;
    const first = this.sb.origin(s).frame;
    this.emit(s, e, sink, true);
    return `SIP message that starts in frame ${first}`;
  }

  private readHttp(sink: StreamSink): void {
    const d = this.sb.data, s = this.sb.start, e = this.sb.end;
    const f = frameSipMessageDetail(d, s, e);
    if (f.kind === 'incomplete') return;
    if (f.kind === 'invalid') {
      this.mode = 'other';
      this.sb.clear();
      return;
    }
    const info = readHttpUpgrade(d, s, f.headerEnd);
    this.sb.consumeTo(f.end);
    for (const p of info.protocols) if (!this.notes.wsProtocols.includes(p)) this.notes.wsProtocols.push(p);
    const upgraded = info.websocket && (info.kind === 'request' || info.status === 101);
    if (upgraded) {
      this.mode = 'ws';
      this.notes.websocket = true;
    } else {
      this.mode = 'other';
      this.sb.clear();
    }
  }

  /** Could the bytes at s be a WebSocket data frame whose payload is a SIP message? (capture joined after the handshake) */
  private looksLikeWsFrame(s: number): 'yes' | 'no' | 'more' {
    const d = this.sb.data, e = this.sb.end;
    const b0 = d[s];
    if (b0 !== 0x81 && b0 !== 0x82 && b0 !== 0x01 && b0 !== 0x02) return 'no';
    const h = parseWsFrameHeader(d, s, e);
    if ('kind' in h) return h.kind === 'more' ? 'more' : 'no';
    const avail = Math.min(h.payloadLength, 512, Math.max(0, e - s - h.headerLength));
    if (avail < Math.min(h.payloadLength, 16)) return 'more';
    const head = new Uint8Array(avail);
    copyUnmasked(d, s + h.headerLength, avail, h.maskKey, head, 0);
    const c = checkSipStartLine(head, 0, avail, avail === h.payloadLength);
    if (c === 'more') return avail < h.payloadLength && avail < 512 ? 'more' : 'no';
    return c;
  }

  private readWs(sink: StreamSink): void {
    const d = this.sb.data;
    for (;;) {
      if (this.hole !== null) {
        if (this.hole.remaining === null) {
          // frame boundaries are lost: look for the next frame that visibly carries a SIP start line
          if (!this.resyncWs()) return;
          this.hole = null;
        } else {
          const n = Math.min(this.hole.remaining, this.sb.length);
          this.sb.consumeTo(this.sb.start + n);
          this.hole.remaining -= n;
          if (this.hole.remaining > 0) return;
          this.hole = null;
        }
      }
      const s = this.sb.start, e = this.sb.end;
      if (s === e) return;
      const h = parseWsFrameHeader(d, s, e);
      if ('kind' in h) {
        if (h.kind === 'more') return;
        const o = this.sb.origin(s);
        sink.findings.push({
          code: 'capture.ws-invalid-frame',
          severity: 'error',
          message: `Expected a WebSocket frame on ${formatEndpoint(this.src)} → ${formatEndpoint(this.dst)}, but ${h.reason}; the rest of this direction is not read.`,
          source: { frame: o.frame, offset: o.frameOffset },
        });
        this.mode = 'other';
        this.sb.clear();
        this.wsMessage = null;
        return;
      }
      const total = h.headerLength + h.payloadLength;
      this.needed = total;
      if (e - s < total) return;
      this.needed = null;
      const payloadAt = s + h.headerLength;
      const done = this.sb.completingFrame(s, s + total);
      if (h.opcode >= 0x8) {
        // control frames (close, ping, pong) carry no SIP (RFC 6455 §5.5)
        this.sb.consumeTo(s + total);
        continue;
      }
      if ((h.rsv & 0x4) !== 0) {
        if (this.notes.wsCompressedFrame === null) this.notes.wsCompressedFrame = done.frame;
        this.sb.consumeTo(s + total);
        this.wsMessage = null;
        continue;
      }
      if (h.opcode !== 0) {
        const o = this.sb.origin(payloadAt < e ? payloadAt : s);
        this.wsMessage = { parts: [], length: 0, firstFrame: o.frame, frameOffset: o.frameOffset, lastFrame: done.frame, lastTime: done.time };
      } else if (this.wsMessage === null) {
        // a continuation whose first fragment was not captured
        this.sb.consumeTo(s + total);
        continue;
      }
      const w = this.wsMessage;
      const part = new Uint8Array(h.payloadLength);
      copyUnmasked(d, payloadAt, h.payloadLength, h.maskKey, part, 0);
      w.parts.push(part);
      w.length += part.length;
      if (done.frame > w.lastFrame) { w.lastFrame = done.frame; w.lastTime = done.time; }
      this.sb.consumeTo(s + total);
      if (h.fin) {
        this.wsMessage = null;
        this.deliverWs(w, sink);
      }
    }
  }

  private deliverWs(w: WsMessage, sink: StreamSink): void {
    const bytes = joinParts(w.parts, w.length);
    let i = 0;
    while (i < bytes.length && (bytes[i] === CR || bytes[i] === LF || bytes[i] === 0x20)) i++;
    if (i === bytes.length) {
      sink.counters.keepAliveBytes += bytes.length;
      return;
    }
    if (checkSipStartLine(bytes, i, bytes.length, true) === 'yes') {
      sink.messages.push({
        bytes: i === 0 ? bytes : bytes.slice(i), frame: w.lastFrame, firstFrame: w.firstFrame, frameOffset: w.frameOffset + i,
        time: w.lastTime, src: this.src, dst: this.dst, transport: 'WS',
      });
      return;
    }
    sink.counters.wsNonSipMessages++;
    if (!this.nonSipReported) {
      this.nonSipReported = true;
      sink.findings.push({
        code: 'capture.ws-non-sip',
        severity: 'info',
        message: `Expected each WebSocket message on ${formatEndpoint(this.src)} → ${formatEndpoint(this.dst)} to be one SIP message (RFC 7118 §5), but the one ending in frame ${w.lastFrame} is not; such messages are skipped.`,
        source: { frame: w.firstFrame, offset: w.frameOffset },
      });
    }
  }

  /** After a hole in a WebSocket stream: skip to the next data frame whose payload begins with a SIP start line. */
  private resyncWs(): boolean {
    const d = this.sb.data, e = this.sb.end;
    for (let i = this.sb.start; i < e; i++) {
      const b = d[i];
      if (b !== 0x81 && b !== 0x82) continue;
      const r = this.looksLikeWsFrame(i);
      if (r === 'more') { this.sb.consumeTo(i); return false; }
      if (r === 'yes') { this.sb.consumeTo(i); return true; }
    }
    this.sb.consumeTo(Math.max(this.sb.start, e - 13));
    return false;
  }
}

function joinParts(parts: Uint8Array[], length: number): Uint8Array {
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(length);
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}
