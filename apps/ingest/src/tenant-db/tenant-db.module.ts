import { type DynamicModule, Inject, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import type { SysManageConfig } from '@sysmanage/config';
import { metricsRegistry } from '@sysmanage/observability';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { readBudgetSettings } from './budget-settings';
import { createTenantDbRuntime, type TenantDbRuntime } from './tenant-db-runtime';
import { TENANT_DATABASES } from './tenant-databases';

const TENANT_DB_RUNTIME = Symbol('TENANT_DB_RUNTIME');

/** Closes the pools and revokes the app leases when the service stops. */
@Injectable()
class TenantDbShutdown implements OnApplicationShutdown {
  constructor(@Inject(TENANT_DB_RUNTIME) private readonly runtime: TenantDbRuntime) {}

  async onApplicationShutdown(): Promise<void> {
    await this.runtime.close();
  }
}

/**
 * TENANT_DATABASES for the whole ingest service (global: the agent API
 * writes host rows through it, the writers everything else). Needs the
 * registry DataSource of ControlPlaneInfraModule.
 */
@Module({})
export class TenantDbModule {
  static forRoot(config: SysManageConfig, logger: Logger): DynamicModule {
    return {
      module: TenantDbModule,
      global: true,
      providers: [
        {
          provide: TENANT_DB_RUNTIME,
          inject: [DataSource],
          useFactory: (registryDb: DataSource) =>
            createTenantDbRuntime({
              config,
              registryDb,
              budget: readBudgetSettings(process.env),
              logger: logger.child({ context: 'TenantDb' }),
              metrics: metricsRegistry,
            }),
        },
        {
          provide: TENANT_DATABASES,
          inject: [TENANT_DB_RUNTIME],
          useFactory: (runtime: TenantDbRuntime) => runtime.databases,
        },
        TenantDbShutdown,
      ],
      exports: [TENANT_DATABASES],
    };
  }
}
