import type { DatabaseConfig } from '@sysmanage/config';
import type { DatabaseServerSpec } from '@sysmanage/tenancy';
import { Client } from 'pg';
import type { Registration } from './bootstrap-plan';

export interface RegistrationOutcome {
  /** false: a server of that name was already registered (left as it is). */
  inserted: boolean;
  /** The registered row's host:port differs from --pg-host/--pg-port (worth a warning). */
  differs: boolean;
}

/** --register cannot be done; the message says why. */
export class RegistrationError extends Error {
  override readonly name = 'RegistrationError';
  readonly code = 'REGISTRATION_FAILED';
}

function sslFor(db: DatabaseConfig): boolean | { rejectUnauthorized: boolean } {
  if (db.ssl === 'require') return { rejectUnauthorized: false };
  return db.ssl === 'verify-full';
}

/** Adds the server to registry_database_servers unless its name is there (as the config's registry user). */
export async function registerServer(
  registry: DatabaseConfig,
  server: DatabaseServerSpec,
  registration: Registration,
): Promise<RegistrationOutcome> {
  const client = new Client({
    host: registry.host,
    port: registry.port,
    database: registry.name,
    user: registry.user,
    password: registry.password,
    ssl: sslFor(registry),
    connectionTimeoutMillis: 10_000,
  });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const exists = await client.query<{ present: boolean }>(
      `SELECT to_regclass('registry_database_servers') IS NOT NULL AS present`,
    );
    if (exists.rows[0]?.present !== true) {
      throw new RegistrationError(
        `database "${registry.name}" has no registry_database_servers table: run \`make migrate\` first, or leave out --register`,
      );
    }
    const inserted = await client.query(
      `INSERT INTO registry_database_servers (name, host, port, region, jurisdiction, capacity)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (name) DO NOTHING RETURNING id`,
      [
        server.name,
        server.host,
        server.port,
        registration.region,
        registration.jurisdiction,
        registration.capacity,
      ],
    );
    if (inserted.rowCount === 1) return { inserted: true, differs: false };
    const { rows } = await client.query<{ host: string; port: number }>(
      'SELECT host, port FROM registry_database_servers WHERE name = $1',
      [server.name],
    );
    const row = rows[0];
    return {
      inserted: false,
      differs: row === undefined || row.host !== server.host || row.port !== server.port,
    };
  } finally {
    await client.end().catch(() => undefined);
  }
}
