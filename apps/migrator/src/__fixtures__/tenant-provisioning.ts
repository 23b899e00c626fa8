import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { OpenBaoClient } from '@sysmanage/openbao';
import {
  bootstrapDatabaseServer,
  bootstrapOpenBao,
  quoteIdent,
  tenantResourceNames,
} from '@sysmanage/tenancy';
import type { PgInstance } from '@sysmanage/testing';
import { seedTenantPlacement } from './registry-seed';

/** The registry's (and OpenBAO's connection) name of a harness server, as seedTenantPlacement names it. */
export function serverName(pg: PgInstance): string {
  return `pg-${pg.port}`;
}

/** `provision-bootstrap`'s OpenBAO part: database engine mount, policies, AppRoles; the migrator's AppRole files. */
export async function bootstrapTestOpenBao(
  root: OpenBaoClient,
): Promise<{ roleId: string; secretIdFile: string }> {
  const result = await bootstrapOpenBao({
    openBao: root,
    outDir: mkdtempSync(path.join(tmpdir(), 'migrator-approle-')),
  });
  const migrator = result.services.find((s) => s.service === 'migrator');
  if (migrator === undefined) throw new Error('bootstrapOpenBao created no migrator AppRole');
  return { roleId: readFileSync(migrator.roleIdFile, 'utf8').trim(), secretIdFile: migrator.secretIdFile };
}

/** `provision-bootstrap --server`: sysmanage_provisioner / sysmanage_openbao and the server's OpenBAO connection. */
export async function bootstrapTestServer(pg: PgInstance, root: OpenBaoClient): Promise<void> {
  await bootstrapDatabaseServer({
    server: { name: serverName(pg), host: pg.host, port: pg.port },
    admin: pg.clientConfig(),
    openBao: root,
  });
}

/**
 * Saga steps 2 and 3 as docs/multitenancy.md describes them, done here as the
 * superuser in plain SQL: the two group roles, the database owned by the
 * owner group with CONNECT for the groups only, default privileges for the
 * app group, and the two OpenBAO dynamic roles. Then the registry placement.
 */
export async function provisionTestTenant(
  pg: PgInstance,
  root: OpenBaoClient,
  registry: { pg: PgInstance; database: string },
  slug: string,
  opts: { status?: string; alterRoleSetRole?: boolean } = {},
): Promise<void> {
  const status = opts.status ?? 'active';
  const names = tenantResourceNames(slug);
  const db = quoteIdent(names.databaseName);
  const owner = quoteIdent(names.ownerRole);
  const app = quoteIdent(names.appRole);
  await pg.query(`CREATE ROLE ${owner} NOLOGIN`);
  await pg.query(`CREATE ROLE ${app} NOLOGIN`);
  await pg.query(`CREATE DATABASE ${db} OWNER ${owner}`);
  await pg.query(`REVOKE ALL ON DATABASE ${db} FROM PUBLIC`);
  await pg.query(`GRANT CONNECT ON DATABASE ${db} TO ${owner}, ${app}`);
  for (const statement of [
    `GRANT USAGE ON SCHEMA public TO ${app}`,
    `ALTER DEFAULT PRIVILEGES FOR ROLE ${owner} IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${app}`,
    `ALTER DEFAULT PRIVILEGES FOR ROLE ${owner} IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO ${app}`,
  ]) {
    await pg.query(statement, [], names.databaseName);
  }
  for (const [vaultRole, group, ttl] of [
    [names.vaultOwnerRole, names.ownerRole, { defaultTtl: '10m', maxTtl: '1h' }],
    [names.vaultAppRole, names.appRole, { defaultTtl: '1h', maxTtl: '24h' }],
  ] as const) {
    await root.writeDatabaseRole('database', vaultRole, {
      dbName: serverName(pg),
      creationStatements: [
        `CREATE ROLE "{{name}}" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}' IN ROLE "${group}";`,
        ...(opts.alterRoleSetRole === false ? [] : [`ALTER ROLE "{{name}}" SET role = '${group}';`]),
      ],
      revocationStatements: [
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '{{name}}';`,
        `DROP ROLE IF EXISTS "{{name}}";`,
      ],
      ...ttl,
    });
  }
  await seedTenantPlacement(registry.pg, registry.database, {
    slug,
    status,
    host: pg.host,
    port: pg.port,
    databaseName: names.databaseName,
  });
}

/** Login roles OpenBAO created and has not dropped yet (its dynamic users are the only LOGIN roles named v-...). */
export async function dynamicLogins(pg: PgInstance): Promise<string[]> {
  const rows = await pg.query<{ rolname: string }>(
    `SELECT rolname FROM pg_roles WHERE rolname LIKE 'v-%' ORDER BY rolname`,
  );
  return rows.map((r) => r.rolname);
}
