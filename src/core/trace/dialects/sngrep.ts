// sngrep's text export (Save dialog, ".txt"): for each message a line "2026/11/25 11:53:35.464044 src:port -> dst:port",
// the message bytes, and blank lines. sngrep prints local time: read as UTC. The export names no transport.
import type { Finding } from '../../model/finding';
import type { DialectReader, ExtractedMessage } from '../extractedMessage';
import { parseEndpoint } from '../endpoints';
import { parseDateTime } from '../logTime';
import type { TextLines } from '../textLines';
import { countMatches, messageInBlock } from './blockHelpers';

const HEADER = /^(\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d(?:\.\d+)?) ([^ ]+) -> ([^ ]+)[ \t]*$/;

export const sngrepReader: DialectReader = {
  dialect: 'sngrep',
  detect(lines: TextLines, scanLimit: number): number {
    return countMatches(lines, scanLimit, HEADER) * 3;
  },
  extract(lines: TextLines, findings: Finding[]): ExtractedMessage[] {
    const out: ExtractedMessage[] = [];
    let i = 0;
    while (i < lines.count) {
      const h = HEADER.exec(lines.text(i));
      if (!h) { i++; continue; }
      let limit = i + 1;
      while (limit < lines.count && !HEADER.test(lines.text(limit))) limit++;
      const msg = messageInBlock(lines, i + 1, limit, {
        time: parseDateTime(h[1].replace(/\//g, '-')),
        src: parseEndpoint(h[2]),
        dst: parseEndpoint(h[3]),
        headerLine: i + 1,
      }, findings, 'sngrep');
      if (msg) out.push(msg);
      i = limit;
    }
    return out;
  },
};
