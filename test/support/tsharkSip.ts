// tshark's list of SIP messages for a capture, one entry per SIP PDU (a frame can carry several: TCP
// segments with two messages, or reassembled PDUs). PDML keeps the PDUs of one frame in wire order,
// which `-T fields` (one aggregated column per field) cannot.
import { execFileSync } from 'node:child_process';

export interface TsharkSipMessage {
  frame: number;
  callId: string | null;
  method: string | null;
  status: number | null;
  cseqSeq: number | null;
}

const entities: Record<string, string> = { quot: '"', amp: '&', lt: '<', gt: '>', apos: "'" };
function unescapeXml(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (m, e: string) => {
    if (e[0] === '#') return String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
    return entities[e] ?? m;
  });
}

function fieldShow(block: string, name: string): string | null {
  const at = block.indexOf(`name="${name}"`);
  if (at < 0) return null;
  const show = block.indexOf('show="', at);
  const end = block.indexOf('"', show + 6);
  return unescapeXml(block.slice(show + 6, end));
}

/** Extra tshark arguments a capture needs (decode-as for SIP on a non-standard TCP port). */
export function tsharkArgsFor(file: string): string[] {
  // SIP on TCP 6060: tshark takes the port for X11 unless told (we recognise SIP by content).
  if (file.endsWith('heplify__sip_ipv4_tcp_fragmented.pcap') || file.endsWith('cn-trace-analyzer__volte_calls_2.pcapng')) return ['-d', 'tcp.port==6060,sip'];
  return [];
}

export function tsharkSipMessages(file: string): TsharkSipMessage[] {
  const xml = execFileSync('tshark', ['-r', file, '-n', ...tsharkArgsFor(file), '-Y', 'sip', '-T', 'pdml'], {
    encoding: 'utf8', maxBuffer: 1024 * 1024 * 1024, stdio: ['ignore', 'pipe', 'ignore'],
  });
  const out: TsharkSipMessage[] = [];
  for (const packet of xml.split('<packet>').slice(1)) {
    const frame = Number(fieldShow(packet, 'num'));
    const parts = packet.split('\n  <proto name="sip" ').slice(1);
    for (const part of parts) {
      const sip = cutAtSiblingProto(part);
      const status = fieldShow(sip, 'sip.Status-Code');
      const seq = fieldShow(sip, 'sip.CSeq.seq');
      out.push({
        frame,
        callId: fieldShow(sip, 'sip.Call-ID'),
        method: fieldShow(sip, 'sip.Method'),
        status: status === null ? null : Number(status),
        cseqSeq: seq === null ? null : Number(seq),
      });
    }
  }
  return out;
}

/** A top-level proto element ends where the next one (indented two spaces) starts. */
function cutAtSiblingProto(part: string): string {
  const end = part.indexOf('\n  <proto ');
  return end < 0 ? part : part.slice(0, end);
}
