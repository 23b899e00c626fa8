/** Nearest-rank percentile (p in 0..100): with 100 samples p99 is the 99th smallest. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = Float64Array.from(values).sort();
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] as number;
}

export interface LatencySummary {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

/** Milliseconds, one decimal. */
export function summarizeMs(values: readonly number[]): LatencySummary {
  const round = (v: number): number => Math.round(v * 10) / 10;
  let sum = 0;
  let max = Number.NEGATIVE_INFINITY;
  for (const v of values) {
    sum += v;
    if (v > max) max = v;
  }
  return {
    n: values.length,
    p50: round(percentile(values, 50)),
    p95: round(percentile(values, 95)),
    p99: round(percentile(values, 99)),
    max: values.length === 0 ? Number.NaN : round(max),
    mean: values.length === 0 ? Number.NaN : round(sum / values.length),
  };
}

/** Per second over `ms`, one decimal. */
export function rate(count: number, ms: number): number {
  return ms <= 0 ? Number.NaN : Math.round((count / ms) * 10_000) / 10;
}
