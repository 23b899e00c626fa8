import type { TestEnvironment } from '@sysmanage/testing';
import type { ClientConfig } from 'pg';

/**
 * A database on a PostgreSQL server of its own, started by the harness for
 * one test file: password (SCRAM) auth, so a role's credentials really are
 * checked, and nothing shared with other files or engineers. The server goes
 * away with the TestEnvironment that started it (`afterAll(() => env.stopAll())`).
 */
export interface ScratchDatabase {
  readonly name: string;
  /** node-postgres settings for the server's superuser, connected to this database. */
  readonly connection: ClientConfig;
  /** Runs one statement as the superuser on a fresh connection (to this database unless named). */
  query<R = Record<string, unknown>>(sql: string, params?: unknown[], database?: string): Promise<R[]>;
}

/** Starts a harness PostgreSQL tracked by `env` and creates `schema_test_<label>` on it. */
export async function startScratchDatabase(env: TestEnvironment, label: string): Promise<ScratchDatabase> {
  const server = await env.postgres({ name: `schema-${label}` });
  const name = `schema_test_${label}`;
  await server.createDatabase(name);
  return {
    name,
    connection: server.clientConfig(name),
    query: <R>(sql: string, params: unknown[] = [], database: string = name) =>
      server.query<R>(sql, params, database),
  };
}
