import { type DynamicModule, Module } from '@nestjs/common';
import type { SysManageConfig } from '@sysmanage/config';
import { ObservabilityModule } from '@sysmanage/observability';
import type { Logger } from 'pino';
import { InfraModule } from './infra/infra.module';

/** The registry service. Feature modules (tenants, placements, enrollment) are imported here as they land. */
@Module({})
export class RegistryAppModule {
  static forRoot(config: SysManageConfig, logger: Logger): DynamicModule {
    return {
      module: RegistryAppModule,
      imports: [
        ObservabilityModule.forRoot({ service: 'registry', logger, checks: [] }),
        InfraModule.forRoot(config),
      ],
    };
  }
}
