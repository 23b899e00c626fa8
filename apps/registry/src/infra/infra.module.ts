import { type DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { SysManageConfig } from '@sysmanage/config';
import { NatsConnectionModule } from '@sysmanage/contracts';
import { postgresHealthCheck, provideHealthCheck } from '@sysmanage/observability';
import { createChainDataSource } from '@sysmanage/schema';
import { DataSource } from 'typeorm';

const CONNECTION_NAME = 'sysmanage-registry';
// /health/ready has 2 s per check; a connection attempt to a dead server must fail within that.
const CONNECT_TIMEOUT_MS = 2_000;

/**
 * The registry service's dependencies: its own registry database (TypeORM, registry-chain
 * entities) and NATS, both behind /health/ready.
 * The registry chain's DataSource never synchronizes or migrates (the migrator does). A
 * database unreachable at start fails the start after two retries; the supervisor restarts us.
 */
@Module({})
export class InfraModule {
  static forRoot(config: SysManageConfig): DynamicModule {
    return {
      module: InfraModule,
      imports: [
        TypeOrmModule.forRootAsync({
          useFactory: () => ({ retryAttempts: 2, retryDelay: 1_000 }),
          dataSourceFactory: () => {
            const ds = createChainDataSource('registry', config.registry);
            const extra = { ...ds.options.extra, connectionTimeoutMillis: CONNECT_TIMEOUT_MS };
            return ds.setOptions({ applicationName: CONNECTION_NAME, extra }).initialize();
          },
        }),
        NatsConnectionModule.forRoot({ servers: config.nats.servers, name: CONNECTION_NAME }),
      ],
      providers: [
        provideHealthCheck(DataSource, (ds: DataSource) =>
          postgresHealthCheck('database', () => ds.query('SELECT 1')),
        ),
      ],
    };
  }
}
