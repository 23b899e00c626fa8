import { OPENBAO_PG_ROLE, quoteIdent } from '@sysmanage/tenancy';
import type { Client } from 'pg';
import { DUPLICATE_DATABASE, DUPLICATE_OBJECT, executeTolerating } from './server-connection';

/** The stored names a database operation needs (from the placement, never recomputed). */
export interface TenantDatabaseNames {
  databaseName: string;
  ownerRole: string;
  appRole: string;
}

async function roleExists(client: Client, role: string): Promise<boolean> {
  const rows = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
  return rows.rowCount === 1;
}

export async function databaseExists(client: Client, database: string): Promise<boolean> {
  const rows = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
  return rows.rowCount === 1;
}

async function createGroupRole(client: Client, role: string): Promise<void> {
  if (await roleExists(client, role)) return;
  await executeTolerating(client, `CREATE ROLE ${quoteIdent(role)} NOLOGIN`, [DUPLICATE_OBJECT]);
}

/**
 * Saga step `database`, on the server's maintenance database: the two NOLOGIN
 * groups, the database owned by the owner group (PostgreSQL 15 wants the
 * creator to be a member of the new owner), nobody but the groups may connect.
 */
export async function createTenantDatabase(
  client: Client,
  names: TenantDatabaseNames,
  provisionerRole: string,
): Promise<void> {
  const db = quoteIdent(names.databaseName);
  const owner = quoteIdent(names.ownerRole);
  const app = quoteIdent(names.appRole);
  await createGroupRole(client, names.ownerRole);
  await createGroupRole(client, names.appRole);
  await client.query(`GRANT ${owner} TO ${quoteIdent(provisionerRole)}`);
  if (!(await databaseExists(client, names.databaseName))) {
    await executeTolerating(client, `CREATE DATABASE ${db} OWNER ${owner}`, [DUPLICATE_DATABASE]);
  }
  await client.query(`REVOKE ALL ON DATABASE ${db} FROM PUBLIC`);
  await client.query(`GRANT CONNECT ON DATABASE ${db} TO ${owner}, ${app}`);
  await letOpenBaoGrant(client, owner, app);
}

/**
 * OpenBAO's creation statements make each leased login a member of a group.
 * Up to PostgreSQL 15 CREATEROLE may grant any non-superuser role; from 16 on
 * only a role holding ADMIN OPTION on the group may, so the OpenBAO user gets
 * exactly that: ADMIN without INHERIT or SET, i.e. it may hand the group out
 * but never acts with the group's privileges itself.
 */
async function letOpenBaoGrant(client: Client, owner: string, app: string): Promise<void> {
  const version = await client.query<{ v: string }>(`SELECT current_setting('server_version_num') AS v`);
  if (Number(version.rows[0]?.v) < 160000) return;
  await client.query(
    `GRANT ${owner}, ${app} TO ${quoteIdent(OPENBAO_PG_ROLE)} WITH ADMIN OPTION, INHERIT FALSE, SET FALSE`,
  );
}

/**
 * Saga step `database`, inside the tenant database as the owner group: the app
 * group may use the schema and gets DML on every table and sequence the owner
 * creates from now on (later migrations included); no DDL.
 */
export async function grantTenantDefaults(client: Client, names: TenantDatabaseNames): Promise<void> {
  const owner = quoteIdent(names.ownerRole);
  const app = quoteIdent(names.appRole);
  await client.query(`SET ROLE ${owner}`);
  await client.query(`GRANT USAGE ON SCHEMA public TO ${app}`);
  await client.query(
    `ALTER DEFAULT PRIVILEGES FOR ROLE ${owner} IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${app}`,
  );
  await client.query(
    `ALTER DEFAULT PRIVILEGES FOR ROLE ${owner} IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO ${app}`,
  );
  // Tables that already exist (a redelivered job after a migration) get the same grants.
  await client.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${app}`);
  await client.query(`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${app}`);
  await client.query('RESET ROLE');
}

/**
 * Ends every non-superuser session on the tenant database (the provisioner is
 * in pg_signal_backend; tenant logins are never superusers). Superuser
 * sessions and processes without a role (autovacuum workers) are left alone:
 * PostgreSQL refuses a non-superuser's pg_terminate_backend on them with an
 * error, which would fail the whole suspension because a DBA was connected.
 */
export async function terminateSessions(client: Client, database: string): Promise<number> {
  const result = await client.query(
    `SELECT pg_terminate_backend(a.pid) FROM pg_stat_activity a JOIN pg_roles r ON r.oid = a.usesysid
      WHERE a.datname = $1 AND a.pid <> pg_backend_pid() AND NOT r.rolsuper`,
    [database],
  );
  return result.rowCount ?? 0;
}

/** Suspend: neither group may connect any more; sessions already open are ended. */
export async function revokeConnect(client: Client, names: TenantDatabaseNames): Promise<void> {
  if (!(await databaseExists(client, names.databaseName))) return;
  await client.query(
    `REVOKE CONNECT ON DATABASE ${quoteIdent(names.databaseName)} FROM ${quoteIdent(names.ownerRole)}, ${quoteIdent(names.appRole)}`,
  );
  await terminateSessions(client, names.databaseName);
}

/** Resume: the groups may connect again. */
export async function grantConnect(client: Client, names: TenantDatabaseNames): Promise<void> {
  await client.query(
    `GRANT CONNECT ON DATABASE ${quoteIdent(names.databaseName)} TO ${quoteIdent(names.ownerRole)}, ${quoteIdent(names.appRole)}`,
  );
}

/**
 * Deprovision: end sessions and drop the database (FORCE ends sessions that
 * raced in), then the two groups. With keepDatabase the database and the
 * groups stay (the owner group owns it), closed to both groups.
 */
export async function dropTenantDatabase(
  client: Client,
  names: TenantDatabaseNames,
  keepDatabase: boolean,
): Promise<void> {
  if (keepDatabase) {
    await revokeConnect(client, names);
    return;
  }
  if (await databaseExists(client, names.databaseName)) {
    await terminateSessions(client, names.databaseName);
    await client.query(`DROP DATABASE IF EXISTS ${quoteIdent(names.databaseName)} WITH (FORCE)`);
  }
  await client.query(`DROP ROLE IF EXISTS ${quoteIdent(names.appRole)}`);
  await client.query(`DROP ROLE IF EXISTS ${quoteIdent(names.ownerRole)}`);
}
