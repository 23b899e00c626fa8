/**
 * RFC 3339 date-times as agents send them and ingest stores them: a full
 * date, a time (seconds required, up to nine fraction digits) and an offset
 * (`Z` or `+hh:mm`/`-hh:mm`), so the instant is unambiguous. Checked field by
 * field, calendar included (no 30 February, no hour 24, no second 60:
 * JavaScript's Date would take some of these and roll them over).
 */
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;
/** 400 Gregorian years, in ms: Date.UTC reads years 0-99 as 1900-1999, so those are shifted by this. */
const FOUR_CENTURIES_MS = 146_097 * 86_400_000;

function daysIn(year: number, month: number): number {
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return month === 2 && leap ? 29 : (DAYS_IN_MONTH[month - 1] ?? 0);
}

const ZERO = 48;

/** The number written by `count` ASCII digits at `at`, or -1 when any of them is not a digit. */
function digits(text: string, at: number, count: number): number {
  let value = 0;
  for (let i = at; i < at + count; i++) {
    const d = text.charCodeAt(i) - ZERO;
    // Past the end charCodeAt is NaN, which fails both comparisons.
    if (!(d >= 0 && d <= 9)) return -1;
    value = value * 10 + d;
  }
  return value;
}

/** Whether the character at `at` is `lower` or its upper case (RFC 3339 allows both for T and Z). */
function isLetter(text: string, at: number, lower: string): boolean {
  const c = text[at];
  return c === lower || c === lower.toUpperCase();
}

/**
 * The instant (epoch ms; fraction digits past the third are dropped) of an
 * RFC 3339 date-time, or undefined. Read character by character at the
 * fixed positions of `yyyy-mm-ddThh:mm:ss[.f{1,9}](Z|+hh:mm|-hh:mm)`: ingest
 * parses one per agent message, and this is several times faster than a
 * regular expression with capture groups.
 */
export function parseRfc3339(text: string): number | undefined {
  if (text.length < 20) return undefined;
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  const hour = digits(text, 11, 2);
  const minute = digits(text, 14, 2);
  const second = digits(text, 17, 2);
  if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0) return undefined;
  if (text[4] !== '-' || text[7] !== '-' || !isLetter(text, 10, 't')) return undefined;
  if (text[13] !== ':' || text[16] !== ':') return undefined;
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  let at = 19;
  let ms = 0;
  if (text[at] === '.') {
    const first = at + 1;
    at = first;
    while (at < text.length && at - first < 10 && digits(text, at, 1) >= 0) at++;
    const count = at - first;
    if (count === 0 || count > 9) return undefined;
    // Milliseconds: the first three fraction digits, right-padded with zeros.
    for (let i = 0; i < 3; i++) ms = ms * 10 + (i < count ? digits(text, first + i, 1) : 0);
  }
  let offsetMinutes = 0;
  if (isLetter(text, at, 'z')) {
    at += 1;
  } else {
    const sign = text[at];
    if (sign !== '+' && sign !== '-') return undefined;
    const offsetHour = digits(text, at + 1, 2);
    const offsetMinute = digits(text, at + 4, 2);
    if (text[at + 3] !== ':' || offsetHour < 0 || offsetMinute < 0) return undefined;
    if (offsetHour > 23 || offsetMinute > 59) return undefined;
    offsetMinutes = (sign === '-' ? -1 : 1) * (offsetHour * 60 + offsetMinute);
    at += 6;
  }
  if (at !== text.length) return undefined;
  const early = year < 100;
  const utc = Date.UTC(early ? year + 400 : year, month - 1, day, hour, minute, second, ms);
  return (early ? utc - FOUR_CENTURIES_MS : utc) - offsetMinutes * 60_000;
}
