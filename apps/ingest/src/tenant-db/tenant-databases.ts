import type { ClientBase } from 'pg';

/**
 * The one way ingest reaches a tenant database. In multi-tenant mode the
 * tenant's placement is read from the registry and every connection logs in
 * with a cached, renewed OpenBAO `tenant-<slug>-app` lease, inside the
 * per-server connection budget (TenantPoolManager). In collapsed mode the
 * single built-in tenant maps to the bootstrap database and any other tenant
 * id is refused. Never falls back to a default database.
 */
export interface TenantDatabases {
  /**
   * Runs `work` with a connected client of the tenant's database, waiting for
   * a budget slot when the server is at its cap. Throws TenantUnavailableError
   * (code TENANT_UNKNOWN, TENANT_NOT_ACTIVE, CREDENTIALS_UNAVAILABLE,
   * DATABASE_UNREACHABLE) when the tenant cannot be reached; never writes
   * elsewhere.
   */
  withTenantClient<T>(tenantId: string, work: (client: ClientBase) => Promise<T>): Promise<T>;
  /** Drops the tenant's pool and cached lease (suspension, deletion, revoked lease). */
  forget(tenantId: string): Promise<void>;
}

/** Nest injection token for TenantDatabases. */
export const TENANT_DATABASES = Symbol('TENANT_DATABASES');
