import { Injectable } from '@nestjs/common';
import type { RegistryTenant } from '@sysmanage/schema';
import { DataSource, type EntityManager } from 'typeorm';
import { RegistryError, RegistryErrorCode } from '../errors/registry-error';
import { ProvisioningJobsRepository } from '../jobs/provisioning-jobs.repository';
import { DatabaseServersRepository } from '../servers/database-servers.repository';
import { PlacementsRepository } from './placements.repository';
import {
  toJobView,
  toPlacementView,
  toTenantSummaryView,
  type PlacementView,
  type TenantView,
} from './tenant.views';
import { TenantsRepository } from './tenants.repository';

export function tenantNotFound(id: string): RegistryError {
  return new RegistryError(RegistryErrorCode.TENANT_NOT_FOUND, `no tenant with id ${id}`);
}

/** Assembles the detailed tenant view (placement and current job) shared by reads and writes. */
@Injectable()
export class TenantReader {
  constructor(
    private readonly ds: DataSource,
    private readonly tenants: TenantsRepository,
    private readonly placements: PlacementsRepository,
    private readonly servers: DatabaseServersRepository,
    private readonly jobs: ProvisioningJobsRepository,
  ) {}

  async require(id: string, manager: EntityManager = this.ds.manager): Promise<RegistryTenant> {
    const tenant = await this.tenants.findById(id, manager);
    if (!tenant) throw tenantNotFound(id);
    return tenant;
  }

  async detail(id: string, manager: EntityManager = this.ds.manager): Promise<TenantView> {
    const tenant = await this.require(id, manager);
    const [placement, job] = await Promise.all([
      this.placement(id, manager),
      this.jobs.findLatest(id, manager),
    ]);
    return { ...toTenantSummaryView(tenant), placement, job: job ? toJobView(job) : null };
  }

  async placement(tenantId: string, manager: EntityManager = this.ds.manager): Promise<PlacementView | null> {
    const placement = await this.placements.findByTenant(tenantId, manager);
    if (!placement) return null;
    return toPlacementView(placement, await this.servers.findById(placement.serverId, manager));
  }
}
