/**
 * RFC 3339 date-times as agents send them and ingest stores them: a full
 * date, a time (seconds required, up to nine fraction digits) and an offset
 * (`Z` or `+hh:mm`/`-hh:mm`), so the instant is unambiguous. Checked field by
 * field, calendar included (no 30 February, no hour 24, no second 60:
 * JavaScript's Date would take some of these and roll them over).
 */
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:Z|([+-])(\d{2}):(\d{2}))$/i;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;
/** 400 Gregorian years, in ms: Date.UTC reads years 0-99 as 1900-1999, so those are shifted by this. */
const FOUR_CENTURIES_MS = 146_097 * 86_400_000;

function daysIn(year: number, month: number): number {
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return month === 2 && leap ? 29 : (DAYS_IN_MONTH[month - 1] ?? 0);
}

/** The instant (epoch ms; fraction digits past the third are dropped) of an RFC 3339 date-time, or undefined. */
export function parseRfc3339(text: string): number | undefined {
  const m = DATE_TIME.exec(text);
  if (m === null) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  let offsetMinutes = 0;
  if (m[8] !== undefined) {
    const offsetHour = Number(m[9]);
    const offsetMinute = Number(m[10]);
    if (offsetHour > 23 || offsetMinute > 59) return undefined;
    offsetMinutes = (m[8] === '-' ? -1 : 1) * (offsetHour * 60 + offsetMinute);
  }
  const ms = Number((m[7] ?? '').padEnd(3, '0').slice(0, 3));
  const early = year < 100;
  const utc = Date.UTC(early ? year + 400 : year, month - 1, day, hour, minute, second, ms);
  return (early ? utc - FOUR_CENTURIES_MS : utc) - offsetMinutes * 60_000;
}
