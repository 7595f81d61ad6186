// The dialog picker's query: words that must all appear in an entry's text (Call-ID, URIs, users, methods,
// statuses), and at most one time range, `time:<from>..<to>`, that an entry's messages must overlap. A bound is a
// time of day in UTC (`12:00`, `12:00:05`, `12:00:05.250`, on the trace's first day, or the day after when that is
// wholly earlier than the trace start: a capture across midnight), a UTC date and time (`2026-11-25T12:00:05Z`), or seconds
// from the trace start (`+3`, `+3.5`, as the diagram's time offsets show them). Either bound may be left out;
// `-` may stand for `..` where that is not ambiguous (`12:00-12:05`, `+1-+3`). No vscode import.

export interface SearchQuery {
  /** Lower-cased words. */
  words: string[];
  /** Epoch seconds, inclusive; null when no range was asked for. */
  range: { from: number; to: number } | null;
  /** Why a `time:` word was not understood (then no entry matches). */
  problem: string | null;
}

const TIME_WORD = /^time:(.*)$/i;
const CLOCK = /^(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?Z?$/i;
const OFFSET = /^\+(\d+(?:\.\d+)?)$/;
const DAY = 86_400;

export const TIME_RANGE_HELP = 'time:12:00:05..12:00:30 (UTC), time:+3..+10 (seconds from the trace start) or time:2026-11-25T12:00Z..';

/** One bound in epoch seconds, or null when not understood; `start` is the trace's first message time. */
function parseBound(text: string, start: number | null): number | null {
  const offset = OFFSET.exec(text);
  if (offset) return start === null ? null : start + Number(offset[1]);
  const full = DATE_TIME.exec(text);
  if (full) {
    const [, y, mo, d, h, mi, s, frac] = full;
    if (Number(mo) < 1 || Number(mo) > 12 || Number(d) < 1 || Number(d) > 31 || Number(h) > 23 || Number(mi) > 59 || Number(s ?? 0) > 59) return null;
    return Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s ?? 0)) / 1000 + fraction(frac);
  }
  const clock = CLOCK.exec(text);
  if (clock && start !== null) {
    const [, h, mi, s, frac] = clock;
    if (Number(h) > 23 || Number(mi) > 59 || Number(s ?? 0) > 59) return null;
    const day = Math.floor(start / DAY) * DAY;
    const at = day + Number(h) * 3600 + Number(mi) * 60 + Number(s ?? 0) + fraction(frac);
    // A time of day (minute or second) wholly before the trace's first message is the next day's (a capture across
    // midnight).
    return at + granularity(text) < start ? at + DAY : at;
  }
  return null;
}

function fraction(digits: string | undefined): number {
  return digits ? Number(`0.${digits}`) : 0;
}

/** The two sides of a range: `..`, or the one `-` that leaves two readable bounds; a bare bound is its own span. */
function splitRange(body: string, start: number | null): [number, number] | null {
  const sides: Array<[string, string]> = [];
  const dots = body.indexOf('..');
  if (dots >= 0) sides.push([body.slice(0, dots), body.slice(dots + 2)]);
  else {
    for (let k = body.indexOf('-'); k >= 0; k = body.indexOf('-', k + 1)) sides.push([body.slice(0, k), body.slice(k + 1)]);
    sides.push([body, body]); // time:12:00:05 is that second
  }
  const readable: Array<[number, number]> = [];
  for (const [a, b] of sides) {
    const from = a === '' ? -Infinity : parseBound(a, start);
    const to = b === '' ? Infinity : parseBound(b, start);
    if (from === null || to === null) continue;
    // An upper bound written to the minute or second covers all of it: ..12:05 takes 12:05:59.
    readable.push([from, to + granularity(b)]);
  }
  return readable.length === 1 ? readable[0] : null;
}

/** The span a written bound stands for: `12:05` is the whole minute, `12:05:30` the whole second, `+3.5` an instant. */
function granularity(text: string): number {
  if (text === '' || OFFSET.test(text)) return 0;
  const clock = CLOCK.exec(text) ?? DATE_TIME.exec(text);
  if (!clock) return 0;
  const groups = clock.length === 5 ? [clock[3], clock[4]] : [clock[6], clock[7]];
  if (groups[1] !== undefined) return 0;
  return groups[0] !== undefined ? 1 - 1e-9 : 60 - 1e-9;
}

export function parseSearchQuery(query: string, traceStart: number | null): SearchQuery {
  const words: string[] = [];
  let range: SearchQuery['range'] = null;
  let problem: string | null = null;
  for (const word of query.split(/\s+/)) {
    if (word === '') continue;
    const time = TIME_WORD.exec(word);
    if (!time) {
      words.push(word.toLowerCase());
      continue;
    }
    const sides = time[1] === '' ? null : splitRange(time[1], traceStart);
    if (sides === null || range !== null) {
      problem = range !== null ? 'Only one time: range at a time.' : `"${word}" is not a time range: try ${TIME_RANGE_HELP}.`;
      continue;
    }
    range = { from: sides[0], to: sides[1] };
  }
  return { words, range, problem };
}

/** True when a span of message times [first, last] overlaps the query's range (no range: always). */
export function inRange(query: SearchQuery, first: number | null, last: number | null): boolean {
  if (!query.range) return true;
  if (first === null || last === null) return false;
  return first <= query.range.to && last >= query.range.from;
}
