import { type DynamicModule, Module } from '@nestjs/common';
import type { SysManageConfig } from '@sysmanage/config';
import { ObservabilityModule } from '@sysmanage/observability';
import type { Logger } from 'pino';
import { ControlPlaneInfraModule } from '@sysmanage/tenancy';

/** The ingest service (agent-facing API). Feature modules (agent API, tenant writers) are imported here as they land. */
@Module({})
export class IngestAppModule {
  static forRoot(config: SysManageConfig, logger: Logger): DynamicModule {
    return {
      module: IngestAppModule,
      imports: [
        ObservabilityModule.forRoot({ service: 'ingest', logger, checks: [] }),
        ControlPlaneInfraModule.forRoot(config, 'ingest'),
      ],
    };
  }
}
