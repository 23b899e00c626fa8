import { type DynamicModule, Module } from '@nestjs/common';
import type { SysManageConfig } from '@sysmanage/config';
import { ObservabilityModule } from '@sysmanage/observability';
import type { Logger } from 'pino';
import { InfraModule } from './infra/infra.module';

/** The provisioner service (JetStream worker). Feature modules (the provisioning saga) are imported here as they land. */
@Module({})
export class ProvisionerAppModule {
  static forRoot(config: SysManageConfig, logger: Logger): DynamicModule {
    return {
      module: ProvisionerAppModule,
      imports: [
        ObservabilityModule.forRoot({ service: 'provisioner', logger, checks: [] }),
        InfraModule.forRoot(config),
      ],
    };
  }
}
