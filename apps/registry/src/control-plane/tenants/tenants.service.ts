import { Injectable } from '@nestjs/common';
import { tenantResourceNames } from '@sysmanage/tenancy';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditLogRepository } from '../audit/audit-log.repository';
import { actorOf, type Principal } from '../auth/principal';
import { RegistryError, RegistryErrorCode } from '../errors/registry-error';
import { isUniqueViolation } from '../http/unique-violation';
import { TenantLifecycleService } from '../jobs/tenant-lifecycle.service';
import type { RegistryDatabaseServer } from '@sysmanage/schema';
import { MultitenancyGate } from './multitenancy-gate';
import { PlacementChooser } from './placement-chooser';
import { PlacementsRepository } from './placements.repository';
import type { CreateTenantDto, ListTenantsQueryDto, PlacementRequestDto } from './tenant.dto';
import { TenantReader } from './tenant-reader';
import {
  toTenantSummaryView,
  type PlacementView,
  type TenantSummaryView,
  type TenantView,
} from './tenant.views';
import { TenantsRepository } from './tenants.repository';

const DEFAULT_PAGE_SIZE = 50;

@Injectable()
export class TenantsService {
  constructor(
    private readonly ds: DataSource,
    private readonly gate: MultitenancyGate,
    private readonly tenants: TenantsRepository,
    private readonly placements: PlacementsRepository,
    private readonly chooser: PlacementChooser,
    private readonly reader: TenantReader,
    private readonly audit: AuditLogRepository,
    private readonly lifecycle: TenantLifecycleService,
  ) {}

  /** Creates the tenant (pending) with its placement; provisions it at once under self-service. */
  async create(dto: CreateTenantDto, principal: Principal): Promise<TenantView> {
    this.gate.assertEnabled('create a tenant');
    const exists = () =>
      new RegistryError(RegistryErrorCode.TENANT_EXISTS, `a tenant with slug ${dto.slug} already exists`);
    let tenantId: string;
    try {
      tenantId = await this.ds.transaction(async (manager) => {
        if (await this.tenants.findBySlug(dto.slug, manager)) throw exists();
        const server = await this.chooser.choose(dto, manager);
        const tenant = await this.tenants.insert(
          {
            slug: dto.slug,
            name: dto.name,
            edition: dto.edition ?? 'standard',
            region: dto.region ?? null,
            jurisdiction: dto.jurisdiction ?? null,
          },
          manager,
        );
        await this.place(tenant.id, dto.slug, server, manager);
        await this.audit.append(
          {
            actor: actorOf(principal),
            action: 'tenant.create',
            targetType: 'tenant',
            targetId: tenant.id,
            tenantId: tenant.id,
            detail: { ...dto, database_server_chosen: server.name },
          },
          manager,
        );
        return tenant.id;
      });
    } catch (error) {
      if (isUniqueViolation(error, 'registry_tenants_slug_key')) throw exists();
      throw error;
    }
    if (this.gate.selfServiceProvisioning) await this.provisionAfterCreate(tenantId, principal);
    return this.reader.detail(tenantId);
  }

  async list(
    query: ListTenantsQueryDto,
  ): Promise<{ items: TenantSummaryView[]; total: number; limit: number; offset: number }> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const offset = query.offset ?? 0;
    const page = await this.tenants.page({ status: query.status, limit, offset });
    return { items: page.items.map(toTenantSummaryView), total: page.total, limit, offset };
  }

  get(id: string): Promise<TenantView> {
    return this.reader.detail(id);
  }

  async getPlacement(id: string): Promise<PlacementView> {
    await this.reader.require(id);
    const placement = await this.reader.placement(id);
    if (!placement)
      throw new RegistryError(RegistryErrorCode.PLACEMENT_NOT_FOUND, `tenant ${id} has no placement`);
    return placement;
  }

  /** Moves a tenant to another server while nothing exists there yet (pending, or failed before its database). */
  async updatePlacement(id: string, wish: PlacementRequestDto, principal: Principal): Promise<PlacementView> {
    this.gate.assertEnabled('change a placement');
    await this.ds.transaction(async (manager) => {
      const tenant = await this.tenants.findByIdForUpdate(id, manager);
      if (!tenant) throw new RegistryError(RegistryErrorCode.TENANT_NOT_FOUND, `no tenant with id ${id}`);
      if (
        !['pending', 'failed'].includes(tenant.status) ||
        (await this.lifecycle.databaseMayExist(id, manager))
      ) {
        throw new RegistryError(
          RegistryErrorCode.PLACEMENT_LOCKED,
          `tenant ${tenant.slug} is ${tenant.status} and its database may exist; placement changes only before provisioning creates it`,
        );
      }
      const before = await this.placements.findByTenant(id, manager);
      const server = await this.chooser.choose(wish, manager);
      await this.place(id, tenant.slug, server, manager);
      await this.audit.append(
        {
          actor: actorOf(principal),
          action: 'tenant.placement.update',
          targetType: 'tenant',
          targetId: id,
          tenantId: id,
          detail: { ...wish, from_server_id: before?.serverId ?? null, to_server: server.name },
        },
        manager,
      );
    });
    return this.getPlacement(id);
  }

  private async place(
    tenantId: string,
    slug: string,
    server: RegistryDatabaseServer,
    manager: EntityManager,
  ): Promise<void> {
    await this.placements.save(
      {
        tenantId,
        serverId: server.id,
        ...tenantResourceNames(slug),
        region: server.region,
        jurisdiction: server.jurisdiction,
      },
      manager,
    );
  }

  // The tenant exists either way; a queue outage shows as the job's and tenant's failure, visible in GET.
  private async provisionAfterCreate(tenantId: string, principal: Principal): Promise<void> {
    try {
      await this.lifecycle.provision(tenantId, principal);
    } catch (error) {
      if (!(error instanceof RegistryError) || error.code !== RegistryErrorCode.PROVISIONING_UNAVAILABLE)
        throw error;
    }
  }
}
