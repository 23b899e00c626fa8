import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export type WriterFailureReason =
  | 'tenant_unavailable'
  | 'database'
  | 'malformed'
  | 'invalid_payload'
  | 'unknown_host'
  | 'wrong_tenant'
  | 'unsupported_type';

export const WRITER_METRIC_NAMES = [
  'sysmanage_ingest_persisted_messages_total',
  'sysmanage_ingest_duplicate_messages_total',
  'sysmanage_ingest_writer_failures_total',
  'sysmanage_ingest_batch_write_seconds',
  'sysmanage_ingest_persist_lag_seconds',
  'sysmanage_ingest_writer_pending_messages',
  'sysmanage_ingest_writers_running',
  'sysmanage_ingest_ledger_pruned_total',
  'sysmanage_ingest_heartbeats_pruned_total',
] as const;

/**
 * Writer metrics. Labels stay low-cardinality (message type, failure reason);
 * per-tenant figures are summed, the tenant is in the logs.
 */
export class WriterMetrics {
  private readonly persisted: Counter<'type'>;
  private readonly duplicates: Counter;
  private readonly failures: Counter<'reason'>;
  private readonly batchSeconds: Histogram;
  private readonly lagSeconds: Histogram;
  private readonly ledgerPrunedTotal: Counter;
  private readonly heartbeatsPrunedTotal: Counter;
  /** Last `pending` JetStream reported to each tenant's writer (messages still in the stream for it). */
  private readonly pending = new Map<string, number>();

  constructor(running: () => number, registry?: Registry) {
    const registers = registry ? [registry] : [];
    this.persisted = new Counter({
      name: 'sysmanage_ingest_persisted_messages_total',
      help: 'Agent messages stored in their tenant database (first delivery only), by type',
      labelNames: ['type'],
      registers,
    });
    this.duplicates = new Counter({
      name: 'sysmanage_ingest_duplicate_messages_total',
      help: 'Deliveries found in the processed-messages ledger (redeliveries, re-sent messages): acked, not written',
      registers,
    });
    this.failures = new Counter({
      name: 'sysmanage_ingest_writer_failures_total',
      help: 'Writer failures: failed batch attempts (retried) and terminated messages, by reason',
      labelNames: ['reason'],
      registers,
    });
    this.batchSeconds = new Histogram({
      name: 'sysmanage_ingest_batch_write_seconds',
      help: 'Time to write one batch (connection wait included) and commit it',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.lagSeconds = new Histogram({
      name: 'sysmanage_ingest_persist_lag_seconds',
      help: 'From ingest accepting a message to its commit in the tenant database',
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
      registers,
    });
    this.ledgerPrunedTotal = new Counter({
      name: 'sysmanage_ingest_ledger_pruned_total',
      help: 'processed_messages rows deleted for being older than the ledger retention',
      registers,
    });
    this.heartbeatsPrunedTotal = new Counter({
      name: 'sysmanage_ingest_heartbeats_pruned_total',
      help: 'host_heartbeats rows deleted for being older than the heartbeat retention',
      registers,
    });
    const pending = this.pending;
    new Gauge({
      name: 'sysmanage_ingest_writer_pending_messages',
      help: 'Messages in the stream not yet delivered to the tenant writers (sum over tenants, as last reported)',
      registers,
      collect() {
        let sum = 0;
        for (const value of pending.values()) sum += value;
        this.set(sum);
      },
    });
    new Gauge({
      name: 'sysmanage_ingest_writers_running',
      help: 'Tenant writers running in this process',
      registers,
      collect() {
        this.set(running());
      },
    });
  }

  /** `count` messages of `type` accepted at `receivedAt` (one request's envelope) were committed at `now`. */
  persistedMessages(type: string, receivedAt: string, count: number, now = Date.now()): void {
    this.persisted.inc({ type }, count);
    const lag = (now - Date.parse(receivedAt)) / 1000;
    if (!Number.isFinite(lag) || lag < 0) return;
    for (let i = 0; i < count; i += 1) this.lagSeconds.observe(lag);
  }

  /** Rows a retention prune deleted from `table` (see retention.ts). */
  pruned(table: 'ledger' | 'heartbeats', count: number): void {
    if (count > 0) (table === 'ledger' ? this.ledgerPrunedTotal : this.heartbeatsPrunedTotal).inc(count);
  }

  duplicate(count: number): void {
    if (count > 0) this.duplicates.inc(count);
  }

  failure(reason: WriterFailureReason): void {
    this.failures.inc({ reason });
  }

  batchWritten(seconds: number): void {
    this.batchSeconds.observe(seconds);
  }

  reportPending(tenantId: string, pending: number): void {
    this.pending.set(tenantId, pending);
  }

  forget(tenantId: string): void {
    this.pending.delete(tenantId);
  }
}
