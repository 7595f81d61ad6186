// tshark's packet details as text (`tshark -V`, or `-O sip` where only SIP is expanded). Per frame: "Frame N: …",
// with -V "Epoch Time: 1795607615.464044000 seconds" (absolute, no zone assumption), the IP and UDP/TCP summary lines
// with the addresses, then "Session Initiation Protocol (…)" with "Request-Line:"/"Status-Line:", the header fields one
// indentation step under "Message Header", and the body under "Message Body". The SDP body is shown dissected
// ("Session Description Protocol Version (v): 0"): it is rebuilt as "v=0" lines, which is exact for ordinary SDP.
import type { Finding } from '../../model/finding';
import type { DialectReader, ExtractedMessage } from '../extractedMessage';
import { fromView } from '../extractedMessage';
import { parseEndpoint } from '../endpoints';
import { parseEpoch } from '../logTime';
import { RebuiltLines, type TextLines } from '../textLines';
import { countMatches } from './blockHelpers';

const FRAME = /^Frame (\d+): \d+ bytes on wire/;
const EPOCH = /^[ \t]+Epoch (?:Arrival )?Time: (\d+(?:\.\d+)?) seconds/;
const IP = /^Internet Protocol Version [46], Src: ([^ ,]+), Dst: ([^ ,]+)/;
const PORTS = /^(User Datagram Protocol|Transmission Control Protocol|Stream Control Transmission Protocol), Src Port: (\d+), Dst Port: (\d+)/;
const SIP = /^Session Initiation Protocol\b/;
const START = /^ {4}(?:Request|Status)-Line: (.*)$/;

function indentOf(s: string): number {
  let n = 0;
  while (n < s.length && s.charCodeAt(n) === 32) n++;
  return n;
}

export const tsharkVerboseReader: DialectReader = {
  dialect: 'tshark-verbose',
  detect(lines: TextLines, scanLimit: number): number {
    return countMatches(lines, scanLimit, SIP) * 3 + countMatches(lines, scanLimit, START);
  },
  extract(lines: TextLines, findings: Finding[]): ExtractedMessage[] {
    const out: ExtractedMessage[] = [];
    let time: number | null = null;
    let ips: [string, string] | null = null;
    let ports: [string, string, string] | null = null;
    let i = 0;
    while (i < lines.count) {
      const t = lines.text(i);
      if (FRAME.test(t)) { time = null; ips = null; ports = null; i++; continue; }
      const e = EPOCH.exec(t);
      if (e) { time = parseEpoch(e[1]); i++; continue; }
      const ip = IP.exec(t);
      if (ip) { ips = [ip[1], ip[2]]; i++; continue; }
      const p = PORTS.exec(t);
      if (p) { ports = [p[1], p[2], p[3]]; i++; continue; }
      if (!SIP.test(t)) { i++; continue; }
      // One SIP section: ends at the next unindented line.
      let end = i + 1;
      while (end < lines.count && lines.text(end).length > 0 && lines.text(end).charCodeAt(0) === 32) end++;
      const view = new RebuiltLines();
      let section: 'start' | 'headers' | 'body' = 'start';
      let bodyIndent = -1;
      let lastLine = i + 1;
      for (let k = i + 1; k < end; k++) {
        const s = lines.text(k);
        const ind = indentOf(s);
        if (ind === 4) {
          const st = START.exec(s);
          if (st) { view.push(st[1], '\r\n', k + 1); lastLine = k + 1; continue; }
          if (s.trim() === 'Message Header') { section = 'headers'; continue; }
          if (s.trim() === 'Message Body') { section = 'body'; view.push('', '\r\n', k + 1); continue; }
          continue;
        }
        let content = s.slice(ind);
        if (content.startsWith('[truncated]')) {
          content = content.slice(11);
          findings.push({ code: 'trace.truncated-field', severity: 'warning', message: 'tshark cut this field short ("[truncated]"), so the rebuilt message misses its end; read the capture itself for the full value.', source: { line: k + 1, endLine: k + 1 } });
        } else if (content.startsWith('[')) continue; // tshark's own annotations: [Generated Call-ID: …], [Resent Packet …]
        if (section === 'headers' && ind === 8) { view.push(content, '\r\n', k + 1); lastLine = k + 1; continue; }
        if (section === 'body') {
          if (bodyIndent < 0) { bodyIndent = ind; continue; } // "Session Description Protocol", "Sipfrag", "Line-based text data…"
          if (ind !== bodyIndent + 4) continue;
          const f = sdpField(content);
          view.push(f ?? content, '\r\n', k + 1);
          lastLine = k + 1;
        }
      }
      if (view.count === 0) {
        findings.push({ code: 'trace.no-start-line', severity: 'warning', message: 'A tshark "Session Initiation Protocol" section should have a Request-Line or Status-Line, but none was found in it.', source: { line: i + 1, endLine: end } });
        i = end;
        continue;
      }
      if (section !== 'body') view.push('', '\r\n', lastLine);
      const endpoint = (ipText: string | undefined, port: string | undefined) =>
        ipText && port ? parseEndpoint(ipText.includes(':') ? `[${ipText}]:${port}` : `${ipText}:${port}`) : null;
      const msg = fromView(view, 0, view.count, 0, {
        time,
        src: endpoint(ips?.[0], ports?.[1]),
        dst: endpoint(ips?.[1], ports?.[2]),
        transport: ports ? (ports[0].startsWith('User') ? 'UDP' : ports[0].startsWith('Trans') ? 'TCP' : 'SCTP') : null,
        headerLine: i + 1,
      });
      msg.endLine = lastLine;
      out.push(msg);
      i = end;
    }
    return out;
  },
};

/**
 * tshark shows an SDP line as "Media Description, name and address (m): audio 4000 RTP/AVP 0"; this gives back
 * "m=audio 4000 RTP/AVP 0" (the first "(x): " whose rest holds no line separator, as /\(([a-zA-Z])\): (.*)$/ did,
 * but in one pass: that unanchored regex rescanned the rest of the line from every "(x): ", O(n²) on a long line).
 */
function sdpField(content: string): string | null {
  const lastSeparator = Math.max(content.lastIndexOf('\u2028'), content.lastIndexOf('\u2029'));
  for (let at = content.indexOf('): '); at >= 0; at = content.indexOf('): ', at + 1)) {
    if (at < 2 || content.charCodeAt(at - 2) !== 40 /* ( */) continue;
    const c = content.charCodeAt(at - 1) | 0x20;
    if (c < 97 || c > 122) continue;
    if (at + 3 > lastSeparator) return `${content[at - 1]}=${content.slice(at + 3)}`;
  }
  return null;
}
