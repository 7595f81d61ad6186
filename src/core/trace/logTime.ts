// Timestamps as text logs write them. Most tools log local wall-clock time with no zone: siptrail reads such a
// time as if it were UTC (so two logs from one machine stay comparable) and says so in each dialect's notes.
// Absolute epoch times (tshark -V "Epoch Time", Kamailio sipdump "time:") need no such assumption.

const MONTHS: Record<string, number> = { jan: 0, feb: 1, mar: 2, apr: 3, may: 4, jun: 5, jul: 6, aug: 7, sep: 8, oct: 9, nov: 10, dec: 11 };

/** Seconds since the epoch for a wall-clock time read as UTC; `fraction` is the digits after the decimal point. */
export function wallClockAsUtc(year: number, month0: number, day: number, hour: number, minute: number, second: number, fraction = ''): number | null {
  if (!(month0 >= 0 && month0 < 12 && day >= 1 && day <= 31 && hour < 24 && minute < 60 && second < 61)) return null;
  const ms = Date.UTC(year, month0, day, hour, minute, second);
  if (!Number.isFinite(ms)) return null;
  return ms / 1000 + (fraction ? Number('0.' + fraction) : 0);
}

// 2026-11-25 11:53:35.464043, 2026/11/25 11:53:35.464043, 2026-11-25T11:53:35.464Z, 2026-11-25 11:53:35:464 (belle-sip)
const DATE_TIME = /^(\d{4})[-/](\d\d)[-/](\d\d)[ T\t](\d\d):(\d\d):(\d\d)(?:[.:,](\d{1,9}))?(Z|[+-]\d\d:?\d\d)?$/;

/** Parses a date-and-time as logs write it; a zone suffix (Z, +hh:mm) is honoured, no suffix means local time read as UTC. */
export function parseDateTime(text: string): number | null {
  const m = DATE_TIME.exec(text.trim());
  if (!m) return null;
  const t = wallClockAsUtc(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]), m[7] ?? '');
  if (t === null) return null;
  const zone = m[8];
  if (!zone || zone === 'Z') return t;
  const sign = zone[0] === '-' ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  return t - sign * (Number(digits.slice(0, 2)) * 3600 + Number(digits.slice(2, 4)) * 60);
}

/** Seconds since midnight for `HH:MM:SS[.frac]`, or null. */
export function parseTimeOfDay(text: string): number | null {
  const m = /^(\d\d):(\d\d):(\d\d)(?:[.:](\d{1,9}))?$/.exec(text.trim());
  if (!m) return null;
  const h = Number(m[1]);
  const mi = Number(m[2]);
  const s = Number(m[3]);
  if (h > 23 || mi > 59 || s > 60) return null;
  return h * 3600 + mi * 60 + s + (m[4] ? Number('0.' + m[4]) : 0);
}

/** Midnight (UTC reading) of the date at the start of a log line such as `2026-11-25 11:53:35.464 [NOTICE] …`, or null. */
export function leadingDate(line: string): number | null {
  const m = /^(\d{4})-(\d\d)-(\d\d)[ T]/.exec(line);
  if (!m) return null;
  return wallClockAsUtc(Number(m[1]), Number(m[2]) - 1, Number(m[3]), 0, 0, 0);
}

/** Month index of an English month abbreviation (Asterisk, tshark "Arrival Time"), or -1. */
export function monthIndex(abbrev: string): number {
  return MONTHS[abbrev.slice(0, 3).toLowerCase()] ?? -1;
}

/** Epoch seconds written as decimal text (`1795607615.464044000`), or null. */
export function parseEpoch(text: string): number | null {
  const s = text.trim();
  if (!/^\d{1,12}(?:\.\d{1,9})?$/.test(s)) return null;
  return Number(s);
}
