import type { PgInstance } from '@sysmanage/testing';
import { Client } from 'pg';

export interface Login {
  user: string;
  password: string;
}

/** A client for `login` on `database` of `pg`, connected (the caller ends it). */
export async function connectAs(pg: PgInstance, login: Login, database: string): Promise<Client> {
  const client = new Client({
    host: pg.host,
    port: pg.port,
    user: login.user,
    password: login.password,
    database,
    connectionTimeoutMillis: 5_000,
  });
  // A terminated session emits 'error' on the client; the test sees it through its next query.
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

/**
 * Tries to log in and disconnects: 'ok', or the refusal's SQLSTATE (28P01
 * password/unknown role, 42501 no CONNECT privilege, 3D000 no such database,
 * ...), or the error message when there is none (server down).
 */
export async function loginOutcome(pg: PgInstance, login: Login, database: string): Promise<string> {
  try {
    const client = await connectAs(pg, login, database);
    await client.end();
    return 'ok';
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    return typeof code === 'string' ? code : err instanceof Error ? err.message : String(err);
  }
}

/** The SQLSTATE a statement fails with on `client`, or 'ok'. */
export async function statementOutcome(client: Client, sql: string, params: unknown[] = []): Promise<string> {
  try {
    await client.query(sql, params);
    return 'ok';
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    return typeof code === 'string' ? code : err instanceof Error ? err.message : String(err);
  }
}
