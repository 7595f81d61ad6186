// SIPp `-trace_msg` logs: each message is preceded by a dashed line with the local date and time, then
// "UDP message sent (512 bytes):" or "UDP message received [235] bytes :", an empty line, and the message bytes.
// SIPp writes local wall-clock time without a zone: it is read as UTC (see logTime.ts). SIPp logs no addresses.
import type { Finding } from '../../model/finding';
import type { DialectReader, ExtractedMessage } from '../extractedMessage';
import { transportOf } from '../extractedMessage';
import { parseDateTime } from '../logTime';
import type { TextLines } from '../textLines';
import { countMatches, messageInBlock } from './blockHelpers';

const SEPARATOR = /^-{20,} (\d{4}-\d\d-\d\d[ \t]+\d\d:\d\d:\d\d(?:\.\d+)?)[ \t]*$/;
const KIND = /^([A-Za-z0-9]+) message (sent|received) (?:\((\d+) bytes\)|\[(\d+)\] bytes)[ \t]*:[ \t]*$/;

export const sippTraceReader: DialectReader = {
  dialect: 'sipp-trace',
  detect(lines: TextLines, scanLimit: number): number {
    return countMatches(lines, scanLimit, KIND) * 3 + countMatches(lines, scanLimit, SEPARATOR);
  },
  extract(lines: TextLines, findings: Finding[]): ExtractedMessage[] {
    const out: ExtractedMessage[] = [];
    let i = 0;
    while (i < lines.count) {
      const sep = SEPARATOR.exec(lines.text(i));
      const kind = sep && i + 1 < lines.count ? KIND.exec(lines.text(i + 1)) : null;
      if (!sep || !kind) { i++; continue; }
      let limit = i + 2;
      while (limit < lines.count && !SEPARATOR.test(lines.text(limit))) limit++;
      let from = i + 2;
      if (from < limit && lines.text(from).length === 0) from++;
      const size = kind[3] ?? kind[4];
      const msg = messageInBlock(lines, from, limit, {
        time: parseDateTime(sep[1].replace(/[ \t]+/, ' ')),
        transport: transportOf(kind[1]),
        declaredLength: size ? Number(size) : undefined,
        headerLine: i + 2,
      }, findings, 'SIPp trace');
      if (msg) out.push(msg);
      i = limit;
    }
    return out;
  },
};
