import type { DataSource } from 'typeorm';
import { TenantUnavailableError, TenantUnavailableErrorCode } from './tenant-unavailable-error';

/** What ingest needs to reach one tenant database, read from the registry. */
export interface TenantPlacement {
  readonly tenantId: string;
  readonly slug: string;
  readonly status: string;
  readonly host: string;
  readonly port: number;
  readonly databaseName: string;
  /** OpenBAO dynamic role issuing the app login (`tenant-<slug>-app`), as stored on the placement. */
  readonly vaultAppRole: string;
}

interface PlacementRow {
  tenant_id: string;
  slug: string;
  status: string;
  host: string;
  port: number;
  database_name: string;
  vault_app_role: string;
}

const PLACEMENT_SQL = `
  SELECT t.id AS tenant_id, t.slug, t.status, s.host, s.port, p.database_name, p.vault_app_role
    FROM registry_tenants t
    JOIN registry_placements p ON p.tenant_id = t.id
    JOIN registry_database_servers s ON s.id = p.server_id
   WHERE t.id = $1`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Reads placements from the registry and keeps them for a few seconds, so a
 * busy writer does not cost the registry a query per batch. Suspension and
 * deletion do not wait for the cache: the tenant event makes the writer call
 * forget(), and PostgreSQL itself refuses the suspended tenant's logins.
 */
export class TenantPlacements {
  private readonly cache = new Map<string, { placement: TenantPlacement; at: number }>();

  constructor(
    private readonly registry: DataSource,
    private readonly ttlMs = 5_000,
  ) {}

  /** The active tenant's placement; TenantUnavailableError TENANT_UNKNOWN / TENANT_NOT_ACTIVE otherwise. */
  async resolve(tenantId: string): Promise<TenantPlacement> {
    const hit = this.cache.get(tenantId);
    if (hit && Date.now() - hit.at < this.ttlMs) return hit.placement;
    const placement = await this.load(tenantId);
    if (placement.status !== 'active') {
      this.cache.delete(tenantId);
      throw new TenantUnavailableError(
        TenantUnavailableErrorCode.TENANT_NOT_ACTIVE,
        tenantId,
        `Tenant ${tenantId} (${placement.slug}) is ${placement.status}, not active`,
      );
    }
    this.cache.set(tenantId, { placement, at: Date.now() });
    return placement;
  }

  forget(tenantId: string): void {
    this.cache.delete(tenantId);
  }

  /** Ids of every active tenant with a placement: the writers a replica runs at start. */
  async activeTenantIds(): Promise<string[]> {
    const rows: Array<{ id: string }> = await this.registry.query(
      `SELECT t.id FROM registry_tenants t JOIN registry_placements p ON p.tenant_id = t.id
        WHERE t.status = 'active' ORDER BY t.id`,
    );
    return rows.map((r) => r.id);
  }

  private async load(tenantId: string): Promise<TenantPlacement> {
    const rows: PlacementRow[] = UUID.test(tenantId)
      ? await this.registry.query(PLACEMENT_SQL, [tenantId])
      : [];
    const row = rows[0];
    if (!row) {
      throw new TenantUnavailableError(
        TenantUnavailableErrorCode.TENANT_UNKNOWN,
        tenantId,
        `Tenant ${tenantId} has no placement in the registry`,
      );
    }
    return {
      tenantId: row.tenant_id,
      slug: row.slug,
      status: row.status,
      host: row.host,
      port: Number(row.port),
      databaseName: row.database_name,
      vaultAppRole: row.vault_app_role,
    };
  }
}
