// Wireshark / tshark "Follow UDP/TCP stream" as ASCII text (`tshark -q -z follow,udp,ascii,0`): a header
// ("Follow: udp,ascii", "Node 0: a:p", "Node 1: b:p"), then per chunk a byte count (tab-indented when Node 1 sent it)
// and that many bytes of data. UDP chunks are datagrams; TCP chunks are reassembled per direction. No timestamps.
import type { Finding } from '../../model/finding';
import type { Endpoint } from '../../model/packet';
import type { DialectReader, ExtractedMessage, MessageMeta } from '../extractedMessage';
import { transportOf } from '../extractedMessage';
import { parseEndpoint } from '../endpoints';
import { takeBytes } from '../sipLines';
import { StreamLines } from '../streamLines';
import { RebuiltLines, type TextLines } from '../textLines';
import { countMatches, messageInBlock } from './blockHelpers';

const FOLLOW = /^Follow: ([a-z0-9]+),ascii[ \t]*$/;
const NODE = /^Node ([01]): (.+)$/;
const CHUNK = /^(\t?)(\d+)$/;
const RULE = /^={20,}[ \t]*$/;

export const followStreamReader: DialectReader = {
  dialect: 'follow-stream',
  detect(lines: TextLines, scanLimit: number): number {
    // Only a "Follow:" header makes the byte-count lines chunk headers.
    const headers = countMatches(lines, scanLimit, FOLLOW);
    return headers === 0 ? 0 : headers * 6 + countMatches(lines, scanLimit, NODE) + countMatches(lines, scanLimit, CHUNK) * 3;
  },
  extract(lines: TextLines, findings: Finding[]): ExtractedMessage[] {
    const out: ExtractedMessage[] = [];
    let i = 0;
    while (i < lines.count) {
      const f = FOLLOW.exec(lines.text(i));
      if (!f) { i++; continue; }
      const transport = transportOf(f[1]);
      const nodes: (Endpoint | null)[] = [null, null];
      i++;
      while (i < lines.count && !CHUNK.test(lines.text(i)) && !RULE.test(lines.text(i))) {
        const n = NODE.exec(lines.text(i));
        if (n) nodes[Number(n[1])] = parseEndpoint(n[2]);
        i++;
      }
      const streams = [new StreamLines(), new StreamLines()];
      while (i < lines.count && !RULE.test(lines.text(i))) {
        const c = CHUNK.exec(lines.text(i));
        if (!c) { i++; continue; }
        const node = c[1] ? 1 : 0;
        const size = Number(c[2]);
        const meta: MessageMeta = { transport, src: nodes[node], dst: nodes[1 - node], headerLine: i + 1 };
        const chunk = takeBytes(lines, i + 1, size, lines.count);
        if (!chunk) {
          findings.push({ code: 'trace.length-mismatch', severity: 'warning', message: `The follow-stream chunk announces ${size} bytes, but the text after it does not end a line at that size; the rest of the stream is not read.`, source: { line: i + 1, endLine: i + 1 } });
          break;
        }
        if (transport === 'UDP' || transport === 'SCTP') {
          const view = new RebuiltLines();
          for (let k = i + 1; k < chunk.end; k++) {
            let term = lines.term(k);
            if (k === chunk.end - 1) term = term.slice(0, term.length - chunk.dropTail);
            view.push(lines.text(k), term, k + 1);
          }
          const msg = messageInBlock(view, 0, view.count, meta, findings, 'follow-stream');
          if (msg) out.push(msg);
        } else {
          const s = streams[node];
          for (let k = i + 1; k < chunk.end; k++) {
            let term = lines.term(k);
            if (k === chunk.end - 1) term = term.slice(0, term.length - chunk.dropTail);
            s.push(lines.text(k), term, k + 1, meta);
          }
          s.take(false, out);
        }
        i = chunk.end;
      }
      for (const s of streams) s.take(true, out);
    }
    return out.sort((a, b) => a.line - b.line);
  },
};
