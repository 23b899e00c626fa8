import { TenantStatus } from '@sysmanage/contracts';
import type { ClientConfig } from 'pg';
import { withClient } from '../db/with-client';
import type { TenantPlacement, TenantTargetSource } from './tenant-target-source';

/**
 * Tenants whose databases exist and must follow the schema. Provisioning
 * tenants are migrated by the provisioner's request (step 4 of the saga), so a
 * bulk run does not race it; pending/deleted tenants have no database.
 * Suspended tenants are listed so the run can report them as skipped.
 */
export const MIGRATABLE_STATUSES: readonly string[] = [TenantStatus.ACTIVE, TenantStatus.SUSPENDED];

export interface PlacementRow {
  tenant_id: string;
  slug: string;
  status: string;
  host: string;
  port: number;
  database_name: string;
  owner_role: string;
  vault_owner_role: string;
  recorded_version: string | null;
}

/** The placement columns plus the recorded tenant-chain version; callers add WHERE/ORDER. */
export const PLACEMENT_SELECT = `
SELECT t.id::text AS tenant_id, t.slug, t.status, s.host, s.port, p.database_name, p.owner_role, p.vault_owner_role,
       v.version AS recorded_version
  FROM registry_placements p
  JOIN registry_tenants t ON t.id = p.tenant_id
  JOIN registry_database_servers s ON s.id = p.server_id
  LEFT JOIN registry_tenant_db_versions v ON v.tenant_id = t.id AND v.chain = 'tenant'`;

const PLACEMENTS_SQL = `${PLACEMENT_SELECT}
 WHERE t.status = ANY($1::text[])
 ORDER BY t.slug`;

export const RECORD_VERSION_SQL = `
INSERT INTO registry_tenant_db_versions (tenant_id, chain, version, applied_at)
VALUES ($1::uuid, 'tenant', $2, now())
ON CONFLICT (tenant_id, chain) DO UPDATE SET version = EXCLUDED.version, applied_at = EXCLUDED.applied_at`;

export function placementFromRow(row: PlacementRow): TenantPlacement {
  return {
    tenantId: row.tenant_id,
    slug: row.slug,
    status: row.status,
    server: { host: row.host, port: Number(row.port) },
    databaseName: row.database_name,
    ownerRole: row.owner_role,
    vaultOwnerRole: row.vault_owner_role,
    recordedVersion: row.recorded_version,
  };
}

/**
 * Reads the placements the registry stored (never recomputes names) together
 * with each tenant's recorded version: the whole up-to-date check of a
 * fan-out is this one query.
 */
export class RegistryTenantTargetSource implements TenantTargetSource {
  constructor(private readonly registry: ClientConfig) {}

  async listTenants(): Promise<TenantPlacement[]> {
    return withClient(this.registry, async (client) => {
      const { rows } = await client.query<PlacementRow>(PLACEMENTS_SQL, [MIGRATABLE_STATUSES]);
      return rows.map(placementFromRow);
    });
  }

  async recordVersion(tenantId: string, version: string): Promise<void> {
    await withClient(this.registry, (client) => client.query(RECORD_VERSION_SQL, [tenantId, version]));
  }
}
