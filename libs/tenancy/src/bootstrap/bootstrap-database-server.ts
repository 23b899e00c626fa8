import { type OpenBaoClient, OpenBaoError } from '@sysmanage/openbao';
import { Client, type ClientConfig } from 'pg';
import { BootstrapError, BootstrapErrorCode } from './bootstrap-error';
import {
  adminRefusal,
  applyStatements,
  connectAdmin,
  type PgSslMode,
  publicDatabases,
  type Restricted,
  type RestrictedDatabase,
  restrictedDatabases,
  sslOption,
} from './pg-admin';
import { checkServerName, readServerCredentials, serverCredentialsKvPath } from './server-credentials';
import {
  OPENBAO_PG_ROLE,
  PROVISIONER_PG_ROLE,
  renderServerBootstrapSql,
  type ServerSqlInput,
} from './server-sql';
import { randomPassword, scramSha256Verifier } from './scram-verifier';
import { checkMount } from './service-policies';

export type { PgSslMode, RestrictedDatabase } from './pg-admin';

export interface DatabaseServerSpec {
  /** The registry's name of the server; also the OpenBAO connection name and KV key. */
  name: string;
  /** How the provisioner and OpenBAO reach the server. */
  host: string;
  port: number;
  /** TLS for those connections; default disable. */
  sslMode?: PgSslMode;
}

export interface BootstrapDatabaseServerOptions {
  server: DatabaseServerSpec;
  /** Admin connection (superuser or equivalent); null: no access, only the SQL is produced. */
  admin: ClientConfig | null;
  /** Authenticated with an operator token. */
  openBao: OpenBaoClient;
  kvMount?: string;
  databaseMount?: string;
  registryDatabases?: RestrictedDatabase[];
  /** auto (default): run the SQL when the admin may, else return it; sql: never run it. */
  mode?: 'auto' | 'sql';
}

export interface ServerBootstrapResult {
  server: string;
  /**
   * applied: the SQL ran as `admin`; sql: it must be applied by an operator
   * (see `sql`), then the bootstrap re-run; already-applied: an operator
   * applied an earlier SQL, nothing new to apply.
   */
  outcome: 'applied' | 'sql' | 'already-applied';
  /** The script to apply when outcome is sql (passwords as SCRAM verifiers), else null. */
  sql: string | null;
  /** Why the SQL was not run (outcome sql), else null. */
  sqlReason: string | null;
  provisionerRole: string;
  openBaoRole: string;
  /** `<kvMount>/sysmanage/database-servers/<name>` */
  credentialsPath: string;
  /** `<databaseMount>/config/<name>` */
  connectionPath: string;
  /** true once OpenBAO has replaced sysmanage_openbao's password with one only it knows. */
  rootRotated: boolean;
  /** Databases whose PUBLIC CONNECT is (or, for outcome sql, will be) revoked. */
  restrictedDatabases: string[];
  /**
   * Other databases on the server any login (so any tenant credential) may
   * still connect to, for the operator to review; empty when unknown (no admin
   * connection). Tenant databases never appear: their PUBLIC rights are revoked.
   */
  publicDatabases: string[];
}

interface Context {
  options: BootstrapDatabaseServerOptions;
  kvMount: string;
  databaseMount: string;
  kvPath: string;
}

/**
 * Prepares one PostgreSQL server for tenants (docs/multitenancy.md, "Database
 * servers"): the provisioner's role with its password in KV, OpenBAO's role
 * and connection (password rotated so only OpenBAO knows it), CONNECT taken
 * from PUBLIC on `postgres` and the registry/shared databases. Re-running
 * issues fresh passwords and leaves one connection. Run bootstrapOpenBao
 * first: it mounts the database engine and kv v2 this writes to.
 */
export async function bootstrapDatabaseServer(
  options: BootstrapDatabaseServerOptions,
): Promise<ServerBootstrapResult> {
  const ctx: Context = {
    options,
    kvMount: checkMount('kv mount', options.kvMount ?? 'secret'),
    databaseMount: checkMount('database mount', options.databaseMount ?? 'database'),
    kvPath: serverCredentialsKvPath(checkServerName(options.server.name)),
  };
  checkHost(options.server.host, options.server.port);
  const admin = options.admin === null ? null : await connectAdmin(options.admin, options.server.name);
  try {
    const restricted = await restrictedDatabases(admin, options.registryDatabases ?? []);
    if (admin === null || options.mode === 'sql')
      return await sqlOutcome(
        ctx,
        restricted,
        admin === null ? 'no admin connection was given' : 'SQL-only mode was asked for',
      );
    const refusal = await adminRefusal(admin);
    if (refusal !== null) return await sqlOutcome(ctx, restricted, refusal);
    const passwords = { provisioner: randomPassword(), openBao: randomPassword() };
    const denied = await applyStatements(admin, statementsFor(passwords, restricted), options.server.name);
    if (denied !== null) return await sqlOutcome(ctx, restricted, denied);
    await storeProvisionerCredentials(ctx, passwords.provisioner);
    await writeConnection(ctx, passwords.openBao, true);
    await ctx.options.openBao.rotateRoot(ctx.databaseMount, options.server.name);
    return {
      ...result(ctx, 'applied', null, null, true, restricted),
      publicDatabases: await publicDatabases(admin),
    };
  } finally {
    await admin?.end().catch(() => undefined);
  }
}

function checkHost(host: string, port: number): void {
  if (host === '' || /[\s@/?#'"\\]/.test(host))
    throw new BootstrapError(
      BootstrapErrorCode.INVALID_INPUT,
      `database server host ${JSON.stringify(host)} is not a plain host name or address`,
    );
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new BootstrapError(
      BootstrapErrorCode.INVALID_INPUT,
      `database server port ${port} is not in 1-65535`,
    );
}

function statementsFor(
  passwords: { provisioner: string; openBao: string },
  restricted: Restricted[],
): ServerSqlInput {
  return {
    provisionerPassword: scramSha256Verifier(passwords.provisioner),
    openBaoPassword: scramSha256Verifier(passwords.openBao),
    restrictedDatabases: restricted,
  };
}

async function storeProvisionerCredentials(ctx: Context, password: string): Promise<void> {
  const { host, port } = ctx.options.server;
  await ctx.options.openBao.kvPut(ctx.kvMount, ctx.kvPath, {
    username: PROVISIONER_PG_ROLE,
    password,
    host,
    port,
  });
}

function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

async function writeConnection(ctx: Context, password: string, verify: boolean): Promise<void> {
  const { host, port, sslMode } = ctx.options.server;
  await ctx.options.openBao.writeDatabaseConnection(ctx.databaseMount, ctx.options.server.name, {
    connectionUrl: `postgresql://{{username}}:{{password}}@${urlHost(host)}:${port}/postgres?sslmode=${sslMode ?? 'disable'}&connect_timeout=10`,
    username: OPENBAO_PG_ROLE,
    password,
    allowedRoles: ['tenant-*'],
    passwordAuthentication: 'scram-sha-256',
    verifyConnection: verify,
  });
}

/**
 * Without admin rights: when an earlier run's SQL has since been applied
 * (the KV login works and OpenBAO can rotate its password), nothing new is
 * needed. Otherwise fresh passwords, KV and connection written now, and the
 * SQL returned for the operator (the connection is not verified: its role
 * does not exist until the SQL is applied).
 */
async function sqlOutcome(
  ctx: Context,
  restricted: Restricted[],
  reason: string,
): Promise<ServerBootstrapResult> {
  if (await earlierSqlApplied(ctx)) return result(ctx, 'already-applied', null, null, true, restricted);
  const passwords = { provisioner: randomPassword(), openBao: randomPassword() };
  const sql = renderServerBootstrapSql({
    ...statementsFor(passwords, restricted),
    serverName: ctx.options.server.name,
  });
  await storeProvisionerCredentials(ctx, passwords.provisioner);
  await writeConnection(ctx, passwords.openBao, false);
  return result(ctx, 'sql', sql, reason, false, restricted);
}

async function earlierSqlApplied(ctx: Context): Promise<boolean> {
  const { openBao, server } = ctx.options;
  const stored = await readServerCredentials(openBao, server.name, ctx.kvMount).catch(() => null);
  if (stored === null || (await openBao.readDatabaseConnection(ctx.databaseMount, server.name)) === null)
    return false;
  const probe = new Client({
    host: server.host,
    port: server.port,
    user: stored.username,
    password: stored.password,
    database: 'postgres',
    ssl: sslOption(server.sslMode),
    connectionTimeoutMillis: 10_000,
  });
  probe.on('error', () => undefined);
  try {
    await probe.connect();
  } catch {
    return false;
  } finally {
    await probe.end().catch(() => undefined);
  }
  try {
    await openBao.rotateRoot(ctx.databaseMount, server.name);
    return true;
  } catch (err) {
    if (err instanceof OpenBaoError && err.status === 400) return false;
    throw err;
  }
}

function result(
  ctx: Context,
  outcome: ServerBootstrapResult['outcome'],
  sql: string | null,
  sqlReason: string | null,
  rootRotated: boolean,
  restricted: Restricted[],
): ServerBootstrapResult {
  return {
    server: ctx.options.server.name,
    outcome,
    sql,
    sqlReason,
    provisionerRole: PROVISIONER_PG_ROLE,
    openBaoRole: OPENBAO_PG_ROLE,
    credentialsPath: `${ctx.kvMount}/${ctx.kvPath}`,
    connectionPath: `${ctx.databaseMount}/config/${ctx.options.server.name}`,
    rootRotated,
    restrictedDatabases: ['postgres', 'template1', ...restricted.map((entry) => entry.name)],
    publicDatabases: [],
  };
}
