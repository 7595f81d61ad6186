// pjsip / pjsua message logging (pjsua_core.c logging module): "11:53:35.464  pjsua_core.c  .RX 512 bytes Request msg
// INVITE/cseq=1 (rdata0x…) from UDP 1.2.3.4:5060:" or ".TX … to UDP …:", the message, then "--end msg--".
// pjlib stamps the local time of day (a date only when built with PJ_LOG_HAS_YEAR…): the date comes from a dated
// prefix or the latest dated line above; read as UTC; without a date the time is null.
import type { Finding } from '../../model/finding';
import type { DialectReader, ExtractedMessage } from '../extractedMessage';
import { transportOf } from '../extractedMessage';
import { parseEndpoint } from '../endpoints';
import { leadingDate, parseTimeOfDay } from '../logTime';
import type { TextLines } from '../textLines';
import { countMatches, messageInBlock } from './blockHelpers';
import { MarkedPattern } from './markedPattern';

// After the time and sender columns, so matched from its "RX "/"TX " marker (linear on long hostile lines).
const HEADER = new MarkedPattern(['RX ', 'TX '], /^(RX|TX) (\d+) bytes (?:Request|Response) msg [^ ]+ \([^)]*\) (from|to) ([A-Za-z0-9]+) ([^ ]+):[ \t]*$/, true);
const TIME_PREFIX = /^(?:(\d{4}-\d\d-\d\d) )?(\d\d:\d\d:\d\d(?:\.\d+)?)[ \t]/;
const END = /^--end msg--[ \t]*$/;

export const pjsipReader: DialectReader = {
  dialect: 'pjsip',
  detect(lines: TextLines, scanLimit: number): number {
    return countMatches(lines, scanLimit, HEADER) * 3 + countMatches(lines, scanLimit, END);
  },
  extract(lines: TextLines, findings: Finding[]): ExtractedMessage[] {
    const out: ExtractedMessage[] = [];
    let day: number | null = null;
    let i = 0;
    while (i < lines.count) {
      const text = lines.text(i);
      const h = HEADER.exec(text);
      const d = leadingDate(text);
      if (d !== null) day = d;
      if (!h) { i++; continue; }
      let limit = i + 1;
      while (limit < lines.count && !END.test(lines.text(limit)) && !HEADER.test(lines.text(limit))) limit++;
      const tp = TIME_PREFIX.exec(text);
      const tod = tp ? parseTimeOfDay(tp[2]) : null;
      const peer = parseEndpoint(h[5]);
      const msg = messageInBlock(lines, i + 1, limit, {
        time: day !== null && tod !== null ? day + tod : null,
        transport: transportOf(h[4]),
        src: h[3] === 'from' ? peer : null,
        dst: h[3] === 'to' ? peer : null,
        declaredLength: Number(h[2]),
        headerLine: i + 1,
      }, findings, 'pjsip');
      if (msg) out.push(msg);
      i = limit < lines.count && END.test(lines.text(limit)) ? limit + 1 : limit;
    }
    return out;
  },
};
