import { type DynamicModule, Module } from '@nestjs/common';
import type { SysManageConfig } from '@sysmanage/config';
import { ObservabilityModule } from '@sysmanage/observability';
import type { Logger } from 'pino';
import { ControlPlaneInfraModule } from '@sysmanage/tenancy';
import { ProvisioningModule } from './provisioning/provisioning.module';

/** The provisioner service: health/metrics API plus the provisioning saga worker (JetStream). */
@Module({})
export class ProvisionerAppModule {
  static forRoot(config: SysManageConfig, logger: Logger): DynamicModule {
    return {
      module: ProvisionerAppModule,
      imports: [
        ObservabilityModule.forRoot({ service: 'provisioner', logger, checks: [] }),
        ControlPlaneInfraModule.forRoot(config, 'provisioner'),
        ProvisioningModule.forRoot(config, logger),
      ],
    };
  }
}
