import type { DatabaseConfig } from '@sysmanage/config';
import type { ClientConfig } from 'pg';

/** An unreachable database must fail its target, not hang the whole run. */
export const CONNECT_TIMEOUT_MS = 10_000;

/** The pg client settings for one configured database (the `registry:` or `shared:` block). */
export function toClientConfig(db: DatabaseConfig): ClientConfig {
  const config: ClientConfig = {
    host: db.host,
    port: db.port,
    database: db.name,
    user: db.user,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    application_name: 'sysmanage-migrate',
  };
  if (db.password !== undefined) config.password = db.password;
  if (db.ssl === 'require') config.ssl = { rejectUnauthorized: false };
  else if (db.ssl === 'verify-full') config.ssl = { rejectUnauthorized: true };
  return config;
}

/** Identity of a database for grouping and display: the same server and name is the same database. */
export function databaseKey(host: string, port: number, name: string): string {
  return `${host}:${port}/${name}`;
}
