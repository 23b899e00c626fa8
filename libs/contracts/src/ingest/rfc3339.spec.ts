import { parseRfc3339 } from './rfc3339';

describe('parseRfc3339', () => {
  it.each([
    ['2026-06-01T12:00:00Z', '2026-06-01T12:00:00.000Z'],
    ['2026-06-01T14:00:00+02:00', '2026-06-01T12:00:00.000Z'],
    ['2026-06-01T09:30:00-02:30', '2026-06-01T12:00:00.000Z'],
    ['2026-06-01t12:00:00.5z', '2026-06-01T12:00:00.500Z'],
    ['2026-06-01T12:00:00.123456789Z', '2026-06-01T12:00:00.123Z'],
    ['2024-02-29T00:00:00Z', '2024-02-29T00:00:00.000Z'],
    ['2000-02-29T23:59:59Z', '2000-02-29T23:59:59.000Z'],
    ['0050-03-01T00:00:00Z', '0050-03-01T00:00:00.000Z'],
  ])('reads %s as %s, as Date does for a valid one', (text, iso) => {
    const ms = parseRfc3339(text);
    expect(ms).toBeDefined();
    expect(new Date(ms ?? Number.NaN).toISOString()).toBe(iso);
    if (!text.startsWith('0050')) expect(ms).toBe(Date.parse(text));
  });

  it.each([
    ['a day the month does not have', '2026-02-30T12:00:00Z'],
    ['29 February of a common year', '2026-02-29T12:00:00Z'],
    ['29 February of a century that is not a leap year', '1900-02-29T12:00:00Z'],
    ['31 April', '2026-04-31T12:00:00Z'],
    ['month 13', '2026-13-01T12:00:00Z'],
    ['month 0', '2026-00-10T12:00:00Z'],
    ['day 0', '2026-01-00T12:00:00Z'],
    ['hour 24', '2026-01-01T24:00:00Z'],
    ['minute 60', '2026-01-01T23:60:00Z'],
    ['a leap second', '2026-12-31T23:59:60Z'],
    ['an offset of 24 hours', '2026-01-01T12:00:00+24:00'],
    ['offset minutes 60', '2026-01-01T12:00:00+01:60'],
    ['no offset', '2026-06-01T12:00:00'],
    ['a date only', '2026-06-01'],
    ['no seconds', '2026-06-01T12:00Z'],
    ['ten fraction digits', '2026-06-01T12:00:00.1234567890Z'],
    ['a space for the T', '2026-06-01 12:00:00Z'],
    ['trailing text', '2026-06-01T12:00:00Z '],
    ['an empty string', ''],
  ])('refuses %s (%s)', (_what, text) => {
    expect(parseRfc3339(text)).toBeUndefined();
  });
});
