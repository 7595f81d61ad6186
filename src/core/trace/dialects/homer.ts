// Homer's text export, in the layout issue 3 describes: "proto:UDP <date> src:port ---> dst:port", the message, a
// blank line. A date with a zone (…Z) is absolute; without one it is read as UTC.
import type { Finding } from '../../model/finding';
import type { DialectReader, ExtractedMessage } from '../extractedMessage';
import { transportOf } from '../extractedMessage';
import { parseEndpoint } from '../endpoints';
import { parseDateTime, parseEpoch } from '../logTime';
import type { TextLines } from '../textLines';
import { messageInBlock } from './blockHelpers';

const HEADER_START = /^proto:([A-Za-z]+)[ \t]/;

function parseHeader(line: string): { transport: string; date: string; src: string; dst: string } | null {
  const p = HEADER_START.exec(line);
  if (!p) return null;
  const arrow = line.indexOf(' ---> ');
  if (arrow < 0) return null;
  const left = line.slice(p[0].length, arrow).trim().split(/[ \t]+/);
  const dst = line.slice(arrow + 6).trim();
  if (left.length < 2 || dst.length === 0 || dst.includes(' ')) return null;
  return { transport: p[1], date: left.slice(0, -1).join(' '), src: left[left.length - 1], dst };
}

export const homerReader: DialectReader = {
  dialect: 'homer',
  detect(lines: TextLines, scanLimit: number): number {
    let n = 0;
    const last = Math.min(lines.count, scanLimit);
    for (let i = 0; i < last; i++) if (parseHeader(lines.text(i))) n++;
    return n * 3;
  },
  extract(lines: TextLines, findings: Finding[]): ExtractedMessage[] {
    const out: ExtractedMessage[] = [];
    let i = 0;
    while (i < lines.count) {
      const h = parseHeader(lines.text(i));
      if (!h) { i++; continue; }
      let limit = i + 1;
      while (limit < lines.count && !parseHeader(lines.text(limit))) limit++;
      const msg = messageInBlock(lines, i + 1, limit, {
        time: parseDateTime(h.date) ?? parseEpoch(h.date),
        src: parseEndpoint(h.src),
        dst: parseEndpoint(h.dst),
        transport: transportOf(h.transport),
        headerLine: i + 1,
      }, findings, 'Homer');
      if (msg) out.push(msg);
      i = limit;
    }
    return out;
  },
};
