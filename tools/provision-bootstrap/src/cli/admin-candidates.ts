import type { DatabaseConfig } from '@sysmanage/config';
import type { DatabaseServerSpec } from '@sysmanage/tenancy';
import { Client, type ClientConfig } from 'pg';
import { UsageError } from './cli-io';

/** One way to reach the server as an administrator; `label` is printable (no password). */
export interface AdminCandidate {
  config: ClientConfig;
  label: string;
}

export interface AdminChoice {
  /** The most capable candidate that logged in, or null (then the SQL goes to a file). */
  chosen: AdminCandidate | null;
  /** superuser | CREATEROLE | neither, for the chosen one. */
  rights: string | null;
  /** Why the others were passed over, one line each. */
  notes: string[];
}

/** Parses --pg-admin-url / SYSMANAGE_PG_ADMIN_URL; the label keeps user and host only. */
export function urlCandidate(url: string, source: string): AdminCandidate {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`${source} is not a URL (postgresql://user[:password]@host:port/database)`);
  }
  if (parsed.protocol !== 'postgresql:' && parsed.protocol !== 'postgres:')
    throw new UsageError(`${source} must start with postgresql://`);
  const host = parsed.host || parsed.searchParams.get('host') || '(default host)';
  return {
    config: { connectionString: url },
    label: `${decodeURIComponent(parsed.username) || '(default user)'}@${host}`,
  };
}

/**
 * Without --pg-admin-url, the same administrators `make start` tries:
 * $SYSMANAGE_PG_ADMIN_URL, `postgres` at the server (password from
 * $PGPASSWORD, as libpq does; trust/peer-free dev machines need none), and the
 * configured registry user when the registry lives on this server (the
 * embedded development PostgreSQL makes it the superuser).
 */
export function defaultAdminCandidates(
  server: DatabaseServerSpec,
  registry: DatabaseConfig,
  env: Record<string, string | undefined>,
): AdminCandidate[] {
  const candidates: AdminCandidate[] = [];
  const fromEnv = env['SYSMANAGE_PG_ADMIN_URL'];
  if (fromEnv !== undefined && fromEnv !== '')
    candidates.push(urlCandidate(fromEnv, '$SYSMANAGE_PG_ADMIN_URL'));
  const postgres: ClientConfig = {
    host: server.host,
    port: server.port,
    user: 'postgres',
    database: 'postgres',
  };
  if (env['PGPASSWORD'] !== undefined) postgres.password = env['PGPASSWORD'];
  candidates.push({ config: postgres, label: `postgres@${server.host}:${server.port}` });
  if (registry.host === server.host && registry.port === server.port && registry.user !== 'postgres') {
    candidates.push({
      config: {
        host: server.host,
        port: server.port,
        user: registry.user,
        password: registry.password,
        database: registry.name,
      },
      label: `${registry.user}@${server.host}:${server.port} (registry user)`,
    });
  }
  return candidates;
}

async function rightsOf(candidate: AdminCandidate): Promise<{ superuser: boolean; createrole: boolean }> {
  const client = new Client({ connectionTimeoutMillis: 10_000, ...candidate.config });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const { rows } = await client.query<{ rolsuper: boolean; rolcreaterole: boolean }>(
      'SELECT rolsuper, rolcreaterole FROM pg_catalog.pg_roles WHERE rolname = current_user',
    );
    return { superuser: rows[0]?.rolsuper === true, createrole: rows[0]?.rolcreaterole === true };
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The first superuser among the candidates, else the first CREATEROLE one, else the first that logs in at all. */
export async function chooseAdmin(candidates: readonly AdminCandidate[]): Promise<AdminChoice> {
  const notes: string[] = [];
  let fallback: { candidate: AdminCandidate; rights: string } | null = null;
  for (const candidate of candidates) {
    let rights: { superuser: boolean; createrole: boolean };
    try {
      rights = await rightsOf(candidate);
    } catch (err) {
      notes.push(`${candidate.label}: ${(err as Error).message}`);
      continue;
    }
    if (rights.superuser) return { chosen: candidate, rights: 'superuser', notes };
    notes.push(`${candidate.label}: not a superuser`);
    const label = rights.createrole ? 'CREATEROLE' : 'neither superuser nor CREATEROLE';
    if (fallback === null || (rights.createrole && fallback.rights !== 'CREATEROLE'))
      fallback = { candidate, rights: label };
  }
  return fallback === null
    ? { chosen: null, rights: null, notes }
    : { chosen: fallback.candidate, rights: fallback.rights, notes };
}
