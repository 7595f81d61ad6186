// `ngrep -W byline` output: "U 127.0.0.1:5060 -> 127.0.0.1:5061 #3" (with -t a date and time after the protocol
// letter), then the payload one line per line, each non-printable byte shown as '.', so every CRLF line ends in '.'.
// ngrep -t prints local time: read as UTC. TCP payloads ("T … [AP]") are reassembled per direction.
import type { Finding } from '../../model/finding';
import type { DialectReader, ExtractedMessage } from '../extractedMessage';
import { parseEndpoint } from '../endpoints';
import { parseDateTime } from '../logTime';
import { StreamLines } from '../streamLines';
import { RebuiltLines, type TextLines } from '../textLines';
import { countMatches, messageInBlock } from './blockHelpers';

const HEADER = /^([UTI]) (?:(\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d(?:\.\d+)?) )?(?:\+\d+\.\d+ )?([^ ]+) -> ([^ ]+)(?: \[[A-Za-z.]*\])?(?: #\d+)?[ \t]*$/;

export const ngrepReader: DialectReader = {
  dialect: 'ngrep',
  detect(lines: TextLines, scanLimit: number): number {
    return countMatches(lines, scanLimit, HEADER) * 3;
  },
  extract(lines: TextLines, findings: Finding[]): ExtractedMessage[] {
    const out: ExtractedMessage[] = [];
    const streams = new Map<string, StreamLines>();
    let i = 0;
    while (i < lines.count) {
      const h = HEADER.exec(lines.text(i));
      if (!h) { i++; continue; }
      let limit = i + 1;
      while (limit < lines.count && !HEADER.test(lines.text(limit))) limit++;
      let last = limit;
      while (last > i + 1 && lines.text(last - 1).length === 0) last--;
      // Most lines ending in '.' means the payload used CRLF: the '.' is the CR.
      let dotted = 0;
      for (let k = i + 1; k < last; k++) if (lines.text(k).endsWith('.')) dotted++;
      const crlf = dotted * 2 >= last - i - 1;
      const view = new RebuiltLines();
      for (let k = i + 1; k < last; k++) {
        const t = lines.text(k);
        const isLast = k === last - 1;
        if (crlf && t.endsWith('.')) view.push(t.slice(0, -1), '\r\n', k + 1);
        else view.push(t, isLast ? '' : '\n', k + 1);
      }
      const meta = {
        time: h[2] ? parseDateTime(h[2].replace(/\//g, '-')) : null,
        src: parseEndpoint(h[3]),
        dst: parseEndpoint(h[4]),
        transport: h[1] === 'T' ? 'TCP' as const : h[1] === 'U' ? 'UDP' as const : null,
        headerLine: i + 1,
      };
      if (h[1] === 'T') {
        const key = `${h[3]}>${h[4]}`;
        let s = streams.get(key);
        if (!s) { s = new StreamLines(); streams.set(key, s); }
        for (let k = 0; k < view.count; k++) s.push(view.text(k), view.term(k), view.sourceLine(k), meta);
        s.take(false, out);
      } else if (view.count > 0) {
        const msg = messageInBlock(view, 0, view.count, meta, findings, 'ngrep');
        if (msg) out.push(msg);
      }
      i = limit;
    }
    for (const s of streams.values()) s.take(true, out);
    return out.sort((a, b) => a.line - b.line);
  },
};
