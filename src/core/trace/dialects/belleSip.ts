// Linphone / belle-sip logs (belle_sip_channel.c). Sent messages: "channel [0x…]: message sent to [TCP://host:port],
// size: [N] bytes" followed by the message. Received data is logged per socket read: "channel [0x…]: received [N] new
// bytes from [TCP://host:port]:" followed by the raw chunk, which on a stream need not line up with messages: chunks
// are reassembled per channel. Linphone prefixes log lines with the local "YYYY-MM-DD HH:MM:SS:mmm", read as UTC.
import type { Finding } from '../../model/finding';
import type { DialectReader, ExtractedMessage, MessageMeta } from '../extractedMessage';
import { transportOf } from '../extractedMessage';
import { parseEndpoint } from '../endpoints';
import { parseDateTime } from '../logTime';
import { takeBytes } from '../sipLines';
import { StreamLines } from '../streamLines';
import type { TextLines } from '../textLines';
import { countMatches, messageInBlock } from './blockHelpers';
import { MarkedPattern } from './markedPattern';

// After the log prefix, so matched from their "channel [" marker (linear on long hostile lines).
const SENT = new MarkedPattern(['channel ['], /^channel \[([^\]]+)\]: message (?:sent|silently discarded) to \[([A-Za-z]+):\/\/([^ ]+)\], size: \[(\d+)\] bytes[ \t]*$/);
const RECEIVED = new MarkedPattern(['channel ['], /^channel \[([^\]]+)\]: received \[(\d+)\] new bytes from \[([A-Za-z]+):\/\/([^ ]+)\]:[ \t]*$/);
const STAMP = /^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d[:.]\d{3})/;

function endpointOf(hostPort: string) {
  return parseEndpoint(hostPort);
}

export const belleSipReader: DialectReader = {
  dialect: 'belle-sip',
  detect(lines: TextLines, scanLimit: number): number {
    return (countMatches(lines, scanLimit, SENT) + countMatches(lines, scanLimit, RECEIVED)) * 3;
  },
  extract(lines: TextLines, findings: Finding[]): ExtractedMessage[] {
    const out: ExtractedMessage[] = [];
    const streams = new Map<string, StreamLines>();
    let i = 0;
    while (i < lines.count) {
      const text = lines.text(i);
      const sent = text.includes('channel [') ? SENT.exec(text) : null;
      const received = !sent && text.includes('channel [') ? RECEIVED.exec(text) : null;
      if (!sent && !received) { i++; continue; }
      const stamp = STAMP.exec(text);
      const time = stamp ? parseDateTime(stamp[1]) : null;
      let limit = i + 1;
      while (limit < lines.count && !STAMP.test(lines.text(limit))) limit++;
      if (sent) {
        const meta: MessageMeta = { time, transport: transportOf(sent[2]), dst: endpointOf(sent[3]), declaredLength: Number(sent[4]), headerLine: i + 1 };
        const msg = messageInBlock(lines, i + 1, limit, meta, findings, 'belle-sip');
        if (msg) out.push(msg);
        i = msg ? Math.max(msg.endLine, i + 1) : limit;
        continue;
      }
      const r = received!;
      const size = Number(r[2]);
      const meta: MessageMeta = { time, transport: transportOf(r[3]), src: endpointOf(r[4]), headerLine: i + 1 };
      const chunk = takeBytes(lines, i + 1, size, lines.count);
      if (!chunk) {
        findings.push({ code: 'trace.length-mismatch', severity: 'warning', message: `belle-sip says ${size} bytes were received, but the lines after it do not end at that size; the chunk is read up to the next log line.`, source: { line: i + 1, endLine: limit } });
      }
      const end = chunk ? chunk.end : limit;
      const key = `${r[1]}|${r[4]}`;
      let s = streams.get(key);
      if (!s) { s = new StreamLines(); streams.set(key, s); }
      for (let k = i + 1; k < end; k++) {
        let term = lines.term(k);
        if (chunk && k === end - 1 && chunk.dropTail > 0) term = term.slice(0, term.length - chunk.dropTail);
        s.push(lines.text(k), term, k + 1, meta);
      }
      if (meta.transport === 'UDP') s.take(true, out);
      else s.take(false, out);
      i = Math.max(end, i + 1);
    }
    for (const s of streams.values()) s.take(true, out);
    return out.sort((a, b) => a.line - b.line);
  },
};
