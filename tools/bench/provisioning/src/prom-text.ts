/** `<metric>_sum` and `_count` of one histogram, per label set, from a Prometheus text exposition. */
export interface HistogramTotals {
  sum: number;
  count: number;
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)\{([^}]*)\}\s+(\S+)/;

function labelValue(labels: string, name: string): string | null {
  const match = new RegExp(`(?:^|,)${name}="([^"]*)"`).exec(labels);
  return match?.[1] ?? null;
}

/**
 * Totals of `metric` by the value of `byLabel`, only for samples whose
 * `filter` labels match (e.g. outcome="ok"). Other metrics are ignored.
 */
export function histogramTotals(
  text: string,
  metric: string,
  byLabel: string,
  filter: Record<string, string> = {},
): Map<string, HistogramTotals> {
  const totals = new Map<string, HistogramTotals>();
  for (const line of text.split('\n')) {
    const match = SAMPLE.exec(line);
    if (!match) continue;
    const [, name, labels = '', value = ''] = match;
    const field = name === `${metric}_sum` ? 'sum' : name === `${metric}_count` ? 'count' : null;
    if (field === null) continue;
    if (Object.entries(filter).some(([key, want]) => labelValue(labels, key) !== want)) continue;
    const key = labelValue(labels, byLabel);
    if (key === null) continue;
    const entry = totals.get(key) ?? { sum: 0, count: 0 };
    entry[field] = Number(value);
    totals.set(key, entry);
  }
  return totals;
}
