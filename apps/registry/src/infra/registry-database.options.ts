import type { TypeOrmModuleOptions } from '@nestjs/typeorm';
import type { DatabaseConfig } from '@sysmanage/config';

// A readiness probe must answer within its 2 s budget, so a connection attempt may not hang longer.
const CONNECT_TIMEOUT_MS = 2_000;

function ssl(mode: DatabaseConfig['ssl']): boolean | { rejectUnauthorized: boolean } {
  if (mode === 'disable') return false;
  return mode === 'verify-full' ? true : { rejectUnauthorized: false };
}

/**
 * The registry partition's TypeORM connection. Migrations belong to the
 * migrator alone: this service neither synchronizes nor runs them.
 */
export function registryDatabaseOptions(db: DatabaseConfig, applicationName: string): TypeOrmModuleOptions {
  return {
    type: 'postgres',
    host: db.host,
    port: db.port,
    database: db.name,
    username: db.user,
    password: db.password,
    ssl: ssl(db.ssl),
    applicationName,
    entities: [],
    synchronize: false,
    migrationsRun: false,
    // Fail the start quickly when the database is unreachable; the supervisor restarts us.
    retryAttempts: 2,
    retryDelay: 1_000,
    extra: { max: db.poolSize, connectionTimeoutMillis: CONNECT_TIMEOUT_MS },
  };
}
