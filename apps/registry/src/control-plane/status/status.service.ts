import { Injectable } from '@nestjs/common';
import { chainHead, TENANT_STATUSES, type TenantStatus } from '@sysmanage/schema';
import { DataSource } from 'typeorm';
import { DatabaseServersRepository } from '../servers/database-servers.repository';
import { MultitenancyGate } from '../tenants/multitenancy-gate';
import { PlacementsRepository } from '../tenants/placements.repository';
import { TenantsRepository } from '../tenants/tenants.repository';
import { REGISTRY_VERSION } from './registry-version';

interface VersionRow {
  tenant_id: string;
  version: string;
  applied_at: Date;
}

// The registry does not log into tenant databases (no tenant credential); the migrator does.
const ACTUAL_NOTE =
  'actual is null: the registry holds no tenant credentials to read tenant_migrations; `sysmanage-migrate --status` reads the databases';

@Injectable()
export class StatusService {
  constructor(
    private readonly ds: DataSource,
    private readonly gate: MultitenancyGate,
    private readonly tenants: TenantsRepository,
    private readonly servers: DatabaseServersRepository,
    private readonly placements: PlacementsRepository,
  ) {}

  async status() {
    const counts = await this.tenants.countByStatus();
    const byStatus = Object.fromEntries(TENANT_STATUSES.map((s: TenantStatus) => [s, counts.get(s) ?? 0]));
    const total = [...counts.values()].reduce((sum, n) => sum + n, 0);
    return {
      service: 'registry',
      version: REGISTRY_VERSION,
      multitenancy: {
        enabled: this.gate.enabled,
        self_service_provisioning: this.gate.selfServiceProvisioning,
      },
      tenants: { total, by_status: byStatus },
      database_servers: await this.servers.count(),
    };
  }

  /** Per placed tenant: the tenant-chain version the migrator recorded, against the head. */
  async migrationStatus() {
    const head = chainHead('tenant');
    const [placements, tenants, versions, servers] = await Promise.all([
      this.placements.all(),
      this.tenants.page({ limit: Number.MAX_SAFE_INTEGER, offset: 0 }),
      this.ds.query(
        `SELECT tenant_id, version, applied_at FROM registry_tenant_db_versions WHERE chain = 'tenant'`,
      ) as Promise<VersionRow[]>,
      this.servers.listWithLoad(),
    ]);
    const tenantById = new Map(tenants.items.map((t) => [t.id, t]));
    const versionByTenant = new Map(versions.map((v) => [v.tenant_id, v]));
    const serverById = new Map(servers.map((s) => [s.server.id, s.server.name]));
    const items = placements.map((p) => {
      const recorded = versionByTenant.get(p.tenantId);
      return {
        tenant_id: p.tenantId,
        slug: tenantById.get(p.tenantId)?.slug ?? null,
        status: tenantById.get(p.tenantId)?.status ?? null,
        database_server: serverById.get(p.serverId) ?? null,
        database_name: p.databaseName,
        recorded: recorded?.version ?? null,
        recorded_at: recorded?.applied_at.toISOString() ?? null,
        actual: null,
        head,
        up_to_date: recorded?.version === head,
      };
    });
    return { chain: 'tenant', head, note: ACTUAL_NOTE, tenants: items };
  }
}
