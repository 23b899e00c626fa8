import { type DynamicModule, Module } from '@nestjs/common';
import type { SysManageConfig } from '@sysmanage/config';
import { ObservabilityModule } from '@sysmanage/observability';
import type { Logger } from 'pino';
import { ControlPlaneInfraModule } from '@sysmanage/tenancy';
import { AgentModule } from './agent/agent.module';
import { TenantDbModule } from './tenant-db/tenant-db.module';
import { WritersModule } from './writers/writers.module';

/** The ingest service (agent-facing API). Feature modules (agent API, tenant writers) are imported here as they land. */
@Module({})
export class IngestAppModule {
  static forRoot(config: SysManageConfig, logger: Logger): DynamicModule {
    return {
      module: IngestAppModule,
      imports: [
        ObservabilityModule.forRoot({ service: 'ingest', logger, checks: [] }),
        ControlPlaneInfraModule.forRoot(config, 'ingest'),
        TenantDbModule.forRoot(config, logger),
        WritersModule.forRoot(config, logger),
        AgentModule.forRoot(config),
      ],
    };
  }
}
