import { Client, type ClientConfig } from 'pg';
import { BootstrapError, BootstrapErrorCode } from './bootstrap-error';
import { serverBootstrapStatements, type ServerSqlInput } from './server-sql';

/** A registry/shared database on this server: PUBLIC loses CONNECT, `connect` roles get it (the owner keeps it anyway). */
export type RestrictedDatabase = string | { name: string; connect?: string[] };

export type PgSslMode = 'disable' | 'require' | 'verify-full';

export async function connectAdmin(config: ClientConfig, server: string): Promise<Client> {
  const client = new Client({ connectionTimeoutMillis: 10_000, ...config, database: 'postgres' });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return client;
  } catch (err) {
    await client.end().catch(() => undefined);
    throw new BootstrapError(
      BootstrapErrorCode.ADMIN_UNAVAILABLE,
      `cannot connect to database server "${server}" as the admin user: ${(err as Error).message}`,
      { cause: err },
    );
  }
}

export interface Restricted {
  name: string;
  connect: string[];
}

/** The named databases that exist on this server (the registry may live elsewhere). */
export async function restrictedDatabases(
  admin: Client | null,
  wanted: RestrictedDatabase[],
): Promise<Restricted[]> {
  const list = wanted.map((entry) =>
    typeof entry === 'string'
      ? { name: entry, connect: [] }
      : { name: entry.name, connect: entry.connect ?? [] },
  );
  if (admin === null) return list;
  const names = list.map((entry) => entry.name);
  const { rows } = await admin.query<{ datname: string }>(
    'SELECT datname FROM pg_catalog.pg_database WHERE datname = ANY($1::text[])',
    [names],
  );
  const present = new Set(rows.map((row) => row.datname));
  return list.filter((entry) => present.has(entry.name));
}

/** Why `admin` cannot run the bootstrap SQL, or null when it may try. */
export async function adminRefusal(admin: Client): Promise<string | null> {
  const { rows } = await admin.query<{ rolname: string; rolsuper: boolean; rolcreaterole: boolean }>(
    'SELECT rolname, rolsuper, rolcreaterole FROM pg_catalog.pg_roles WHERE rolname = current_user',
  );
  const me = rows[0];
  if (me === undefined || me.rolsuper || me.rolcreaterole) return null;
  return `admin user "${me.rolname}" is neither superuser nor CREATEROLE`;
}

/** Runs the bootstrap in one transaction; returns the reason when PostgreSQL refuses for lack of privilege (42501), throws otherwise. */
export async function applyStatements(
  admin: Client,
  input: ServerSqlInput,
  server: string,
): Promise<string | null> {
  await admin.query('BEGIN');
  try {
    for (const statement of serverBootstrapStatements(input)) await admin.query(statement);
    await admin.query('COMMIT');
    return null;
  } catch (err) {
    await admin.query('ROLLBACK').catch(() => undefined);
    const code = (err as { code?: unknown }).code;
    if (code === '42501') return `PostgreSQL refused the admin user: ${(err as Error).message}`;
    throw new BootstrapError(
      BootstrapErrorCode.POSTGRES_FAILED,
      `bootstrap SQL on database server "${server}" failed: ${(err as Error).message}`,
      { cause: err },
    );
  }
}

export async function publicDatabases(admin: Client): Promise<string[]> {
  const { rows } = await admin.query<{ datname: string }>(
    `SELECT datname FROM pg_catalog.pg_database WHERE datallowconn AND has_database_privilege('public', datname, 'CONNECT') ORDER BY datname`,
  );
  return rows.map((row) => row.datname);
}

export function sslOption(mode: PgSslMode | undefined): ClientConfig['ssl'] {
  if (mode === 'require') return { rejectUnauthorized: false };
  if (mode === 'verify-full') return true;
  return false;
}
