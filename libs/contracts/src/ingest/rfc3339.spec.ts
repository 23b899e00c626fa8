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
    ['a dot without fraction digits', '2026-06-01T12:00:00.Z'],
    ['a letter in the year', '2O26-06-01T12:00:00Z'],
    ['a sign in the month', '2026-+6-01T12:00:00Z'],
    ['a truncated offset', '2026-06-01T12:00:00+02:0'],
    ['an offset without colon', '2026-06-01T12:00:00+0200'],
    ['an offset and a Z', '2026-06-01T12:00:00+02:00Z'],
    ['a fraction after the offset', '2026-06-01T12:00:00Z.5'],
  ])('refuses %s (%s)', (_what, text) => {
    expect(parseRfc3339(text)).toBeUndefined();
  });
});

/** The definition as a regular expression (the parser reads it by position, for speed). */
const REFERENCE =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:[Zz]|[+-](\d{2}):(\d{2}))$/;

describe('parseRfc3339 against the grammar', () => {
  it('accepts exactly the strings of the grammar that name a real instant, over mutations of valid ones', () => {
    const seeds = ['2026-06-01T12:00:00Z', '2024-02-29T23:59:59.123456+05:30', '1999-12-31t00:00:00.5-11:45'];
    const alphabet = '0123456789-:.TZtz+ ';
    let seed = 7;
    const next = (n: number): number => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed % n;
    };
    for (let i = 0; i < 20_000; i++) {
      let text = seeds[next(seeds.length)] ?? '';
      for (let edits = 1 + next(3); edits > 0; edits--) {
        const at = next(text.length + 1);
        const op = next(3);
        const c = alphabet[next(alphabet.length)] ?? '';
        text =
          op === 0
            ? text.slice(0, at) + c + text.slice(at + 1)
            : op === 1
              ? text.slice(0, at) + c + text.slice(at)
              : text.slice(0, at) + text.slice(at + 1);
      }
      const parsed = parseRfc3339(text);
      const fields = REFERENCE.exec(text);
      if (fields === null) {
        expect([text, parsed]).toEqual([text, undefined]);
        continue;
      }
      const [year, month, day, hour, minute, second, , offsetHour = 0, offsetMinute = 0] = fields
        .slice(1)
        .map((f) => (f === undefined ? undefined : Number(f)));
      const monthDays = new Date(Date.UTC(2000 + ((year ?? 0) % 400), month ?? 0, 0)).getUTCDate();
      const inRange =
        month! >= 1 &&
        month! <= 12 &&
        day! >= 1 &&
        day! <= monthDays &&
        hour! <= 23 &&
        minute! <= 59 &&
        second! <= 59 &&
        offsetHour <= 23 &&
        offsetMinute <= 59;
      // In the grammar: accepted exactly when every field is in range, as the instant Date reads.
      expect([text, parsed !== undefined]).toEqual([text, inRange]);
      if (inRange && year! >= 100) expect([text, parsed]).toEqual([text, Date.parse(text)]);
    }
  });
});
