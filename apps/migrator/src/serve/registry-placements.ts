import type { Pool } from 'pg';
import {
  PLACEMENT_SELECT,
  placementFromRow,
  RECORD_VERSION_SQL,
  type PlacementRow,
} from '../plan/registry-tenant-target-source';
import type { TenantPlacement } from '../plan/tenant-target-source';

const BY_ID_SQL = `${PLACEMENT_SELECT}
 WHERE t.id = $1::uuid`;

const LIST_SQL = `${PLACEMENT_SELECT}
 WHERE $1::uuid[] IS NULL OR t.id = ANY($1::uuid[])
 ORDER BY t.slug`;

/** The worker's registry access: one tenant's stored placement, and its recorded version. */
export class RegistryPlacements {
  constructor(private readonly pool: Pool) {}

  /** The tenant's placement whatever its status, or null when it has none. */
  async find(tenantId: string): Promise<TenantPlacement | null> {
    const { rows } = await this.pool.query<PlacementRow>(BY_ID_SQL, [tenantId]);
    const row = rows[0];
    return row === undefined ? null : placementFromRow(row);
  }

  /** The placements of the given tenants (all placed tenants when `tenantIds` is undefined), by slug. */
  async list(tenantIds?: readonly string[]): Promise<TenantPlacement[]> {
    const { rows } = await this.pool.query<PlacementRow>(LIST_SQL, [tenantIds ?? null]);
    return rows.map(placementFromRow);
  }

  async recordVersion(tenantId: string, version: string): Promise<void> {
    await this.pool.query(RECORD_VERSION_SQL, [tenantId, version]);
  }
}
