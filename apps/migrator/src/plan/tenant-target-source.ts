/** Where one tenant's database lives, as the registry's placement records it. */
export interface TenantPlacement {
  tenantId: string;
  slug: string;
  /** Lifecycle status (TenantStatus values). */
  status: string;
  server: { host: string; port: number };
  databaseName: string;
  /** The NOLOGIN group role owning every object of the database (DDL runs as a member of it). */
  ownerRole: string;
  /** The OpenBAO dynamic role to lease for DDL, e.g. `tenant-<slug>-owner`; stored, never recomputed. */
  vaultOwnerRole: string;
  /**
   * The tenant chain's version the registry recorded after the last migration
   * (`registry_tenant_db_versions`), null when none was recorded. The fan-out
   * trusts it to skip an up-to-date tenant without leasing a credential.
   */
  recordedVersion: string | null;
}

/** Lists the tenant databases the fan-out migrates. */
export interface TenantTargetSource {
  /** Tenants whose databases should carry the tenant chain, ordered by slug. */
  listTenants(): Promise<TenantPlacement[]>;
  /** Records the tenant chain's version after a migration; absent = versions are not recorded (test sources). */
  recordVersion?(tenantId: string, version: string): Promise<void>;
}
