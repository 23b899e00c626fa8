import { type DynamicModule, Module } from '@nestjs/common';
import type { SysManageConfig } from '@sysmanage/config';
import { ObservabilityModule } from '@sysmanage/observability';
import type { Logger } from 'pino';
import { ControlPlaneModule } from './control-plane/control-plane.module';
import { ControlPlaneInfraModule } from '@sysmanage/tenancy';

/** The registry service: infrastructure, then the control-plane API. */
@Module({})
export class RegistryAppModule {
  static forRoot(config: SysManageConfig, logger: Logger, env: NodeJS.ProcessEnv = {}): DynamicModule {
    return {
      module: RegistryAppModule,
      imports: [
        ObservabilityModule.forRoot({ service: 'registry', logger, checks: [] }),
        ControlPlaneInfraModule.forRoot(config, 'registry'),
        ControlPlaneModule.forRoot(config, env),
      ],
    };
  }
}
