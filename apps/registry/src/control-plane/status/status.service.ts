import { Injectable } from '@nestjs/common';
import { chainHead, TENANT_STATUSES, type TenantStatus } from '@sysmanage/schema';
import { DataSource } from 'typeorm';
import { DatabaseServersRepository } from '../servers/database-servers.repository';
import { MultitenancyGate } from '../tenants/multitenancy-gate';
import { PlacementsRepository } from '../tenants/placements.repository';
import { TenantsRepository } from '../tenants/tenants.repository';
import { MigratorVersionsClient } from './migrator-versions.client';
import { REGISTRY_VERSION } from './registry-version';

interface VersionRow {
  tenant_id: string;
  version: string;
  applied_at: Date;
}

// The registry does not log into tenant databases (no tenant credential); the migrator reads them for it.
const ACTUAL_NOTE =
  'actual is read from each tenant database by the migrator (owner lease); recorded is the registry row';

@Injectable()
export class StatusService {
  constructor(
    private readonly ds: DataSource,
    private readonly gate: MultitenancyGate,
    private readonly tenants: TenantsRepository,
    private readonly servers: DatabaseServersRepository,
    private readonly placements: PlacementsRepository,
    private readonly migrator: MigratorVersionsClient,
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

  /**
   * Per placed tenant: the tenant-chain version recorded in the registry and
   * the one the database actually holds (read by the migrator), against the
   * head. up_to_date follows the actual version when it could be read.
   */
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
    const actual = await this.migrator.actualVersions(placements.map((p) => p.tenantId));
    const tenantById = new Map(tenants.items.map((t) => [t.id, t]));
    const versionByTenant = new Map(versions.map((v) => [v.tenant_id, v]));
    const serverById = new Map(servers.map((s) => [s.server.id, s.server.name]));
    const items = placements.map((p) => {
      const recorded = versionByTenant.get(p.tenantId);
      const read = actual.answered ? actual.byTenant.get(p.tenantId) : undefined;
      const actualVersion = read?.version ?? null;
      const actualError = actual.answered ? (read?.error ?? null) : actual.reason;
      const known = read !== undefined && read.error === undefined;
      return {
        tenant_id: p.tenantId,
        slug: tenantById.get(p.tenantId)?.slug ?? null,
        status: tenantById.get(p.tenantId)?.status ?? null,
        database_server: serverById.get(p.serverId) ?? null,
        database_name: p.databaseName,
        recorded: recorded?.version ?? null,
        recorded_at: recorded?.applied_at.toISOString() ?? null,
        actual: actualVersion,
        actual_error: actualError,
        head,
        up_to_date: known ? actualVersion === head : recorded?.version === head,
      };
    });
    return { chain: 'tenant', head, note: ACTUAL_NOTE, tenants: items };
  }
}
