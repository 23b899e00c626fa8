import { TENANT_EVENTS_WILDCARD, TenantEvent, TenantEventKind, validateMessage } from '@sysmanage/contracts';
import type { JetStreamManager, NatsConnection, Subscription } from 'nats';
import type { Logger } from 'pino';
import type { TenantDatabases } from '../tenant-db/tenant-databases';
import { TenantWriter } from './tenant-writer';
import { ensureIngestStream, removeWriterConsumer } from './writer-consumer';
import type { WriterMetrics } from './writer-metrics';
import type { WriterSettings } from './writer-settings';

export interface TenantWritersOptions {
  nc: NatsConnection;
  databases: TenantDatabases;
  /** The tenants to write for at start (multi-tenant: every active tenant; collapsed: the built-in one). */
  initialTenants: () => Promise<string[]>;
  /** Follow tenant lifecycle events (multi-tenant mode); collapsed mode has nothing to follow. */
  followTenantEvents: boolean;
  metrics: WriterMetrics;
  settings: WriterSettings;
  logger: Logger;
}

/**
 * The writers of one ingest replica: one TenantWriter per active tenant,
 * started and stopped as the registry's tenant events say. Events for one
 * tenant are handled in order (a suspend right after a resume ends stopped).
 */
export class TenantWriters {
  private readonly writers = new Map<string, TenantWriter>();
  private readonly chains = new Map<string, Promise<void>>();
  private subscription: Subscription | null = null;
  private jsm: JetStreamManager | null = null;
  private stopped = false;

  constructor(private readonly options: TenantWritersOptions) {}

  get running(): number {
    return this.writers.size;
  }

  runningTenants(): string[] {
    return [...this.writers.keys()];
  }

  async start(): Promise<void> {
    const { nc, logger } = this.options;
    this.jsm = await nc.jetstreamManager();
    await ensureIngestStream(this.jsm);
    // Subscribe before listing, so an activation between the two is not missed.
    if (this.options.followTenantEvents) {
      this.subscription = nc.subscribe(TENANT_EVENTS_WILDCARD, {
        callback: (error, msg) => {
          if (error) return;
          try {
            this.onEvent(validateMessage(TenantEvent, msg.data));
          } catch (invalid) {
            logger.warn(
              { subject: msg.subject, error: invalid instanceof Error ? invalid.message : String(invalid) },
              'ignoring an invalid tenant event',
            );
          }
        },
      });
    }
    const tenants = await this.options.initialTenants();
    for (const tenantId of tenants) this.enqueue(tenantId, () => this.startWriter(tenantId));
    logger.info({ tenants: tenants.length }, 'tenant writers starting');
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.subscription?.unsubscribe();
    this.subscription = null;
    await Promise.all([...this.chains.values()]);
    await Promise.all([...this.writers.values()].map((w) => w.stop()));
    this.writers.clear();
  }

  /** Starts the tenant's writer (idempotent). */
  startWriter(tenantId: string): Promise<void> {
    if (this.stopped || this.jsm === null || this.writers.has(tenantId)) return Promise.resolve();
    const { nc, databases, metrics, settings, logger } = this.options;
    const writer = new TenantWriter(tenantId, {
      js: nc.jetstream(),
      jsm: this.jsm,
      databases,
      metrics,
      settings,
      logger,
    });
    this.writers.set(tenantId, writer);
    writer.start();
    return Promise.resolve();
  }

  /** Stops the writer and drops the tenant's pool and lease. */
  async stopWriter(tenantId: string): Promise<void> {
    const writer = this.writers.get(tenantId);
    this.writers.delete(tenantId);
    await writer?.stop();
    await this.options.databases
      .forget(tenantId)
      .catch((error: unknown) =>
        this.options.logger.warn(
          { tenantId, error: error instanceof Error ? error.message : String(error) },
          'could not drop the tenant pool',
        ),
      );
  }

  private onEvent(event: TenantEvent): void {
    const { tenantId, kind } = event;
    switch (kind) {
      case TenantEventKind.PROVISIONED:
      case TenantEventKind.RESUMED:
        this.enqueue(tenantId, async () => {
          // A resumed tenant may have a stale (evicted) pool and lease: start from scratch.
          await this.options.databases.forget(tenantId).catch(() => undefined);
          await this.startWriter(tenantId);
        });
        return;
      case TenantEventKind.SUSPENDED:
        this.enqueue(tenantId, () => this.stopWriter(tenantId));
        return;
      case TenantEventKind.DELETED:
        this.enqueue(tenantId, async () => {
          await this.stopWriter(tenantId);
          if (this.jsm === null) return;
          const purged = await removeWriterConsumer(this.jsm, tenantId);
          this.options.logger.info(
            { tenantId, purged },
            'deleted tenant: writer consumer removed, its messages purged',
          );
        });
        return;
      default:
        return;
    }
  }

  private enqueue(tenantId: string, action: () => Promise<void>): void {
    const previous = this.chains.get(tenantId) ?? Promise.resolve();
    const next = previous
      .then(action)
      .catch((error: unknown) =>
        this.options.logger.error(
          { tenantId, error: error instanceof Error ? error.message : String(error) },
          'tenant writer lifecycle step failed',
        ),
      )
      .finally(() => {
        if (this.chains.get(tenantId) === next) this.chains.delete(tenantId);
      });
    this.chains.set(tenantId, next);
  }
}
