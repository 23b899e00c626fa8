import {
  type DynamicModule,
  Inject,
  Injectable,
  Module,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { SysManageConfig } from '@sysmanage/config';
import { NATS_CONNECTION } from '@sysmanage/contracts';
import { metricsRegistry } from '@sysmanage/observability';
import { COLLAPSED_TENANT_ID } from '@sysmanage/tenancy';
import type { NatsConnection } from 'nats';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { TENANT_DATABASES, type TenantDatabases } from '../tenant-db/tenant-databases';
import { TenantPlacements } from '../tenant-db/tenant-placement';
import { TenantWriters } from './tenant-writers';
import { WRITER_METRIC_NAMES, WriterMetrics } from './writer-metrics';
import { readWriterSettings } from './writer-settings';

const WRITERS_OPTIONS = Symbol('WRITERS_OPTIONS');

interface WritersModuleOptions {
  config: SysManageConfig;
  logger: Logger;
}

/** Starts the tenant writers once the app is up, stops them (nak'ing held batches) at shutdown. */
@Injectable()
class WritersLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private writers: TenantWriters | null = null;

  constructor(
    @Inject(WRITERS_OPTIONS) private readonly options: WritersModuleOptions,
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(TENANT_DATABASES) private readonly databases: TenantDatabases,
    private readonly registryDb: DataSource,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { config, logger } = this.options;
    const multitenant = config.multitenancy.enabled;
    for (const name of WRITER_METRIC_NAMES) metricsRegistry.removeSingleMetric(name);
    const placements = new TenantPlacements(this.registryDb);
    this.writers = new TenantWriters({
      nc: this.nc,
      databases: this.databases,
      initialTenants: multitenant
        ? () => placements.activeTenantIds()
        : () => Promise.resolve([COLLAPSED_TENANT_ID]),
      followTenantEvents: multitenant,
      metrics: new WriterMetrics(() => this.writers?.running ?? 0, metricsRegistry),
      settings: readWriterSettings(process.env),
      logger: logger.child({ context: 'TenantWriters' }),
    });
    await this.writers.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.writers?.stop();
  }
}

/** Per-tenant JetStream writers (durable write path). Requires TenantDbModule and ControlPlaneInfraModule. */
@Module({})
export class WritersModule {
  static forRoot(config: SysManageConfig, logger: Logger): DynamicModule {
    return {
      module: WritersModule,
      providers: [{ provide: WRITERS_OPTIONS, useValue: { config, logger } }, WritersLifecycle],
    };
  }
}
