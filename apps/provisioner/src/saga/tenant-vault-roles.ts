import { quoteIdent } from '@sysmanage/tenancy';
import type { DatabaseRoleInput, OpenBaoClient } from '@sysmanage/openbao';
import { ProvisionerError, ProvisionerErrorCode } from '../provisioning/provisioner-error';

/** The placement's stored names the OpenBAO roles use. */
export interface TenantVaultNames {
  ownerRole: string;
  appRole: string;
  vaultAppRole: string;
  vaultOwnerRole: string;
}

/** TTLs of docs/multitenancy.md: app creds live long enough for a pool, owner creds for a migration. */
const APP_TTL = { defaultTtl: '1h', maxTtl: '24h' } as const;
const OWNER_TTL = { defaultTtl: '10m', maxTtl: '1h' } as const;

/**
 * A dynamic login that is a member of `group` and acts as it from login on
 * (`SET role`), so whatever it creates belongs to the group and the login
 * itself owns nothing; revocation ends its sessions, then drops it.
 */
export function dynamicRoleInput(
  server: string,
  group: string,
  ttl: { defaultTtl: string; maxTtl: string },
): DatabaseRoleInput {
  const quotedGroup = quoteIdent(group);
  return {
    dbName: server,
    creationStatements: [
      `CREATE ROLE "{{name}}" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}' IN ROLE ${quotedGroup};`,
      `ALTER ROLE "{{name}}" SET role = '${group}';`,
    ],
    revocationStatements: [
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '{{name}}';`,
      `DROP ROLE IF EXISTS "{{name}}";`,
    ],
    defaultTtl: ttl.defaultTtl,
    maxTtl: ttl.maxTtl,
  };
}

/** The server's connection must exist: provision-bootstrap creates it (with the password only OpenBAO knows). */
export async function assertServerConnection(
  openBao: OpenBaoClient,
  mount: string,
  server: string,
): Promise<void> {
  const connection = await openBao.readDatabaseConnection(mount, server);
  if (connection === null) {
    throw new ProvisionerError(
      ProvisionerErrorCode.SERVER_NOT_BOOTSTRAPPED,
      `OpenBAO has no connection ${mount}/config/${server}: run make provision-bootstrap ARGS='--server ${server} ...' for this database server first`,
    );
  }
}

/** Writes (or rewrites to the same content) the two dynamic roles; a write is an upsert, so repeating it is harmless. */
export async function writeTenantVaultRoles(
  openBao: OpenBaoClient,
  mount: string,
  server: string,
  names: TenantVaultNames,
): Promise<void> {
  await openBao.writeDatabaseRole(
    mount,
    names.vaultAppRole,
    dynamicRoleInput(server, names.appRole, APP_TTL),
  );
  await openBao.writeDatabaseRole(
    mount,
    names.vaultOwnerRole,
    dynamicRoleInput(server, names.ownerRole, OWNER_TTL),
  );
}

/** Deprovision: revoke every lease of both roles (their revocation drops the logins), then delete the roles. */
export async function removeTenantVaultRoles(
  openBao: OpenBaoClient,
  mount: string,
  names: TenantVaultNames,
): Promise<void> {
  for (const role of [names.vaultAppRole, names.vaultOwnerRole]) {
    await openBao.revokePrefix(`${mount}/creds/${role}`);
  }
  for (const role of [names.vaultAppRole, names.vaultOwnerRole]) {
    await openBao.deleteDatabaseRole(mount, role);
  }
}
