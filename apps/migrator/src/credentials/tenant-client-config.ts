import type { DatabaseCredential } from '@sysmanage/openbao';
import type { ClientConfig } from 'pg';
import { CONNECT_TIMEOUT_MS } from '../db/client-config';
import type { TenantPlacement } from '../plan/tenant-target-source';

/** What PostgreSQL accepts unquoted in a startup option; the stored names (tenant_<slug>_owner) always fit. */
const ROLE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * The pg settings for a tenant database as the leased login. Every session
 * (the version query, the advisory lock, TypeORM's pool) starts with
 * `role = <owner group>`, so what the migrations create belongs to the group,
 * never to the short-lived login that OpenBAO drops on revocation. The
 * dynamic role's `ALTER ROLE ... SET role` does the same; setting it here too
 * keeps ownership right with a role created without it.
 */
export function tenantClientConfig(
  tenant: TenantPlacement,
  credential: Pick<DatabaseCredential, 'username' | 'password'>,
): ClientConfig {
  if (!ROLE_NAME.test(tenant.ownerRole)) {
    throw new Error(`placement of ${tenant.slug} stores an invalid owner role name "${tenant.ownerRole}"`);
  }
  return {
    host: tenant.server.host,
    port: tenant.server.port,
    database: tenant.databaseName,
    user: credential.username,
    password: credential.password,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    application_name: 'sysmanage-migrate',
    options: `-c role=${tenant.ownerRole}`,
  };
}
