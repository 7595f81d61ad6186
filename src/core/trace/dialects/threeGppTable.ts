// 3GPP-specification example tables (TS 24.229, TS 24.237 …): a caption "Table x.y-z: SIP REFER request (UE-1 to …)",
// the start line, header lines often separated by blank lines (Word tables pasted as text), headers that continue
// after "Content-Length: 0", and explanatory paragraphs right after the message ("Request-URI:" / "contains …").
import type { Finding } from '../../model/finding';
import type { DialectReader, ExtractedMessage } from '../extractedMessage';
import { fromView } from '../extractedMessage';
import { isFoldedLine, isHeaderLine, isStartLine } from '../sipLines';
import { RebuiltLines, type TextLines } from '../textLines';

// Word exports put no-break spaces (U+00A0) where the specification has "Table&nbsp;4.7…": \s matches them.
const CAPTION = /^\s*Table\s+[0-9A-Z][^\s:]*\s*:\s*(.*)$/;
const NBSP = /\u00a0/g;

/** A line as the specification meant it: no-break spaces read as spaces. */
function plain(lines: TextLines, i: number): string {
  const t = lines.text(i);
  return t.includes('\u00a0') ? t.replace(NBSP, ' ') : t;
}
const SDP_LINE = /^[a-z]=/;
/** Names that the specifications explain after a message but that are not header fields. */
const EXPLANATION_NAMES = new Set(['request-uri', 'status-line', 'request-line', 'sdp', 'note', 'editor\'s note']);

/** "SIP REFER request (UE-1 to Intermediate IM CN subsystem entities)" → from UE-1, to the rest. */
export function captionDirection(caption: string): { from: string | null; to: string | null } {
  const close = caption.lastIndexOf(')');
  const open = close > 0 ? caption.lastIndexOf('(', close) : -1;
  if (open < 0) return { from: null, to: null };
  const inner = caption.slice(open + 1, close);
  const sep = inner.indexOf(' to ');
  if (sep < 0) return { from: null, to: null };
  const from = inner.slice(0, sep).trim();
  const to = inner.slice(sep + 4).trim();
  return { from: from || null, to: to || null };
}

function nextNonBlank(lines: TextLines, from: number): number {
  let i = from;
  while (i < lines.count && lines.text(i).trim().length === 0) i++; // trim() also drops U+00A0
  return i;
}

export const threeGppTableReader: DialectReader = {
  dialect: '3gpp-table',
  detect(lines: TextLines, scanLimit: number): number {
    let score = 0;
    const last = Math.min(lines.count, scanLimit);
    for (let i = 0; i < last; i++) {
      const t = plain(lines, i);
      if (CAPTION.test(t) && /\bSIP\b/.test(t)) score += 5;
      else if (isStartLine(t) && i + 2 < lines.count && lines.text(i + 1).trim() === '' && isHeaderLine(lines.text(i + 2))) score += 2;
    }
    return score;
  },
  extract(lines: TextLines, _findings: Finding[]): ExtractedMessage[] {
    const out: ExtractedMessage[] = [];
    let caption: { text: string; line: number } | null = null;
    let i = 0;
    while (i < lines.count) {
      const t = plain(lines, i);
      const c = CAPTION.exec(t);
      if (c) { caption = { text: t.trim(), line: i }; i++; continue; }
      if (!isStartLine(t.trim())) { i++; continue; }
      const view = new RebuiltLines();
      view.push(t.trim(), '\r\n', i + 1);
      let j = i + 1;
      let lastTaken = i;
      for (;;) {
        const k = nextNonBlank(lines, j);
        if (k >= lines.count) break;
        const h = plain(lines, k);
        if (isFoldedLine(h) && k === j && view.count > 1) { view.push(h, '\r\n', k + 1); lastTaken = k; j = k + 1; continue; }
        const line = h.trim();
        if (!isHeaderLine(line) || isStartLine(line)) break;
        const colon = line.indexOf(':');
        const name = line.slice(0, colon).trim().toLowerCase();
        if (EXPLANATION_NAMES.has(name)) break;
        if (line.slice(colon + 1).trim() === '') {
          // An empty value followed by prose ("Refer-To:" / "contains the URI of UE-3.") is an explanation, not a header.
          const after = nextNonBlank(lines, k + 1);
          if (after >= lines.count || !isHeaderLine(plain(lines, after).trim())) break;
        }
        view.push(line, '\r\n', k + 1);
        lastTaken = k;
        j = k + 1;
      }
      // Body: SDP lines (v=, o=, …), blank lines between them dropped as between headers.
      const b = nextNonBlank(lines, j);
      const bodyStart = view.count;
      view.push('', '\r\n', lastTaken + 1);
      if (b < lines.count && SDP_LINE.test(plain(lines, b).trim())) {
        let k = b;
        while (k < lines.count) {
          const s = plain(lines, k).trim();
          if (s.length === 0) { k++; continue; }
          if (!SDP_LINE.test(s)) break;
          view.push(s, '\r\n', k + 1);
          lastTaken = k;
          k++;
        }
        j = k;
      }
      const msg = fromView(view, 0, view.count, 0, {});
      msg.endLine = lastTaken + 1;
      if (view.count === bodyStart + 1) msg.lineMap[bodyStart] = lastTaken + 1;
      if (caption && i - caption.line <= 8) msg.caption = { text: caption.text, ...captionDirection(caption.text) };
      caption = null;
      out.push(msg);
      i = Math.max(j, i + 1);
    }
    return out;
  },
};
