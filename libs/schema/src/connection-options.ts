import type { DatabaseConfig } from '@sysmanage/config';
import type { ClientConfig } from 'pg';
import type { ConnectionOptions } from 'node:tls';
import { SchemaError, SchemaErrorCode } from './schema-error';

/** The subset of TypeORM's postgres options that say where and how to connect. */
export interface PostgresConnectionFields {
  url?: string;
  host?: string;
  port?: number;
  username?: string;
  password?: string | (() => Promise<string>);
  database?: string;
  /**
   * Everything else pg understands (ssl, timeouts, application_name, pool
   * size), handed to the pg pool untouched. TLS settings travel here because
   * pg takes tls.ConnectionOptions while TypeORM's own `ssl` is typed as
   * TlsOptions; TypeORM merges `extra` over its fields when building the pool.
   */
  extra: Record<string, unknown> & { ssl?: boolean | ConnectionOptions };
}

function isDatabaseConfig(connection: ClientConfig | DatabaseConfig): connection is DatabaseConfig {
  return 'name' in connection && 'poolSize' in connection;
}

function sslFor(mode: DatabaseConfig['ssl']): boolean | ConnectionOptions {
  switch (mode) {
    case 'disable':
      return false;
    // `require` encrypts without verifying the certificate (libpq's meaning).
    case 'require':
      return { rejectUnauthorized: false };
    case 'verify-full':
      return { rejectUnauthorized: true };
  }
}

function fromDatabaseConfig(config: DatabaseConfig): PostgresConnectionFields {
  if (!config.host || !config.name || !config.user) {
    throw new SchemaError(
      SchemaErrorCode.INVALID_CONNECTION,
      `database config needs host, name and user (got host=${JSON.stringify(config.host)}, name=${JSON.stringify(config.name)}, user=${JSON.stringify(config.user)})`,
    );
  }
  return {
    host: config.host,
    port: config.port,
    username: config.user,
    password: config.password,
    database: config.name,
    extra: { max: config.poolSize, ssl: sslFor(config.ssl) },
  };
}

function fromClientConfig(config: ClientConfig): PostgresConnectionFields {
  const { host, port, user, password, database, ssl, connectionString, ...extra } = config;
  if (!connectionString && !database) {
    throw new SchemaError(
      SchemaErrorCode.INVALID_CONNECTION,
      'pg client config needs a database (or a connectionString naming one): a chain is never applied to an implicit default database',
    );
  }
  const resolvedPort = typeof port === 'string' ? Number.parseInt(port, 10) : port;
  return {
    url: connectionString,
    host,
    port: resolvedPort,
    username: user,
    // pg allows a password callback returning a string or a promise; TypeORM wants one or the other.
    password: typeof password === 'function' ? async () => password() : password,
    database,
    extra: ssl === undefined ? extra : { ...extra, ssl },
  };
}

/** Maps either connection shape onto TypeORM's postgres fields. */
export function toPostgresConnectionFields(
  connection: ClientConfig | DatabaseConfig,
): PostgresConnectionFields {
  return isDatabaseConfig(connection) ? fromDatabaseConfig(connection) : fromClientConfig(connection);
}
