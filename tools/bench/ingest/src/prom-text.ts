/** Sum of every sample of `metric` (all label sets) in a Prometheus text exposition; 0 when absent. */
export function metricSum(text: string, metric: string): number {
  let total = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(metric)) continue;
    const rest = line.slice(metric.length);
    if (rest[0] !== ' ' && rest[0] !== '{') continue;
    const value = Number(rest.slice(rest.lastIndexOf(' ') + 1));
    if (Number.isFinite(value)) total += value;
  }
  return total;
}

/** What ingest's own histograms say happened between two scrapes: mean seconds per observation. */
export function histogramMeanMs(
  before: string,
  after: string,
  metric: string,
): { count: number; meanMs: number } {
  const count = metricSum(after, `${metric}_count`) - metricSum(before, `${metric}_count`);
  const sum = metricSum(after, `${metric}_sum`) - metricSum(before, `${metric}_sum`);
  return { count, meanMs: count === 0 ? Number.NaN : Math.round((sum / count) * 10_000) / 10 };
}

/**
 * prom-client samples the event loop with a timer of this period (its
 * eventLoopMonitoringPrecision default) and records the time between the
 * timer's runs, so 10 ms means no delay at all.
 */
export const EVENT_LOOP_SAMPLE_MS = 10;

/** An event-loop gauge in seconds as the delay beyond the sampling period, ms; NaN when absent. */
function delayMs(text: string, metric: string): number {
  const present = text
    .split('\n')
    .some((line) => line.startsWith(`${metric} `) || line.startsWith(`${metric}{`));
  return present ? beyondSampleMs(metricSum(text, metric) * 1000) : Number.NaN;
}

/** An interval of the event-loop sampler (ms) as the delay beyond its period, 0.01 ms steps. */
export function beyondSampleMs(intervalMs: number): number {
  return Math.max(0, Math.round((intervalMs - EVENT_LOOP_SAMPLE_MS) * 100) / 100);
}

/**
 * The JavaScript thread over a load: event-loop delay percentiles (prom-client's
 * nodejs_eventloop_lag_* gauges, whose histogram restarts at every scrape, so
 * `after` covers exactly the time since `before`), as the delay beyond the
 * sampling period, and garbage collection (nodejs_gc_duration_seconds, every
 * kind).
 */
export function jsThreadView(
  before: string,
  after: string,
): { eventLoopDelayMs: { p50: number; p99: number; max: number }; gc: { count: number; totalMs: number } } {
  const gc = histogramMeanMs(before, after, 'nodejs_gc_duration_seconds');
  return {
    eventLoopDelayMs: {
      p50: delayMs(after, 'nodejs_eventloop_lag_p50_seconds'),
      p99: delayMs(after, 'nodejs_eventloop_lag_p99_seconds'),
      max: delayMs(after, 'nodejs_eventloop_lag_max_seconds'),
    },
    gc: { count: gc.count, totalMs: gc.count === 0 ? 0 : Math.round(gc.count * gc.meanMs) },
  };
}

/** Cumulative bucket counts of `metric` by upper bound (all label sets summed), from one exposition. */
function buckets(text: string, metric: string): Map<number, number> {
  const byLe = new Map<number, number>();
  const prefix = `${metric}_bucket{`;
  for (const line of text.split('\n')) {
    if (!line.startsWith(prefix)) continue;
    const le = /le="([^"]+)"/.exec(line)?.[1];
    const value = Number(line.slice(line.lastIndexOf(' ') + 1));
    if (le === undefined || !Number.isFinite(value)) continue;
    const bound = le === '+Inf' ? Number.POSITIVE_INFINITY : Number(le);
    byLe.set(bound, (byLe.get(bound) ?? 0) + value);
  }
  return byLe;
}

/**
 * The q-quantile (0-1) in ms of the observations of a histogram between two
 * scrapes, interpolated inside its bucket as Prometheus' histogram_quantile
 * does: only as fine as the buckets. NaN without observations; the largest
 * finite bound when it falls in the +Inf bucket.
 */
export function histogramQuantileMs(before: string, after: string, metric: string, q: number): number {
  const start = buckets(before, metric);
  const bounds = [...buckets(after, metric)]
    .map(([le, count]) => [le, count - (start.get(le) ?? 0)] as const)
    .sort((a, b) => a[0] - b[0]);
  const total = bounds[bounds.length - 1]?.[1] ?? 0;
  if (total <= 0) return Number.NaN;
  const rank = q * total;
  let lower = 0;
  let below = 0;
  for (const [le, cumulative] of bounds) {
    if (cumulative >= rank) {
      if (!Number.isFinite(le)) return Math.round(lower * 100_000) / 100;
      const share = cumulative === below ? 0 : (rank - below) / (cumulative - below);
      return Math.round((lower + (le - lower) * share) * 100_000) / 100;
    }
    lower = le;
    below = cumulative;
  }
  return Number.NaN;
}
