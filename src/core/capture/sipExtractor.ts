// Transport payloads in, SIP message bytes out. Datagrams (UDP, SCTP DATA chunks, HEP payloads) carry one
// message each (RFC 3261 §18.1.1); TCP directions are reassembled and framed by Content-Length
// (streamConnections). SIP is recognised by its start line, never by port. Copies of the same packet are
// marked, keep-alives and STUN are counted, and anything that cannot be read becomes a finding.
import type { Endpoint, Transport, TransportPayload } from '../model/packet';
import type { Finding } from '../model/finding';
import { formatEndpoint } from '../model/packet';
import { checkSipStartLine, findSipStartLine } from '../sip/startLine';
import { DUPLICATE_WINDOW_SECONDS, DuplicateDetector, HEP_DUPLICATE_WINDOW_SECONDS } from './extractDuplicates';
import { DEFAULT_STREAM_LIMITS, TcpConnections, type StreamStats } from './streamConnections';
import type { StreamSink } from './streamSipReader';
import { ByteArena } from './byteArena';

export interface ExtractedSip {
  bytes: Uint8Array;
  /** Frame that completes the message (the last of its TCP segments / WebSocket frames), as tshark reports it. */
  frame: number;
  /** Frame where the message's first byte is. */
  firstFrame: number;
  /** Offset of the message's first byte within firstFrame. */
  frameOffset: number;
  time: number | null;
  src: Endpoint; dst: Endpoint; transport: Transport; truncated?: boolean;
  /** Set when the same packet was captured twice (same src/dst/transport/IP id/bytes within a short window): frame of the first copy. */
  duplicateOfFrame?: number;
}

export interface ExtractStats {
  /** Datagrams and stream bytes that were CRLF (or NUL) keep-alives (RFC 5626 §3.5.1, §4.4.1). */
  keepAliveDatagrams: number;
  keepAliveStreamBytes: number;
  /** STUN messages (RFC 5389) multiplexed on SIP flows as keep-alives. */
  stunDatagrams: number;
  /** Packets recognised as a second capture of one already seen. */
  duplicatePackets: number;
  /** Datagrams that are neither SIP nor a keep-alive (RTP, DNS, ...). */
  nonSipDatagrams: number;
  tcp: StreamStats;
  wsNonSipMessages: number;
}

export interface SipExtractor {
  push(p: TransportPayload): { messages: ExtractedSip[]; findings: Finding[] };
  /** End of capture: flush what is pending (incomplete messages become findings, never silently lost). */
  flush(): { messages: ExtractedSip[]; findings: Finding[] };
  /** Counts of what was skipped without a finding of its own (also summarised in findings by flush). */
  stats(): ExtractStats;
}

/** Tuning knobs; the defaults suit real captures (tests shrink them to reach the limits). */
export interface SipExtractorOptions {
  /** Copies of one packet further apart than this are not duplicates (default 10 ms). */
  duplicateWindowSeconds?: number;
  /** A TCP gap not filled within this capture time is given up on (default 3 s). */
  gapTimeoutSeconds?: number;
  /** Out-of-order bytes one stream direction may hold (default 4 MiB). */
  maxWaitingBytesPerStream?: number;
  /** Out-of-order bytes all streams together may hold (default 64 MiB). */
  maxWaitingBytesTotal?: number;
}

export function createSipExtractor(options: SipExtractorOptions = {}): SipExtractor {
  return new Extractor(options);
}

const CR = 0x0d, LF = 0x0a;

class Extractor implements SipExtractor {
  private sink: StreamSink = { messages: [], findings: [], counters: { keepAliveBytes: 0, wsNonSipMessages: 0 } };
  private readonly tcp: TcpConnections;
  private readonly duplicates: DuplicateDetector;
  private readonly windowSeconds: number;
  private keepAliveDatagrams = 0;
  private stunDatagrams = 0;
  private duplicatePackets = 0;
  private duplicateTcpSegments = 0;
  private nonSipDatagrams = 0;
  private firstDuplicateFrame: number | null = null;
  private readonly arena = new ByteArena();

  constructor(options: SipExtractorOptions) {
    this.windowSeconds = options.duplicateWindowSeconds ?? DUPLICATE_WINDOW_SECONDS;
    this.duplicates = new DuplicateDetector(this.windowSeconds);
    this.tcp = new TcpConnections(this.sink, {
      gapTimeoutSeconds: options.gapTimeoutSeconds ?? DEFAULT_STREAM_LIMITS.gapTimeoutSeconds,
      maxWaitingBytesPerStream: options.maxWaitingBytesPerStream ?? DEFAULT_STREAM_LIMITS.maxWaitingBytesPerStream,
      maxWaitingBytesTotal: options.maxWaitingBytesTotal ?? DEFAULT_STREAM_LIMITS.maxWaitingBytesTotal,
    });
  }

  push(p: TransportPayload): { messages: ExtractedSip[]; findings: Finding[] } {
    try {
      this.tcp.tick(p.time);
      const copyOf = this.duplicates.check(p);
      if (copyOf !== null) {
        this.duplicatePackets++;
        if (this.firstDuplicateFrame === null) this.firstDuplicateFrame = p.frame;
      }
      if (p.transport === 'TCP' && p.tcp !== undefined) {
        // A second copy of a segment must not reach reassembly: it is neither new data nor a retransmission.
        if (copyOf !== null) this.duplicateTcpSegments++;
        else this.tcp.push(p);
      } else {
        this.datagram(p, copyOf);
      }
    } catch (err) {
      this.sink.findings.push({
        code: 'capture.extractor-internal-error',
        severity: 'error',
        message: `Expected to read frame ${p.frame} as SIP, but the extractor failed (${err instanceof Error ? err.message : String(err)}); the frame is skipped.`,
        source: { frame: p.frame },
      });
    }
    return this.take();
  }

  flush(): { messages: ExtractedSip[]; findings: Finding[] } {
    try {
      this.tcp.flush();
    } catch (err) {
      this.sink.findings.push({
        code: 'capture.extractor-internal-error',
        severity: 'error',
        message: `Expected to finish the pending TCP streams, but the extractor failed (${err instanceof Error ? err.message : String(err)}).`,
      });
    }
    this.summaries();
    return this.take();
  }

  stats(): ExtractStats {
    return {
      keepAliveDatagrams: this.keepAliveDatagrams,
      keepAliveStreamBytes: this.sink.counters.keepAliveBytes,
      stunDatagrams: this.stunDatagrams,
      duplicatePackets: this.duplicatePackets,
      nonSipDatagrams: this.nonSipDatagrams,
      tcp: this.tcp.stats,
      wsNonSipMessages: this.sink.counters.wsNonSipMessages,
    };
  }

  private take(): { messages: ExtractedSip[]; findings: Finding[] } {
    const out = { messages: this.sink.messages, findings: this.sink.findings };
    this.sink.messages = [];
    this.sink.findings = [];
    return out;
  }

  /** One datagram (UDP, SCTP DATA chunk, or a HEP payload that has no TCP sequence) is at most one message. */
  private datagram(p: TransportPayload, copyOf: number | null): void {
    const b = p.payload;
    if (isKeepAlive(b)) { this.keepAliveDatagrams++; return; }
    if (isStun(b)) { this.stunDatagrams++; return; }
    const check = checkSipStartLine(b, 0, b.length, !p.truncated);
    if (check === 'yes' || (check === 'more' && p.truncated && b.length > 0)) {
      const m: ExtractedSip = {
        bytes: this.arena.copy(b), frame: p.frame, firstFrame: p.frame, frameOffset: p.frameOffset, time: p.time,
        src: p.src, dst: p.dst, transport: p.transport,
      };
      if (p.truncated) m.truncated = true;
      if (copyOf !== null) m.duplicateOfFrame = copyOf;
      this.sink.messages.push(m);
      return;
    }
    // tshark (4.0) does not take a datagram as SIP unless its first line is a start line; neither do we,
    // but a start line further in is reported rather than passed over.
    if (b.length >= 16) {
      const k = findSipStartLine(b, 0, b.length, true);
      if (k > 0) {
        this.sink.findings.push({
          code: 'capture.sip-after-junk',
          severity: 'warning',
          message: `Expected a ${p.transport} payload to begin with the SIP start line (RFC 3261 §7, §18.1.1), but ${formatEndpoint(p.src)} → ${formatEndpoint(p.dst)} sent ${k} other bytes before it; the datagram is not taken as a SIP message.`,
          source: { frame: p.frame, offset: p.frameOffset + k },
        });
        return;
      }
    }
    this.nonSipDatagrams++;
  }

  private summaries(): void {
    const f = this.sink.findings;
    const s = this.stats();
    if (this.keepAliveDatagrams + this.stunDatagrams > 0 || s.keepAliveStreamBytes > 0) {
      const parts: string[] = [];
      if (this.keepAliveDatagrams > 0) parts.push(`${this.keepAliveDatagrams} CRLF keep-alive datagram(s)`);
      if (this.stunDatagrams > 0) parts.push(`${this.stunDatagrams} STUN message(s)`);
      if (s.keepAliveStreamBytes > 0) parts.push(`${s.keepAliveStreamBytes} CRLF byte(s) between messages on streams`);
      f.push({ code: 'capture.keep-alives', severity: 'info', message: `Keep-alives (RFC 5626 §3.5.1) were skipped: ${parts.join(', ')}.` });
    }
    if (this.duplicatePackets > 0) {
      f.push({
        code: 'capture.duplicate-packets',
        severity: 'info',
        message: `${this.duplicatePackets} packet(s) were captured twice (same addresses, IP Identification and bytes within ${Math.round(this.windowSeconds * 1e6) / 1000} ms, or ${HEP_DUPLICATE_WINDOW_SECONDS * 1000} ms between a HEP copy and the wire: two interfaces, a mirror port, a capture agent)${this.duplicateTcpSegments > 0 ? `; ${this.duplicateTcpSegments} of them TCP segments, kept out of stream reassembly` : ''}; SIP messages in the copies are marked as duplicates.`,
        source: this.firstDuplicateFrame !== null ? { frame: this.firstDuplicateFrame } : undefined,
      });
    }
    if (s.tcp.retransmittedSegments > 0 || s.tcp.overlapBytes > 0) {
      f.push({
        code: 'capture.tcp-retransmissions',
        severity: 'info',
        message: `${s.tcp.retransmittedSegments} TCP segment(s) repeated data already received (retransmissions) and ${s.tcp.overlapBytes} byte(s) overlapped; the repeats were dropped.`,
      });
    }
    if (s.tcp.tlsOtherPorts.size > 0) {
      const ports = [...s.tcp.tlsOtherPorts].map(([port, n]) => `${n} on port ${port}`).join(', ');
      f.push({
        code: 'capture.tls-other-ports',
        severity: 'info',
        message: `TLS connections on ports not used for SIP (${ports}) were not examined; any SIP inside them (e.g. WebSocket over TLS) cannot be decrypted without the session keys.`,
      });
    }
  }
}

/** b[start, end) holds only CR, LF (RFC 5626 §4.4.1 double-CRLF ping / CRLF pong) or NUL padding some phones send. */
export function isKeepAlive(b: Uint8Array, start = 0, end = b.length): boolean {
  if (end === start || end - start > 16) return false;
  for (let i = start; i < end; i++) if (b[i] !== CR && b[i] !== LF && b[i] !== 0) return false;
  return true;
}

/** b[start, end) is a STUN message (RFC 5389 §6): two zero bits, length a multiple of 4 matching it, magic cookie 0x2112A442. */
export function isStun(b: Uint8Array, start = 0, end = b.length): boolean {
  if (end - start < 20 || (b[start] & 0xc0) !== 0) return false;
  const len = (b[start + 2] << 8) | b[start + 3];
  return len + 20 === end - start && (len & 3) === 0 && b[start + 4] === 0x21 && b[start + 5] === 0x12 && b[start + 6] === 0xa4 && b[start + 7] === 0x42;
}
