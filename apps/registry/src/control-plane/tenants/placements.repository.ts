import { Injectable } from '@nestjs/common';
import { RegistryPlacement } from '@sysmanage/schema';
import { DataSource, type EntityManager } from 'typeorm';

@Injectable()
export class PlacementsRepository {
  constructor(private readonly ds: DataSource) {}

  findByTenant(
    tenantId: string,
    manager: EntityManager = this.ds.manager,
  ): Promise<RegistryPlacement | null> {
    return manager.findOne(RegistryPlacement, { where: { tenantId } });
  }

  save(
    placement: Omit<RegistryPlacement, 'createdAt' | 'updatedAt'>,
    manager: EntityManager = this.ds.manager,
  ): Promise<RegistryPlacement> {
    return manager.save(RegistryPlacement, manager.create(RegistryPlacement, placement));
  }

  /** Every placement, for the migration-status report. */
  all(manager: EntityManager = this.ds.manager): Promise<RegistryPlacement[]> {
    return manager.find(RegistryPlacement, { order: { createdAt: 'ASC' } });
  }
}
