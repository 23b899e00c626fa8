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
