// Splits a header value holding a comma-separated list (RFC 3261 §7.3.1) into its elements.
import { skipWsp, trimWspEnd } from './charClasses';

/**
 * Splits on commas that are outside quoted strings and outside `<...>`, trimming SP/HTAB around each element.
 * A backslash inside a quoted string escapes the next char (quoted-pair). Empty elements are dropped unless
 * `keepEmpty` is set (parsers that must report `a,,b` as malformed ask for them).
 */
export function splitHeaderValues(value: string, keepEmpty = false): string[] {
  const out: string[] = [];
  let inQuotes = false;
  let angle = 0;
  let start = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (inQuotes) {
      if (c === 0x5c) i++;               // quoted-pair
      else if (c === 0x22) inQuotes = false;
    } else if (c === 0x22) inQuotes = true;
    else if (c === 0x3c) angle++;
    else if (c === 0x3e) { if (angle > 0) angle--; }
    else if (c === 0x2c && angle === 0) {
      push(value.slice(start, i));
      start = i + 1;
    }
  }
  push(value.slice(start));
  return out;

  function push(part: string): void {
    const a = skipWsp(part, 0);
    const t = part.slice(a, trimWspEnd(part, a, part.length));
    if (t.length > 0 || keepEmpty) out.push(t);
  }
}
