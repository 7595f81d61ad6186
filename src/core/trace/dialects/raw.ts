// Plain SIP messages, CRLF or LF, one after another: separated by blank lines, by delimiter lines (----, ====, ####),
// or by nothing but Content-Length. The fallback dialect: text lines between messages are skipped.
import type { Finding } from '../../model/finding';
import type { DialectReader, ExtractedMessage } from '../extractedMessage';
import { fromView } from '../extractedMessage';
import { isHeaderLine, isStartLine, takeMessage } from '../sipLines';
import type { TextLines } from '../textLines';

// A line of one repeated punctuation character (at least 3), e.g. "-----" or "=====": a hand-made delimiter.
const DELIMITER = /^[ \t]*([-=#*_~+])\1{2,}[ \t]*$/;

export const rawReader: DialectReader = {
  dialect: 'raw',
  detect(lines: TextLines, scanLimit: number): number {
    let n = 0;
    const last = Math.min(lines.count - 1, scanLimit);
    for (let i = 0; i < last; i++) if (isStartLine(lines.text(i)) && isHeaderLine(lines.text(i + 1))) n++;
    return n;
  },
  extract(lines: TextLines, _findings: Finding[]): ExtractedMessage[] {
    // nextDelimiter[i] = first delimiter line at or after i (one backward pass keeps this linear).
    const nextDelimiter = new Int32Array(lines.count + 1);
    nextDelimiter[lines.count] = lines.count;
    for (let i = lines.count - 1; i >= 0; i--) nextDelimiter[i] = DELIMITER.test(lines.text(i)) ? i : nextDelimiter[i + 1];
    const out: ExtractedMessage[] = [];
    let i = 0;
    while (i < lines.count) {
      if (!isStartLine(lines.text(i))) { i++; continue; }
      const extent = takeMessage(lines, i, nextDelimiter[i + 1 <= lines.count ? i + 1 : lines.count]);
      const end = Math.max(extent.end, i + 1);
      out.push(fromView(lines, i, end, extent.dropTail, {}));
      i = end;
    }
    return out;
  },
};
