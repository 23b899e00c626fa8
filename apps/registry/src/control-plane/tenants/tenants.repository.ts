import { Injectable } from '@nestjs/common';
import { RegistryTenant, type TenantStatus } from '@sysmanage/schema';
import { DataSource, type EntityManager } from 'typeorm';

export interface TenantPage {
  items: RegistryTenant[];
  total: number;
}

@Injectable()
export class TenantsRepository {
  constructor(private readonly ds: DataSource) {}

  findById(id: string, manager: EntityManager = this.ds.manager): Promise<RegistryTenant | null> {
    return manager.findOne(RegistryTenant, { where: { id } });
  }

  /** Locks the row for the rest of the transaction: lifecycle changes of one tenant are serialised. */
  findByIdForUpdate(id: string, manager: EntityManager): Promise<RegistryTenant | null> {
    return manager
      .createQueryBuilder(RegistryTenant, 't')
      .setLock('pessimistic_write')
      .where('t.id = :id', { id })
      .getOne();
  }

  findBySlug(slug: string, manager: EntityManager = this.ds.manager): Promise<RegistryTenant | null> {
    return manager.findOne(RegistryTenant, { where: { slug } });
  }

  insert(
    values: Pick<RegistryTenant, 'slug' | 'name' | 'edition' | 'region' | 'jurisdiction'>,
    manager: EntityManager = this.ds.manager,
  ): Promise<RegistryTenant> {
    return manager.save(RegistryTenant, manager.create(RegistryTenant, { ...values, status: 'pending' }));
  }

  async setStatus(
    id: string,
    status: TenantStatus,
    failure: { failedStep: string | null; lastError: string | null },
    manager: EntityManager = this.ds.manager,
  ): Promise<void> {
    await manager.update(RegistryTenant, { id }, { status, ...failure });
  }

  async page(
    filter: { status?: TenantStatus; limit: number; offset: number },
    manager: EntityManager = this.ds.manager,
  ): Promise<TenantPage> {
    const [items, total] = await manager.findAndCount(RegistryTenant, {
      where: filter.status ? { status: filter.status } : {},
      order: { createdAt: 'ASC', id: 'ASC' },
      take: filter.limit,
      skip: filter.offset,
    });
    return { items, total };
  }

  async countByStatus(manager: EntityManager = this.ds.manager): Promise<Map<TenantStatus, number>> {
    const rows: { status: TenantStatus; n: number }[] = await manager.query(
      `SELECT status, count(*)::int AS n FROM registry_tenants GROUP BY status`,
    );
    return new Map(rows.map((r) => [r.status, r.n]));
  }
}
