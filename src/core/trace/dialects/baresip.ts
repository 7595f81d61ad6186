// baresip / libre SIP trace (`baresip -s`, or `sip_trace yes`): a line "#" (in cyan: ESC[36;1m), a line
// "UDP 127.0.0.1:5060 -> 127.0.0.1:5070", the message bytes, and ESC[;m ending the colour. No timestamps.
import type { Finding } from '../../model/finding';
import type { DialectReader, ExtractedMessage } from '../extractedMessage';
import { transportOf } from '../extractedMessage';
import { parseEndpoint } from '../endpoints';
import { RebuiltLines, type TextLines } from '../textLines';
import { messageInBlock } from './blockHelpers';

// The mark may follow the colour reset of the previous coloured log line: "ESC[;mESC[36;1m#".
const MARK = /^(?:\x1b\[[0-9;]*m)*#[ \t]*$/;
const ADDRESSES = /^([A-Za-z]+) ([^ ]+) -> ([^ ]+)[ \t]*$/;
const RESET = '\x1b[;m';

export const baresipReader: DialectReader = {
  dialect: 'baresip',
  detect(lines: TextLines, scanLimit: number): number {
    let n = 0;
    const last = Math.min(lines.count - 1, scanLimit);
    for (let i = 0; i < last; i++) if (MARK.test(lines.text(i)) && ADDRESSES.test(lines.text(i + 1))) n++;
    return n * 3;
  },
  extract(lines: TextLines, findings: Finding[]): ExtractedMessage[] {
    const out: ExtractedMessage[] = [];
    let i = 0;
    while (i + 1 < lines.count) {
      const a = MARK.test(lines.text(i)) ? ADDRESSES.exec(lines.text(i + 1)) : null;
      if (!a) { i++; continue; }
      const view = new RebuiltLines();
      let k = i + 2;
      for (; k < lines.count; k++) {
        const t = lines.text(k);
        if (t.startsWith(RESET)) break;
        const reset = t.indexOf(RESET);
        if (reset >= 0) { view.push(t.slice(0, reset), '', k + 1); k++; break; }
        if (MARK.test(t) && k + 1 < lines.count && ADDRESSES.test(lines.text(k + 1))) break;
        view.push(t, lines.term(k), k + 1);
      }
      const msg = messageInBlock(view, 0, view.count, {
        transport: transportOf(a[1]),
        src: parseEndpoint(a[2]),
        dst: parseEndpoint(a[3]),
        headerLine: i + 2,
      }, findings, 'baresip');
      if (msg) out.push(msg);
      i = Math.max(k, i + 2);
    }
    return out;
  },
};
