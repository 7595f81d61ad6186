// Kamailio sipdump module text files (mode 1): "====================", "tag: rcv|snd", "time: <epoch.usec>", "proto:",
// "srcip:", "srcport:", "dstip:", "dstport:", then "~~~~~~~~~~~~~~~~~~~~", the message bytes exactly, and
// "||||||||||||||||||||". The time is absolute (epoch seconds), so no zone assumption is needed.
import type { Finding } from '../../model/finding';
import type { Endpoint } from '../../model/packet';
import type { DialectReader, ExtractedMessage } from '../extractedMessage';
import { fromView, transportOf } from '../extractedMessage';
import { parseEndpoint } from '../endpoints';
import { parseEpoch } from '../logTime';
import { findStartLine } from '../sipLines';
import type { TextLines } from '../textLines';
import { countMatches } from './blockHelpers';

const START = /^={20}[ \t]*$/;
const BODY = /^~{20}[ \t]*$/;
const END = /^\|{20}[ \t]*$/;
const FIELD = /^([a-z]+): ?(.*)$/;

export const kamailioSipdumpReader: DialectReader = {
  dialect: 'kamailio-sipdump',
  detect(lines: TextLines, scanLimit: number): number {
    return countMatches(lines, scanLimit, BODY) * 2 + countMatches(lines, scanLimit, END) * 2 + countMatches(lines, scanLimit, /^tag: (rcv|snd)\b/);
  },
  extract(lines: TextLines, findings: Finding[]): ExtractedMessage[] {
    const out: ExtractedMessage[] = [];
    let i = 0;
    while (i < lines.count) {
      if (!START.test(lines.text(i))) { i++; continue; }
      const fields = new Map<string, string>();
      let k = i + 1;
      while (k < lines.count && !BODY.test(lines.text(k)) && !START.test(lines.text(k))) {
        const f = FIELD.exec(lines.text(k));
        if (f) fields.set(f[1], f[2].trim());
        k++;
      }
      if (k >= lines.count || !BODY.test(lines.text(k))) { i = k; continue; }
      let end = k + 1;
      while (end < lines.count && !END.test(lines.text(end)) && !START.test(lines.text(end))) end++;
      const from = k + 1;
      if (end >= lines.count || !END.test(lines.text(end))) {
        findings.push({ code: 'trace.unterminated-block', severity: 'warning', message: 'A sipdump record should end with a "||||||||||||||||||||" line, but the file ends (or a new record starts) before it; the message is read up to there.', source: { line: i + 1, endLine: end } });
      }
      if (findStartLine(lines, from, end) < 0) {
        findings.push({ code: 'trace.no-start-line', severity: 'warning', message: 'A sipdump record should hold a SIP message between its "~~~~" and "||||" lines, but no SIP start line was found there.', source: { line: i + 1, endLine: end } });
      } else {
        const endpoint = (ip: string | undefined, port: string | undefined): Endpoint | null =>
          ip && port ? parseEndpoint(ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`) : null;
        out.push(fromView(lines, from, end, 0, {
          time: parseEpoch(fields.get('time') ?? ''),
          src: endpoint(fields.get('srcip'), fields.get('srcport')),
          dst: endpoint(fields.get('dstip'), fields.get('dstport')),
          transport: transportOf((fields.get('proto') ?? '').split(' ')[0]),
          headerLine: i + 1,
        }));
      }
      i = end + 1;
    }
    return out;
  },
};
