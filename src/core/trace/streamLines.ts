// Reassembles SIP messages from the chunks a stream transport delivers (TCP, TLS, WebSocket): chunks need not line
// up with message boundaries (RFC 3261 §18.3: on a stream, Content-Length alone frames the message).
import type { ExtractedMessage, MessageMeta } from './extractedMessage';
import { fromView } from './extractedMessage';
import { isStartLine, takeMessage } from './sipLines';
import type { LineView } from './textLines';

/** One direction of one connection: lines accumulated from chunks, each remembering its source line. */
export class StreamLines implements LineView {
  private texts: string[] = [];
  private terms: string[] = [];
  private sources: number[] = [];
  /** Source line of each line's last byte (a hex dump spreads one text line over several dump lines). */
  private endSources: number[] = [];
  private pos = 0;
  /** Metadata of the chunk that held the first byte of the pending message. */
  private pendingMeta: MessageMeta | null = null;
  private lastMeta: MessageMeta | null = null;

  get count(): number {
    return this.texts.length;
  }

  text(i: number): string {
    return this.texts[i];
  }

  term(i: number): string {
    return this.terms[i];
  }

  sourceLine(i: number): number {
    return this.sources[i];
  }

  /** Appends one line of chunk data; `term` is '' when the chunk ended inside the line. */
  push(text: string, term: string, sourceLine: number, meta: MessageMeta, endSourceLine = sourceLine): void {
    const last = this.texts.length - 1;
    if (last >= this.pos && last >= 0 && this.terms[last] === '') {
      this.texts[last] += text; // the previous chunk ended mid-line
      this.terms[last] = term;
      this.endSources[last] = endSourceLine;
    } else {
      this.texts.push(text);
      this.terms.push(term);
      this.sources.push(sourceLine);
      this.endSources.push(endSourceLine);
    }
    if (this.pendingMeta === null) this.pendingMeta = meta;
    this.lastMeta = meta;
  }

  /** Takes every complete message; with `final`, also what is left (the parser then reports what is missing). */
  take(final: boolean, out: ExtractedMessage[]): void {
    for (;;) {
      // CRLF keep-alives (RFC 5626 §4.4.1) and blank lines between messages are not messages.
      while (this.pos < this.texts.length && this.texts[this.pos].length === 0 && this.terms[this.pos] !== '') this.pos++;
      if (this.pos >= this.texts.length) break;
      const start = this.pos;
      if (!isStartLine(this.texts[start]) && (this.terms[start] !== '' || final)) {
        // Not a message start: keep it as a message anyway so the parser says what it is (nothing dropped).
        let end = start + 1;
        while (end < this.texts.length && !isStartLine(this.texts[end])) end++;
        if (end === this.texts.length && !final) break;
        out.push(fromView(this, start, end, 0, this.pendingMeta ?? {}));
        this.advance(end);
        continue;
      }
      const extent = takeMessage(this, start, this.texts.length);
      const lastTerm = this.terms[extent.end - 1];
      const complete = extent.headersEnded && !extent.bodyShort && (extent.contentLength !== null || extent.end < this.texts.length) && lastTerm !== '';
      if (!complete && !final) break;
      const end = Math.max(extent.end, start + 1);
      const msg = fromView(this, start, end, extent.dropTail, this.pendingMeta ?? {});
      msg.endLine = this.endSources[end - 1];
      out.push(msg);
      if (extent.dropTail > 0) {
        // The body ended inside a line: what follows on that line belongs to the next message.
        const cut = this.texts[end - 1].length + this.terms[end - 1].length - extent.dropTail;
        const whole = this.texts[end - 1] + this.terms[end - 1];
        const rest = whole.slice(cut);
        this.texts[end - 1] = rest.replace(/\r?\n$/, '');
        this.terms[end - 1] = rest.slice(this.texts[end - 1].length);
        this.advance(end - 1);
      } else {
        this.advance(end);
      }
    }
    if (final) this.advance(this.texts.length);
  }

  private advance(to: number): void {
    this.pos = to;
    // Bytes left over belong to the next message, which then started in the latest chunk.
    this.pendingMeta = to < this.texts.length ? this.lastMeta : null;
    // Drop consumed lines now and then so long streams do not keep everything.
    if (this.pos > 4096) {
      this.texts = this.texts.slice(this.pos);
      this.terms = this.terms.slice(this.pos);
      this.sources = this.sources.slice(this.pos);
      this.endSources = this.endSources.slice(this.pos);
      this.pos = 0;
    }
  }
}

/** Splits chunk text into lines for StreamLines.push: the last piece has term '' unless the chunk ends with LF. */
export function chunkLines(text: string): { text: string; term: string }[] {
  const out: { text: string; term: string }[] = [];
  let pos = 0;
  while (pos < text.length) {
    const lf = text.indexOf('\n', pos);
    if (lf < 0) {
      out.push({ text: text.slice(pos), term: '' });
      break;
    }
    const hasCr = lf > pos && text.charCodeAt(lf - 1) === 13;
    out.push({ text: text.slice(pos, hasCr ? lf - 1 : lf), term: hasCr ? '\r\n' : '\n' });
    pos = lf + 1;
  }
  return out;
}
