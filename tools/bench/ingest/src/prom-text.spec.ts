import { histogramMeanMs, histogramQuantileMs, jsThreadView, metricSum } from './prom-text';

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

  it('reads the event-loop delay (beyond the 10 ms sampling period) of the second scrape and the GC time between the two', () => {
    const gc = (sum: number, count: number): string[] => [
      `nodejs_gc_duration_seconds_sum{kind="minor"} ${sum}`,
      `nodejs_gc_duration_seconds_count{kind="minor"} ${count}`,
    ];
    const before = gc(0.5, 100).join('\n');
    const after = [
      'nodejs_eventloop_lag_p50_seconds 0.0101',
      'nodejs_eventloop_lag_p99_seconds 0.04213',
      'nodejs_eventloop_lag_max_seconds 0.2',
      ...gc(0.8, 150),
    ].join('\n');
    expect(jsThreadView(before, after)).toEqual({
      eventLoopDelayMs: { p50: 0.1, p99: 32.13, max: 190 },
      gc: { count: 50, totalMs: 300 },
    });
    expect(jsThreadView(before, before).eventLoopDelayMs.p99).toBeNaN();
  });

  it('interpolates a quantile inside the histogram bucket it falls in, between two scrapes', () => {
    const hist = (counts: [string, number][]): string =>
      counts.map(([le, n]) => `y_seconds_bucket{route="r",le="${le}"} ${n}`).join('\n');
    const before = hist([
      ['0.01', 5],
      ['0.05', 5],
      ['+Inf', 5],
    ]);
    const after = hist([
      ['0.01', 85],
      ['0.05', 103],
      ['+Inf', 105],
    ]);
    // 100 new observations: 80 up to 10 ms, 18 in (10, 50], 2 above.
    expect(histogramQuantileMs(before, after, 'y_seconds', 0.5)).toBe(6.25);
    expect(histogramQuantileMs(before, after, 'y_seconds', 0.9)).toBeCloseTo(32.22, 2);
    expect(histogramQuantileMs(before, after, 'y_seconds', 0.99)).toBe(50);
    expect(histogramQuantileMs(after, after, 'y_seconds', 0.5)).toBeNaN();
  });
});
