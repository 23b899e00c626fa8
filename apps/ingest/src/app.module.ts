import { type DynamicModule, Module } from '@nestjs/common';
import type { SysManageConfig } from '@sysmanage/config';
import { ObservabilityModule } from '@sysmanage/observability';
import type { Logger } from 'pino';
import { ControlPlaneInfraModule } from '@sysmanage/tenancy';
import { AgentModule } from './agent/agent.module';
import { readIngestRole, runsAgentApi, runsWriters } from './ingest-role';
import { TenantDbModule } from './tenant-db/tenant-db.module';
import { WritersModule } from './writers/writers.module';

/**
 * The ingest service: the agent API and the tenant writers, or one of them
 * (SYSMANAGE_INGEST_ROLE, see ingest-role.ts). Both need the tenant
 * databases: registration writes the host row, the writers everything after.
 */
@Module({})
export class IngestAppModule {
  static forRoot(
    config: SysManageConfig,
    logger: Logger,
    env: NodeJS.ProcessEnv = process.env,
  ): DynamicModule {
    const role = readIngestRole(env);
    return {
      module: IngestAppModule,
      imports: [
        ObservabilityModule.forRoot({ service: 'ingest', logger, checks: [] }),
        ControlPlaneInfraModule.forRoot(config, 'ingest'),
        TenantDbModule.forRoot(config, logger),
        ...(runsWriters(role) ? [WritersModule.forRoot(config, logger)] : []),
        ...(runsAgentApi(role) ? [AgentModule.forRoot(config, env)] : []),
      ],
    };
  }
}
