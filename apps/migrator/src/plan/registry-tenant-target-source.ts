import { TenantStatus } from '@sysmanage/contracts';
import type { ClientConfig } from 'pg';
import { withClient } from '../db/with-client';
import type { TenantPlacement, TenantTargetSource } from './tenant-target-source';

/**
 * Tenants whose databases exist and must follow the schema. Provisioning
 * tenants are migrated by the provisioner's request (step 4 of the saga), so a
 * bulk run does not race it; pending/deleted tenants have no database.
 */
export const MIGRATABLE_STATUSES: readonly string[] = [TenantStatus.ACTIVE, TenantStatus.SUSPENDED];

interface PlacementRow {
  tenant_id: string;
  slug: string;
  status: string;
  host: string;
  port: number;
  database_name: string;
  owner_role: string;
  vault_owner_role: string;
}

const PLACEMENTS_SQL = `
SELECT t.id::text AS tenant_id, t.slug, t.status, s.host, s.port, p.database_name, p.owner_role, p.vault_owner_role
  FROM registry_placements p
  JOIN registry_tenants t ON t.id = p.tenant_id
  JOIN registry_database_servers s ON s.id = p.server_id
 WHERE t.status = ANY($1::text[])
 ORDER BY t.slug`;

/** Reads the placements the registry stored (never recomputes names). */
export class RegistryTenantTargetSource implements TenantTargetSource {
  constructor(private readonly registry: ClientConfig) {}

  async listTenants(): Promise<TenantPlacement[]> {
    return withClient(this.registry, async (client) => {
      const { rows } = await client.query<PlacementRow>(PLACEMENTS_SQL, [MIGRATABLE_STATUSES]);
      return rows.map((row) => ({
        tenantId: row.tenant_id,
        slug: row.slug,
        status: row.status,
        server: { host: row.host, port: Number(row.port) },
        databaseName: row.database_name,
        ownerRole: row.owner_role,
        vaultOwnerRole: row.vault_owner_role,
      }));
    });
  }
}
