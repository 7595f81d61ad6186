// Records and packets as they move up the pipeline: bytes → capture records → transport payloads.

/** One captured frame, as stored in a pcap/pcapng record. `data` may be a view into the reader's buffer: copy it to keep it. */
export interface CaptureRecord {
  /** 1-based frame number, counted as Wireshark counts (every packet record, whatever its content). */
  frame: number;
  /** Seconds since the epoch, fractional; null when the record has no usable timestamp. */
  time: number | null;
  /** LINKTYPE_* value (https://www.tcpdump.org/linktypes.html). */
  linkType: number;
  /** Captured bytes (may be shorter than origLen when the snaplen cut the packet). */
  data: Uint8Array;
  origLen: number;
  /** pcapng interface id, 0 for pcap. */
  interfaceId: number;
  /** Byte offset of the record in the file, for positioned errors. */
  fileOffset: number;
}

export type Transport = 'UDP' | 'TCP' | 'SCTP' | 'WS' | 'TLS';

export interface Endpoint {
  /** Textual address: dotted IPv4 or RFC 5952 IPv6 (no brackets). */
  ip: string;
  port: number;
}

/** Application bytes carried by one packet (a UDP datagram, a TCP segment's payload, an SCTP DATA chunk). */
export interface TransportPayload {
  frame: number;
  time: number | null;
  src: Endpoint;
  dst: Endpoint;
  transport: 'UDP' | 'TCP' | 'SCTP';
  payload: Uint8Array;
  /** Offset of payload[0] within the frame's bytes (after IP reassembly this is the last fragment's frame). */
  frameOffset: number;
  /** TCP only. */
  tcp?: { seq: number; ack: number; flags: number };
  /** SCTP only: stream id, ssn, ppid. */
  sctp?: { streamId: number; ppid: number };
  /** True when the frame was cut by the snaplen, so payload is incomplete. */
  truncated?: boolean;
  /** Set when this payload came out of a HEP envelope: the original capture time and addresses are already applied. */
  hep?: { captureId: number; protocolType: number };
  /** IPv4 identification of the (outer-most carrying) IP packet, for telling mirror-port duplicates from retransmissions. */
  ipId?: number;
  /** Tunnels unwrapped on the way, outermost first (e.g. ['GRE', 'IPv4']). */
  tunnels?: string[];
}

export function formatEndpoint(e: Endpoint): string {
  return e.ip.includes(':') ? `[${e.ip}]:${e.port}` : `${e.ip}:${e.port}`;
}
