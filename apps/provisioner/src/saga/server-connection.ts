import type { RegistryDatabaseServer } from '@sysmanage/schema';
import { Client } from 'pg';
import { ProvisionerError, ProvisionerErrorCode } from '../provisioning/provisioner-error';
import type { ServerCredentials } from '@sysmanage/tenancy';

const CONNECT_TIMEOUT_MS = 5_000;
const APPLICATION_NAME = 'sysmanage-provisioner';

/**
 * Runs `work` on one connection to `database` on the tenant's server as the
 * server's provisioner role (never a superuser), then closes it. Connection
 * errors name the server and database; the password never appears.
 */
export async function withServerConnection<T>(
  server: RegistryDatabaseServer,
  credentials: ServerCredentials,
  database: string,
  work: (client: Client) => Promise<T>,
): Promise<T> {
  const client = new Client({
    host: server.host,
    port: server.port,
    user: credentials.username,
    password: credentials.password,
    database,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    application_name: APPLICATION_NAME,
  });
  // An error event after connect (server restart) must not crash the process; the pending query rejects instead.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw new ProvisionerError(
      ProvisionerErrorCode.DATABASE_FAILED,
      `cannot connect to database server ${server.name} (${server.host}:${server.port}) database ${database} as ${credentials.username}: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** PostgreSQL's SQLSTATE of a failed statement, if any. */
export function sqlState(error: unknown): string | null {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : null;
}

/** duplicate_object (role) and duplicate_database: another worker won the race; the object is there. */
export const DUPLICATE_OBJECT = '42710';
export const DUPLICATE_DATABASE = '42P04';

/** Runs `sql`, treating the given SQLSTATEs as "already done". */
export async function executeTolerating(
  client: Client,
  sql: string,
  tolerated: readonly string[],
): Promise<void> {
  try {
    await client.query(sql);
  } catch (error) {
    const state = sqlState(error);
    if (state !== null && tolerated.includes(state)) return;
    throw error;
  }
}
