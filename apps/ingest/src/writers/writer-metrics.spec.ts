import { Registry } from 'prom-client';
import { WriterMetrics } from './writer-metrics';

/** One sample by its full name (a histogram's `_bucket`/`_sum`/`_count` included) and labels. */
async function value(registry: Registry, name: string, labels: Record<string, string> = {}): Promise<number> {
  for (const metric of await registry.getMetricsAsJSON()) {
    for (const sample of metric.values as Array<{ metricName?: string; labels: object; value: number }>) {
      if ((sample.metricName ?? metric.name) !== name) continue;
      const sampleLabels = sample.labels as Record<string, unknown>;
      if (Object.entries(labels).every(([k, l]) => String(sampleLabels[k]) === l)) return sample.value;
    }
  }
  return Number.NaN;
}

describe('WriterMetrics.persistedMessages', () => {
  it('counts every message of an envelope and observes its lag once per message', async () => {
    const registry = new Registry();
    const metrics = new WriterMetrics(() => 1, registry);
    const accepted = '2026-06-01T12:00:00.000Z';
    const committed = Date.parse(accepted) + 300;
    metrics.persistedMessages('heartbeat', accepted, 20, committed);
    metrics.persistedMessages('software_inventory', accepted, 1, committed);

    expect(await value(registry, 'sysmanage_ingest_persisted_messages_total', { type: 'heartbeat' })).toBe(
      20,
    );
    expect(
      await value(registry, 'sysmanage_ingest_persisted_messages_total', { type: 'software_inventory' }),
    ).toBe(1);
    const lag = 'sysmanage_ingest_persist_lag_seconds';
    expect(await value(registry, `${lag}_count`)).toBe(21);
    expect(await value(registry, `${lag}_sum`)).toBeCloseTo(21 * 0.3, 6);
    // 0.3 s: above the 0.25 bucket, inside 0.5.
    expect(await value(registry, `${lag}_bucket`, { le: '0.25' })).toBe(0);
    expect(await value(registry, `${lag}_bucket`, { le: '0.5' })).toBe(21);
  });

  it('counts but does not observe a lag it cannot trust (clock skew, unparsable time)', async () => {
    const registry = new Registry();
    const metrics = new WriterMetrics(() => 1, registry);
    metrics.persistedMessages(
      'heartbeat',
      '2026-06-01T12:00:01.000Z',
      3,
      Date.parse('2026-06-01T12:00:00.000Z'),
    );
    metrics.persistedMessages('heartbeat', 'not a time', 2);
    expect(await value(registry, 'sysmanage_ingest_persisted_messages_total', { type: 'heartbeat' })).toBe(5);
    expect(await value(registry, 'sysmanage_ingest_persist_lag_seconds_count')).toBe(0);
  });
});
