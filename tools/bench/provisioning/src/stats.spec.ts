import { percentile, summarize } from './stats';

describe('percentile (nearest rank)', () => {
  const twenty = Array.from({ length: 20 }, (_, i) => 20 - i); // 20..1, unsorted on purpose

  it('p50 of 20 samples is the 10th smallest, p95 the 19th', () => {
    expect(percentile(twenty, 50)).toBe(10);
    expect(percentile(twenty, 95)).toBe(19);
    expect(percentile(twenty, 100)).toBe(20);
  });

  it('one sample is every percentile; none is NaN', () => {
    expect(percentile([0.4], 95)).toBe(0.4);
    expect(percentile([], 50)).toBeNaN();
  });

  it('summarize rounds to the millisecond', () => {
    expect(summarize([0.1234, 0.2, 0.3])).toEqual({
      n: 3,
      p50: 0.2,
      p95: 0.3,
      min: 0.123,
      max: 0.3,
      mean: 0.208,
    });
  });
});
