import { histogramMeanMs, metricSum } from './prom-text';

const scrape = (sum: number, count: number): string =>
  [
    '# HELP x_seconds help',
    `x_seconds_bucket{le="0.1"} ${count}`,
    `x_seconds_sum{type="a"} ${sum / 2}`,
    `x_seconds_sum{type="b"} ${sum / 2}`,
    `x_seconds_count{type="a"} ${count}`,
    `x_seconds_count_other 99`,
  ].join('\n');

describe('prom-text', () => {
  it('sums a metric over its label sets, ignoring other names with the same prefix', () => {
    expect(metricSum(scrape(4, 10), 'x_seconds_sum')).toBe(4);
    expect(metricSum(scrape(4, 10), 'x_seconds_count')).toBe(10);
    expect(metricSum('', 'x')).toBe(0);
  });

  it('gives the mean of the observations between two scrapes in ms', () => {
    expect(histogramMeanMs(scrape(1, 10), scrape(3, 30), 'x_seconds')).toEqual({ count: 20, meanMs: 100 });
    expect(histogramMeanMs(scrape(1, 10), scrape(1, 10), 'x_seconds').meanMs).toBeNaN();
  });
});
