import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import type { DatabaseCredential, DatabaseRoleInput } from '../openbao.types';

/** The part of @sysmanage/testing's PgInstance used here (declared locally: see the int-specs' import note). */
export interface PgServer {
  readonly host: string;
  readonly port: number;
  query<R = Record<string, unknown>>(sql: string, params?: unknown[], database?: string): Promise<R[]>;
  createDatabase(name: string): Promise<void>;
}

/** Names of the PostgreSQL objects the OpenBAO integration tests work against. */
export interface PgFixture {
  pg: PgServer;
  database: string;
  group: string;
  adminUser: string;
  adminPassword: string;
  /** connection_url for database/config, placeholders kept. */
  connectionUrl: string;
}

/**
 * The least-privilege set-up DESIGN.md prescribes: OpenBAO's connection user
 * has CREATEROLE (+ ADMIN on the group for PostgreSQL 16+) and
 * pg_signal_backend, no superuser; dynamic users only get rights through a
 * NOLOGIN group that alone may CONNECT to the database.
 */
export async function preparePg(pg: PgServer, adminUser = 'vault_admin'): Promise<PgFixture> {
  const database = 'appdb';
  const group = 'app_group';
  const adminPassword = randomBytes(18).toString('hex');
  await pg.createDatabase(database);
  await pg.query(`CREATE ROLE "${group}" NOLOGIN`);
  await pg.query(`REVOKE CONNECT ON DATABASE "${database}" FROM PUBLIC`);
  await pg.query(`GRANT CONNECT ON DATABASE "${database}" TO "${group}"`);
  await pg.query('CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL)', [], database);
  await pg.query(`INSERT INTO items VALUES (1, 'first')`, [], database);
  await pg.query(`GRANT SELECT ON items TO "${group}"`, [], database);
  await addAdmin(pg, adminUser, adminPassword, group);
  return {
    pg,
    database,
    group,
    adminUser,
    adminPassword,
    connectionUrl: `postgresql://{{username}}:{{password}}@${pg.host}:${pg.port}/${database}?sslmode=disable&connect_timeout=5`,
  };
}

export async function addAdmin(pg: PgServer, user: string, password: string, group: string): Promise<void> {
  await pg.query(`CREATE ROLE "${user}" LOGIN CREATEROLE PASSWORD '${password}'`);
  await pg.query(`GRANT pg_signal_backend TO "${user}"`);
  await pg.query(`GRANT "${group}" TO "${user}" WITH ADMIN OPTION`);
}

/** The role shape from DESIGN.md §5: VALID UNTIL + group membership; revocation ends sessions, then drops. */
export function dynamicRole(
  fx: PgFixture,
  dbName: string,
  defaultTtl: number,
  maxTtl: number,
): DatabaseRoleInput {
  return {
    dbName,
    creationStatements: [
      `CREATE ROLE "{{name}}" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}' IN ROLE "${fx.group}";`,
    ],
    revocationStatements: [
      `SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity WHERE usename = '{{name}}';`,
      `DROP ROLE IF EXISTS "{{name}}";`,
    ],
    defaultTtl,
    maxTtl,
  };
}

/** A connected client as the leased user; connection errors after connect are collected, not thrown. */
export async function connectAs(
  fx: PgFixture,
  credential: Pick<DatabaseCredential, 'username' | 'password'>,
): Promise<{ client: Client; errors: Error[] }> {
  const client = new Client({
    host: fx.pg.host,
    port: fx.pg.port,
    database: fx.database,
    user: credential.username,
    password: credential.password,
    connectionTimeoutMillis: 5_000,
  });
  const errors: Error[] = [];
  client.on('error', (err) => errors.push(err));
  await client.connect();
  return { client, errors };
}

/** Opens a connection, runs one query, closes; rejects with the pg error (code 28P01 for a refused login). */
export async function queryAs(
  fx: PgFixture,
  credential: Pick<DatabaseCredential, 'username' | 'password'>,
  sql: string,
): Promise<Record<string, unknown>[]> {
  const { client } = await connectAs(fx, credential);
  try {
    return (await client.query(sql)).rows as Record<string, unknown>[];
  } finally {
    await client.end().catch(() => undefined);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls until `check` returns true or the deadline passes (then returns false). */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
  pollMs = 100,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() >= deadline) return false;
    await sleep(pollMs);
  }
}

/** The promise's value, or null if it has not settled within `ms` (the timer is cleared either way). */
export async function within<T>(promise: Promise<T>, ms: number): Promise<T | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
