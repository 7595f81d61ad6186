// TCP connections of a capture: per-direction reassembly (tcpReassembly) feeding per-direction SIP
// readers (streamSipReader), with the decisions that need both directions or the whole capture:
// when a gap is given up on, SYN/FIN/RST, buffer limits, and the TLS report.
import type { Endpoint, TransportPayload } from '../model/packet';
import { formatEndpoint } from '../model/packet';
import { seqDiff, TcpDirectionReassembler, type StreamChunk } from '../net/tcpReassembly';
import { TCP_ACK, TCP_RST } from '../net/tcpSegment';
import { checkSipStartLine } from '../sip/startLine';
import { SipStreamReader, type ConnectionNotes, type StreamSink } from './streamSipReader';

/** A gap not filled within this much capture time is taken as data the capture missed. */
export const GAP_TIMEOUT_SECONDS = 3;
/** Out-of-order bytes one direction may hold while waiting for a gap. */
export const MAX_WAITING_BYTES_PER_STREAM = 4 * 1024 * 1024;
/** Out-of-order bytes all directions together may hold. */
export const MAX_WAITING_BYTES_TOTAL = 64 * 1024 * 1024;
/** Connections kept before idle ones are let go. */
const MAX_CONNECTIONS = 100_000;
const IDLE_SECONDS = 300;

/**
 * Ports where TLS is likely to carry SIP: 5061 (SIPS, RFC 3261 §26.2), the 5060-5099 range proxies use, and
 * the x061 ports of multi-instance IMS set-ups (4061, 6061, 15061...). TLS elsewhere (HTTPS, MySQL...) is
 * summarised once instead of reported per connection.
 */
function isSipTlsPort(port: number): boolean {
  return (port >= 5060 && port <= 5099) || port % 1000 === 61;
}

export interface StreamLimits {
  gapTimeoutSeconds: number;
  maxWaitingBytesPerStream: number;
  maxWaitingBytesTotal: number;
}

export const DEFAULT_STREAM_LIMITS: StreamLimits = {
  gapTimeoutSeconds: GAP_TIMEOUT_SECONDS,
  maxWaitingBytesPerStream: MAX_WAITING_BYTES_PER_STREAM,
  maxWaitingBytesTotal: MAX_WAITING_BYTES_TOTAL,
};

export interface StreamStats {
  connections: number;
  retransmittedSegments: number;
  overlapBytes: number;
  gapsGivenUp: number;
  nonSipConnections: number;
  tlsConnections: number;
  tlsOtherPorts: Map<number, number>;
}

class Direction {
  reassembler = new TcpDirectionReassembler();
  reader: SipStreamReader;
  finished = false;
  /** Out-of-order bytes counted into the capture-wide total. */
  share = 0;
  constructor(readonly src: Endpoint, readonly dst: Endpoint, notes: ConnectionNotes) {
    this.reader = new SipStreamReader(src, dst, notes);
  }
}

class Connection {
  readonly notes: ConnectionNotes = { tlsFrame: null, tlsServerPort: null, websocket: false, wsProtocols: [], wsCompressedFrame: null };
  dirs: [Direction, Direction];
  packets = 0;
  firstFrame: number;
  lastTime: number | null;
  lastFrame: number;
  tlsReported = false;
  compressionReported = false;
  constructor(readonly key: string, a: Endpoint, b: Endpoint, frame: number, time: number | null) {
    this.dirs = [new Direction(a, b, this.notes), new Direction(b, a, this.notes)];
    this.firstFrame = frame;
    this.lastFrame = frame;
    this.lastTime = time;
  }
  dir(src: Endpoint): { me: Direction; peer: Direction } {
    const [x, y] = this.dirs;
    return x.src.ip === src.ip && x.src.port === src.port ? { me: x, peer: y } : { me: y, peer: x };
  }
}

export class TcpConnections {
  private readonly conns = new Map<string, Connection>();
  /** Directions that hold out-of-order data, checked for the gap timeout. */
  private readonly waiting = new Set<Direction>();
  private waitingBytes = 0;
  readonly stats: StreamStats = { connections: 0, retransmittedSegments: 0, overlapBytes: 0, gapsGivenUp: 0, nonSipConnections: 0, tlsConnections: 0, tlsOtherPorts: new Map() };

  constructor(private readonly sink: StreamSink, private readonly limits: StreamLimits = DEFAULT_STREAM_LIMITS) {}

  push(p: TransportPayload): void {
    const tcp = p.tcp!;
    const key = connectionKey(p.src, p.dst);
    let conn = this.conns.get(key);
    if (conn === undefined) {
      if (this.conns.size >= MAX_CONNECTIONS) this.evictIdle(p.time);
      conn = new Connection(key, p.src, p.dst, p.frame, p.time);
      this.conns.set(key, conn);
      this.stats.connections++;
    }
    conn.packets++;
    conn.lastFrame = p.frame;
    if (p.time !== null) conn.lastTime = p.time;
    const { me, peer } = conn.dir(p.src);

    // The peer acknowledged data of the other direction we never saw: that gap cannot fill any more.
    if ((tcp.flags & TCP_ACK) !== 0) {
      const r = peer.reassembler;
      if (r.peerAcked === null || seqDiff(tcp.ack, r.peerAcked) > 0) r.peerAcked = tcp.ack;
      if (r.hasGap && r.nextSeq !== null && seqDiff(tcp.ack, r.nextSeq) > 0) this.giveUpGap(peer, 'the receiver acknowledged them');
    }

    const seg = { seq: tcp.seq, flags: tcp.flags, payload: p.payload, frame: p.frame, time: p.time, frameOffset: p.frameOffset, truncated: p.truncated };
    // Decide before pushing whether a gap in front of this segment is already known to be permanent.
    let loseGapNow: string | null = null;
    if (me.reassembler.startsBeyondGap(seg) && !me.reassembler.hasGap) {
      const r = me.reassembler;
      if (r.peerAcked !== null && r.nextSeq !== null && seqDiff(r.peerAcked, r.nextSeq) > 0) {
        loseGapNow = 'the receiver had acknowledged them';
      } else if (me.reader.atBoundary() && me.reader.isSipLike && checkSipStartLine(p.payload, 0, p.payload.length, false) === 'yes') {
        // Between messages and the new segment starts a message: the missing bytes held whole messages the
        // capture did not see (a drop at the capture point); read on now rather than wait (as tshark does).
        loseGapNow = 'the segment after them starts a new SIP message';
      } else if (me.reader.snaplenCut) {
        loseGapNow = 'the snaplen cut the segment before them';
      }
    }

    let out = me.reassembler.push(seg);
    if (out.restarted) {
      this.close(conn, 'a new connection reused the same addresses and ports');
      conn = new Connection(key, p.src, p.dst, p.frame, p.time);
      conn.packets = 1;
      this.conns.set(key, conn);
      this.stats.connections++;
      const fresh = conn.dir(p.src).me;
      out = fresh.reassembler.push(seg);
      this.deliver(fresh, out.delivered);
      this.afterPush(conn, fresh, p);
      return;
    }
    if (out.retransmittedBytes > 0) this.stats.retransmittedSegments++;
    this.stats.overlapBytes += out.overlapBytes;
    this.deliver(me, out.delivered);
    for (const c of out.late) me.reader.late(c, this.sink);
    if (loseGapNow !== null && me.reassembler.hasGap) this.giveUpGap(me, loseGapNow);
    this.afterPush(conn, me, p);
    if ((tcp.flags & TCP_RST) !== 0) {
      this.close(conn, 'RST');
      this.conns.delete(key);
    }
  }

  /** Gap timeout: called with each payload's time. */
  tick(time: number | null): void {
    if (time === null || this.waiting.size === 0) return;
    for (const d of [...this.waiting]) {
      const since = d.reassembler.gapSince;
      if (since !== null && time - since > this.limits.gapTimeoutSeconds) this.giveUpGap(d, `not retransmitted within ${this.limits.gapTimeoutSeconds} s`);
    }
  }

  /** End of capture: give up every gap, finish every stream, report what must be reported. */
  flush(): void {
    for (const conn of this.conns.values()) this.close(conn, 'end of capture');
    this.conns.clear();
    this.waiting.clear();
    this.waitingBytes = 0;
  }

  private deliver(d: Direction, chunks: StreamChunk[]): void {
    for (const c of chunks) d.reader.append(c, this.sink);
  }

  private afterPush(conn: Connection, d: Direction, p: TransportPayload): void {
    this.trackWaiting(d);
    const { maxWaitingBytesPerStream: perStream, maxWaitingBytesTotal: total } = this.limits;
    if (d.reassembler.oooBytes > perStream) {
      this.limitFinding(d, p.frame, `more than ${perStream} bytes wait for the gap in this stream`);
      this.giveUpGap(d, 'the out-of-order buffer of the stream is full');
    }
    while (this.waitingBytes > total) {
      let biggest: Direction | null = null;
      for (const w of this.waiting) if (biggest === null || w.reassembler.oooBytes > biggest.reassembler.oooBytes) biggest = w;
      if (biggest === null) break;
      this.limitFinding(biggest, p.frame, `more than ${total} bytes wait for gaps across all streams`);
      this.giveUpGap(biggest, 'the out-of-order buffers of the capture are full');
    }
    if (d.reassembler.closed && !d.finished) {
      d.finished = true;
      d.reader.finish('FIN', this.sink);
    }
    if (conn.notes.wsCompressedFrame !== null && !conn.compressionReported) {
      conn.compressionReported = true;
      this.sink.findings.push({
        code: 'capture.ws-compressed',
        severity: 'warning',
        message: `Expected uncompressed WebSocket frames on ${formatEndpoint(conn.dirs[0].src)} ↔ ${formatEndpoint(conn.dirs[0].dst)}, but they use permessage-deflate (RFC 7692, RSV1 set); the compressed SIP messages are not read.`,
        source: { frame: conn.notes.wsCompressedFrame },
      });
    }
  }

  private limitFinding(d: Direction, frame: number, why: string): void {
    this.sink.findings.push({
      code: 'capture.stream-buffer-limit',
      severity: 'warning',
      message: `Expected the gap in the TCP stream ${formatEndpoint(d.src)} → ${formatEndpoint(d.dst)} to be filled, but ${why}; it is given up on.`,
      source: { frame },
    });
  }

  private trackWaiting(d: Direction): void {
    this.waitingBytes -= d.share;
    d.share = d.reassembler.hasGap ? d.reassembler.oooBytes : 0;
    this.waitingBytes += d.share;
    if (d.reassembler.hasGap) this.waiting.add(d);
    else this.waiting.delete(d);
  }

  private giveUpGap(d: Direction, why: string): void {
    while (d.reassembler.hasGap) {
      const chunks: StreamChunk[] = [];
      const gap = d.reassembler.declareGapLost(chunks);
      if (gap === null) break;
      this.stats.gapsGivenUp++;
      d.reader.onGap(gap.bytes, gap.fromSeq, gap.toSeq, gap.frameAfter, why, this.sink);
      this.deliver(d, chunks);
      // only the first gap is known lost; later ones may still fill, unless we are closing
      if (!why.startsWith('end of capture') && !why.startsWith('the out-of-order')) break;
    }
    this.trackWaiting(d);
  }

  private close(conn: Connection, why: string): void {
    for (const d of conn.dirs) {
      if (d.reassembler.hasGap) this.giveUpGap(d, why);
      if (!d.finished) {
        d.finished = true;
        d.reader.finish(why, this.sink);
      }
      this.waiting.delete(d);
      this.waitingBytes -= d.share;
      d.share = 0;
    }
    if (conn.dirs.some((d) => d.reader.mode === 'other') && !conn.dirs.some((d) => d.reader.mode === 'sip' || d.reader.mode === 'ws')) this.stats.nonSipConnections++;
    this.reportTls(conn);
  }

  private reportTls(conn: Connection): void {
    if (conn.notes.tlsFrame === null || conn.tlsReported) return;
    conn.tlsReported = true;
    this.stats.tlsConnections++;
    const [a] = conn.dirs;
    const serverPort = conn.notes.tlsServerPort ?? Math.min(a.src.port, a.dst.port);
    if (!isSipTlsPort(a.src.port) && !isSipTlsPort(a.dst.port)) {
      this.stats.tlsOtherPorts.set(serverPort, (this.stats.tlsOtherPorts.get(serverPort) ?? 0) + 1);
      return;
    }
    this.sink.findings.push({
      code: 'capture.tls-encrypted',
      severity: 'warning',
      message: `Expected readable SIP on the TCP connection ${formatEndpoint(a.src)} ↔ ${formatEndpoint(a.dst)} (port ${serverPort}${serverPort === 5061 ? ', SIP over TLS' : ''}), but it carries TLS (${conn.packets} packets, frames ${conn.firstFrame}–${conn.lastFrame}); SIP inside it cannot be decrypted without the session keys.`,
      source: { frame: conn.notes.tlsFrame },
    });
  }

  private evictIdle(now: number | null): void {
    const victims: Connection[] = [];
    for (const c of this.conns.values()) {
      const idle = now !== null && c.lastTime !== null ? now - c.lastTime > IDLE_SECONDS : false;
      if (idle || c.dirs.every((d) => d.finished)) victims.push(c);
    }
    if (victims.length === 0) {
      // nothing idle: let go of the oldest half (Map keeps insertion order)
      let n = this.conns.size >> 1;
      for (const c of this.conns.values()) { if (n-- <= 0) break; victims.push(c); }
    }
    for (const c of victims) {
      this.close(c, 'the capture holds too many connections to keep them all');
      this.conns.delete(c.key);
    }
  }
}

function connectionKey(a: Endpoint, b: Endpoint): string {
  const x = `${a.ip}|${a.port}`, y = `${b.ip}|${b.port}`;
  return x < y ? `${x}|${y}` : `${y}|${x}`;
}
