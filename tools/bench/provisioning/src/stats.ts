/** Nearest-rank percentile (p in 0..100) of `values`: with 20 samples p50 is the 10th, p95 the 19th smallest. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] as number;
}

export interface Summary {
  n: number;
  p50: number;
  p95: number;
  min: number;
  max: number;
  mean: number;
}

/** Seconds, rounded to the millisecond. */
export function summarize(values: readonly number[]): Summary {
  const round = (v: number): number => Math.round(v * 1000) / 1000;
  const mean = values.reduce((sum, v) => sum + v, 0) / Math.max(1, values.length);
  return {
    n: values.length,
    p50: round(percentile(values, 50)),
    p95: round(percentile(values, 95)),
    min: round(Math.min(...values)),
    max: round(Math.max(...values)),
    mean: round(mean),
  };
}

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}
