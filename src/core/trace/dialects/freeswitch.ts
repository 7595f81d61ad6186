// FreeSWITCH `sofia global siptrace on` (sofia-sip tport_logging.c): "recv 512 bytes from udp/[1.2.3.4]:5060 at
// 11:53:35.464044:" or "send … to …", a separator line "   ----…", every message line indented by three spaces with
// its CR LF dropped, and the separator again. The stamp has only the local time of day: the date comes from the
// latest FreeSWITCH log line above it ("2026-11-25 11:53:35.464 [NOTICE] …"), read as UTC; with none, time is null.
import type { Finding } from '../../model/finding';
import type { DialectReader, ExtractedMessage } from '../extractedMessage';
import { transportOf } from '../extractedMessage';
import { parseEndpoint } from '../endpoints';
import { leadingDate, parseTimeOfDay } from '../logTime';
import { RebuiltLines, type TextLines } from '../textLines';
import { countMatches, messageInBlock } from './blockHelpers';

const HEADER = /^(recv|send) (\d+) bytes (from|to) ([A-Za-z0-9-]+)\/(\[[^\]]*\]:\d+)[^ ]* at (\d\d:\d\d:\d\d(?:\.\d+)?):[ \t]*$/;
const SEPARATOR = /^[ \t]+-{20,}[ \t]*$/;

export const freeswitchReader: DialectReader = {
  dialect: 'freeswitch',
  detect(lines: TextLines, scanLimit: number): number {
    return countMatches(lines, scanLimit, HEADER) * 3;
  },
  extract(lines: TextLines, findings: Finding[]): ExtractedMessage[] {
    const out: ExtractedMessage[] = [];
    let day: number | null = null;
    let i = 0;
    while (i < lines.count) {
      const text = lines.text(i);
      const h = HEADER.exec(text);
      if (!h) {
        const d = leadingDate(text);
        if (d !== null) day = d;
        i++;
        continue;
      }
      let from = i + 1;
      if (from < lines.count && SEPARATOR.test(lines.text(from))) from++;
      let limit = from;
      while (limit < lines.count && !SEPARATOR.test(lines.text(limit)) && !HEADER.test(lines.text(limit))) limit++;
      // Undo the logger's layout: drop the three-space indent, give every line back its CRLF.
      const view = new RebuiltLines();
      for (let k = from; k < limit; k++) {
        const t = lines.text(k);
        view.push(t.startsWith('   ') ? t.slice(3) : t.trimStart(), '\r\n', k + 1);
      }
      const peer = parseEndpoint(h[5]);
      const tod = parseTimeOfDay(h[6]);
      const msg = messageInBlock(view, 0, view.count, {
        time: day !== null && tod !== null ? day + tod : null,
        transport: transportOf(h[4]),
        src: h[3] === 'from' ? peer : null,
        dst: h[3] === 'to' ? peer : null,
        declaredLength: Number(h[2]),
        headerLine: i + 1,
      }, findings, 'FreeSWITCH siptrace');
      if (msg) out.push(msg);
      i = limit < lines.count && SEPARATOR.test(lines.text(limit)) ? limit + 1 : limit;
    }
    return out;
  },
};
