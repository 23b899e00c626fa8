import { type DynamicModule, Module } from '@nestjs/common';
import type { SysManageConfig } from '@sysmanage/config';
import { NatsConnectionModule } from '@sysmanage/contracts';
import { ObservabilityModule } from '@sysmanage/observability';
import type { Logger } from 'pino';
import type { TenantCredentialProvider } from '../plan/tenant-credential-provider';
import { registryPoolProviders } from './registry-pool';
import { tenantMigrationProviders } from './tenant-migration-providers';

/** `sysmanage-migrate serve`: health, metrics, NATS, and the per-tenant migrate responder. */
@Module({})
export class MigratorServeModule {
  static forRoot(
    config: SysManageConfig,
    logger: Logger,
    credentials?: (config: SysManageConfig) => TenantCredentialProvider,
  ): DynamicModule {
    return {
      module: MigratorServeModule,
      imports: [
        ObservabilityModule.forRoot({ service: 'migrator', logger, checks: [] }),
        NatsConnectionModule.forRoot({ servers: config.nats.servers, name: 'sysmanage-migrator' }),
      ],
      providers: [...registryPoolProviders(config), ...tenantMigrationProviders(config, logger, credentials)],
    };
  }
}
