import { type DynamicModule, Module } from '@nestjs/common';
import type { SysManageConfig } from '@sysmanage/config';
import { NatsConnectionModule } from '@sysmanage/contracts';
import { ObservabilityModule } from '@sysmanage/observability';
import type { Logger } from 'pino';
import { registryPoolProviders } from './registry-pool';
import { TenantMigrationResponderModule } from './tenant-migration-responder.module';

/** `sysmanage-migrate serve`: health, metrics, NATS, and (later) the per-tenant migrate responder. */
@Module({})
export class MigratorServeModule {
  static forRoot(config: SysManageConfig, logger: Logger): DynamicModule {
    return {
      module: MigratorServeModule,
      imports: [
        ObservabilityModule.forRoot({ service: 'migrator', logger, checks: [] }),
        NatsConnectionModule.forRoot({ servers: config.nats.servers, name: 'sysmanage-migrator' }),
        TenantMigrationResponderModule,
      ],
      providers: registryPoolProviders(config),
    };
  }
}
