import { type DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { SysManageConfig } from '@sysmanage/config';
import { NatsConnectionModule } from '@sysmanage/contracts';
import { postgresHealthCheck, provideHealthCheck } from '@sysmanage/observability';
import { DataSource } from 'typeorm';
import { registryDatabaseOptions } from './registry-database.options';

const CONNECTION_NAME = 'sysmanage-provisioner';

/** The provisioner's dependencies: the registry database (TypeORM) and NATS, both behind /health/ready. */
@Module({})
export class InfraModule {
  static forRoot(config: SysManageConfig): DynamicModule {
    return {
      module: InfraModule,
      imports: [
        TypeOrmModule.forRootAsync({
          useFactory: () => registryDatabaseOptions(config.registry, CONNECTION_NAME),
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
