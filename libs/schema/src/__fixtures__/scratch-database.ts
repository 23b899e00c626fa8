import { randomBytes } from 'node:crypto';
import { Client, type ClientConfig } from 'pg';

/**
 * A throwaway database on a real PostgreSQL server. This library sits below
 * @sysmanage/testing in the module-boundary matrix (type:data may not import
 * type:testing), so, like libs/contracts with NATS, its integration tests use
 * the machine's server (DESIGN.md section 9): a uniquely named database per
 * test file, dropped afterwards. SYSMANAGE_TEST_PG_URL points them elsewhere.
 */
const SERVER_URL = process.env['SYSMANAGE_TEST_PG_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

export interface ScratchDatabase {
  readonly name: string;
  readonly connection: ClientConfig;
  /** Runs one statement as the server's admin on a fresh connection (to the scratch database unless named). */
  query<R = Record<string, unknown>>(sql: string, params?: unknown[], database?: string): Promise<R[]>;
  drop(): Promise<void>;
}

async function onServer<T>(database: string | undefined, fn: (client: Client) => Promise<T>): Promise<T> {
  const url = new URL(SERVER_URL);
  if (database) url.pathname = `/${database}`;
  const client = new Client({ connectionString: url.toString() });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export async function createScratchDatabase(label: string): Promise<ScratchDatabase> {
  const name = `schema_test_${label}_${randomBytes(4).toString('hex')}`;
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`bad scratch database name ${name}`);
  await onServer(undefined, (client) => client.query(`CREATE DATABASE "${name}"`));
  const url = new URL(SERVER_URL);
  url.pathname = `/${name}`;
  return {
    name,
    connection: { connectionString: url.toString(), database: name },
    query: async <R>(sql: string, params: unknown[] = [], database: string = name) =>
      onServer(database, async (client) => (await client.query(sql, params)).rows as R[]),
    drop: () =>
      onServer(undefined, async (client) => {
        await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      }),
  };
}
