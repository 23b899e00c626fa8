import { PassThrough } from 'node:stream';
import type { PgInstance } from '@sysmanage/testing';
import { runMigrateCli } from '../cli/run-migrate-cli';
import type { MigratorDependencies } from '../cli/cli-io';

export interface CliRun {
  code: number;
  out: string;
  err: string;
}

/** Runs the CLI in-process with captured output; the environment is empty unless given (no stray SYSMANAGE_*). */
export async function runCli(
  argv: string[],
  opts: {
    env?: Record<string, string>;
    deps?: MigratorDependencies;
    signal?: AbortSignal;
    isTTY?: boolean;
  } = {},
): Promise<CliRun> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  const code = await runMigrateCli(
    argv,
    {
      stdout,
      stderr,
      env: opts.env ?? {},
      isTTY: opts.isTTY ?? false,
      ...(opts.signal ? { signal: opts.signal } : {}),
    },
    opts.deps ?? {},
  );
  return { code, out, err };
}

/** Every table in the public schema of `database`, sorted. */
export async function tableNames(pg: PgInstance, database: string): Promise<string[]> {
  const rows = await pg.query<{ tablename: string }>(
    "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename",
    [],
    database,
  );
  return rows.map((r) => r.tablename);
}

/** Migration names in a version table with how often each was recorded. */
export async function versionRows(
  pg: PgInstance,
  database: string,
  table: string,
): Promise<Array<{ name: string; n: number }>> {
  const rows = await pg.query<{ name: string; n: string }>(
    `SELECT name, count(*)::text AS n FROM "${table}" GROUP BY name ORDER BY name`,
    [],
    database,
  );
  return rows.map((r) => ({ name: r.name, n: Number(r.n) }));
}
