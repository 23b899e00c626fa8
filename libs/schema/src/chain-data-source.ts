import type { DatabaseConfig } from '@sysmanage/config';
import type { ClientConfig } from 'pg';
import { DataSource } from 'typeorm';
import type { ChainName } from './chain-name';
import { chainDefinition } from './chains';
import { toPostgresConnectionFields } from './connection-options';

export interface ChainDataSourceOptions {
  /** Log every query TypeORM runs (development only: statements may carry data). */
  logging?: boolean;
}

/**
 * A PostgreSQL DataSource (not initialised) for one chain: its entities, its
 * migrations and its own version table. Never synchronises or migrates on its
 * own; `sysmanage-migrate` is the only migration path. UUID defaults use the
 * core `gen_random_uuid()` and no extension is ever installed, so an owner
 * role without superuser rights can run the chain.
 */
export function createChainDataSource(
  chain: ChainName,
  connection: ClientConfig | DatabaseConfig,
  opts: ChainDataSourceOptions = {},
): DataSource {
  const definition = chainDefinition(chain);
  const { extra, ...fields } = toPostgresConnectionFields(connection);
  return new DataSource({
    type: 'postgres',
    ...fields,
    extra,
    entities: definition.entities,
    migrations: definition.migrations,
    migrationsTableName: definition.migrationsTableName,
    migrationsTransactionMode: 'each',
    synchronize: false,
    migrationsRun: false,
    dropSchema: false,
    uuidExtension: 'pgcrypto',
    installExtensions: false,
    logging: opts.logging ?? false,
  });
}
