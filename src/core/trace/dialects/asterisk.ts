// Asterisk SIP debug output, both channel drivers:
//  - res_pjsip `pjsip set logger on`: "<--- Received SIP request (512 bytes) from UDP:1.2.3.4:5060 --->" /
//    "<--- Transmitting SIP response (235 bytes) to UDP:1.2.3.4:5060 --->", then the message and a newline;
//  - chan_sip `sip set debug on`: "<--- SIP read from UDP:1.2.3.4:5060 --->" … "<------------->" and
//    "<--- Transmitting (no NAT) to 1.2.3.4:5060 --->" … "<------------>".
// In a log file the block's first line carries the logger prefix, "[Nov 25 11:53:35] VERBOSE[tid] file: " by default
// (no year: the time is then left null) or "[2026-11-25 11:53:35.464]" with a dateformat that has one (read as UTC).
import type { Finding } from '../../model/finding';
import type { DialectReader, ExtractedMessage, MessageMeta } from '../extractedMessage';
import { transportOf } from '../extractedMessage';
import { parseEndpoint } from '../endpoints';
import { parseDateTime } from '../logTime';
import type { TextLines } from '../textLines';
import { countMatches, messageInBlock } from './blockHelpers';
import { MarkedPattern } from './markedPattern';

// After the logger prefix, so matched from their "<--- " marker (linear on long hostile lines).
const PJSIP = new MarkedPattern(['<--- '], /^<--- (Received|Transmitting) SIP (request|response) \((\d+) bytes\) (from|to) ([A-Za-z]+):([^ ]+) --->[ \t]*$/);
const CHAN_SIP_READ = new MarkedPattern(['<--- '], /^<--- SIP read from (?:([A-Za-z]+):)?([^ ]+) --->[ \t]*$/);
const CHAN_SIP_SEND = new MarkedPattern(['<--- '], /^<--- (?:Reliably )?Transmitting \([^)]*\) to (?:([A-Za-z]+):)?([^ ]+) --->[ \t]*$/);
const CHAN_SIP_END = /^<-{5,}>[ \t]*$/;
const DATED_PREFIX = /^\[(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)?)\]/;

function headerMeta(line: string, index: number): MessageMeta | null {
  const dated = DATED_PREFIX.exec(line);
  const time = dated ? parseDateTime(dated[1]) : null;
  const p = PJSIP.exec(line);
  if (p) {
    const peer = parseEndpoint(p[6]);
    return { time, transport: transportOf(p[5]), src: p[4] === 'from' ? peer : null, dst: p[4] === 'to' ? peer : null, declaredLength: Number(p[3]), headerLine: index + 1 };
  }
  const r = CHAN_SIP_READ.exec(line);
  if (r) return { time, transport: transportOf(r[1] ?? 'UDP'), src: parseEndpoint(r[2]), headerLine: index + 1 };
  const s = CHAN_SIP_SEND.exec(line);
  if (s) return { time, transport: transportOf(s[1] ?? 'UDP'), dst: parseEndpoint(s[2]), headerLine: index + 1 };
  return null;
}

export const asteriskReader: DialectReader = {
  dialect: 'asterisk',
  detect(lines: TextLines, scanLimit: number): number {
    return (countMatches(lines, scanLimit, PJSIP) + countMatches(lines, scanLimit, CHAN_SIP_READ) + countMatches(lines, scanLimit, CHAN_SIP_SEND)) * 3;
  },
  extract(lines: TextLines, findings: Finding[]): ExtractedMessage[] {
    const out: ExtractedMessage[] = [];
    let i = 0;
    while (i < lines.count) {
      const meta = lines.text(i).includes('<--- ') ? headerMeta(lines.text(i), i) : null;
      if (!meta) { i++; continue; }
      let limit = i + 1;
      while (limit < lines.count && !CHAN_SIP_END.test(lines.text(limit)) && !(lines.text(limit).includes('<--- ') && headerMeta(lines.text(limit), limit))) limit++;
      const msg = messageInBlock(lines, i + 1, limit, meta, findings, 'Asterisk');
      if (msg) out.push(msg);
      i = msg ? Math.max(msg.endLine, i + 1) : limit;
    }
    return out;
  },
};
