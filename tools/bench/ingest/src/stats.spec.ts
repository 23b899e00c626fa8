import { percentile, rate, summarizeMs } from './stats';

describe('stats', () => {
  it('takes the nearest rank', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i); // 100..1, unsorted
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile(values, 100)).toBe(100);
    expect(percentile([7], 1)).toBe(7);
    expect(percentile([], 50)).toBeNaN();
  });

  it('summarizes milliseconds and rates', () => {
    expect(summarizeMs([1, 2, 3, 4])).toEqual({ n: 4, p50: 2, p95: 4, p99: 4, max: 4, mean: 2.5 });
    expect(summarizeMs([]).n).toBe(0);
    expect(rate(500, 2_000)).toBe(250);
    expect(rate(1, 0)).toBeNaN();
  });
});
