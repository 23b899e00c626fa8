import { type DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { ServiceName, SysManageConfig } from '@sysmanage/config';
import { NatsConnectionModule } from '@sysmanage/contracts';
import { postgresHealthCheck, provideHealthCheck } from '@sysmanage/observability';
import { createChainDataSource } from '@sysmanage/schema';
import { DataSource } from 'typeorm';

// /health/ready has 2 s per check; a connection attempt to a dead server must fail within that.
const CONNECT_TIMEOUT_MS = 2_000;

/**
 * What every control-plane service connects to: the registry database (TypeORM,
 * registry-chain entities, never synchronized or migrated: the migrator does that)
 * and NATS, both behind /health/ready. A database unreachable at start fails the
 * start after two retries; the supervisor restarts the process.
 */
@Module({})
export class ControlPlaneInfraModule {
  static forRoot(config: SysManageConfig, service: ServiceName): DynamicModule {
    const connectionName = `sysmanage-${service}`;
    return {
      module: ControlPlaneInfraModule,
      imports: [
        TypeOrmModule.forRootAsync({
          useFactory: () => ({ retryAttempts: 2, retryDelay: 1_000 }),
          dataSourceFactory: () => {
            const ds = createChainDataSource('registry', config.registry);
            const extra = { ...ds.options.extra, connectionTimeoutMillis: CONNECT_TIMEOUT_MS };
            return ds.setOptions({ applicationName: connectionName, extra }).initialize();
          },
        }),
        NatsConnectionModule.forRoot({ servers: config.nats.servers, name: connectionName }),
      ],
      providers: [
        provideHealthCheck(DataSource, (ds: DataSource) =>
          postgresHealthCheck('database', () => ds.query('SELECT 1')),
        ),
      ],
    };
  }
}
