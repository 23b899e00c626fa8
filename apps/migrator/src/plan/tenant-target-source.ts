/** Where one tenant's database lives, as the registry's placement records it. */
export interface TenantPlacement {
  tenantId: string;
  slug: string;
  /** Lifecycle status (TenantStatus values). */
  status: string;
  server: { host: string; port: number };
  databaseName: string;
}

/** Lists the tenant databases the fan-out migrates. */
export interface TenantTargetSource {
  /** Tenants whose databases should carry the tenant chain, ordered by slug. */
  listTenants(): Promise<TenantPlacement[]>;
}
