import { Injectable } from '@nestjs/common';
import { RegistryProvisioningJob, type ProvisioningJobKind } from '@sysmanage/schema';
import { DataSource, In, type EntityManager } from 'typeorm';

@Injectable()
export class ProvisioningJobsRepository {
  constructor(private readonly ds: DataSource) {}

  /** The tenant's queued or running job (at most one: a partial unique index). */
  findOpen(
    tenantId: string,
    manager: EntityManager = this.ds.manager,
  ): Promise<RegistryProvisioningJob | null> {
    return manager.findOne(RegistryProvisioningJob, {
      where: { tenantId, status: In(['queued', 'running']) },
    });
  }

  /** The tenant's most recent job, whatever its status. */
  findLatest(
    tenantId: string,
    manager: EntityManager = this.ds.manager,
  ): Promise<RegistryProvisioningJob | null> {
    return manager.findOne(RegistryProvisioningJob, {
      where: { tenantId },
      order: { startedAt: 'DESC', id: 'DESC' },
    });
  }

  insert(
    tenantId: string,
    kind: ProvisioningJobKind,
    manager: EntityManager = this.ds.manager,
  ): Promise<RegistryProvisioningJob> {
    return manager.save(
      RegistryProvisioningJob,
      manager.create(RegistryProvisioningJob, { tenantId, kind, status: 'queued' }),
    );
  }

  async markFailed(id: string, lastError: string, manager: EntityManager = this.ds.manager): Promise<void> {
    await manager.update(
      RegistryProvisioningJob,
      { id },
      { status: 'failed', lastError, updatedAt: () => 'now()', finishedAt: () => 'now()' },
    );
  }

  /** True when any job of the tenant got past reserving names (a database may exist). */
  async anyPastReserve(tenantId: string, manager: EntityManager = this.ds.manager): Promise<boolean> {
    const rows: { n: number }[] = await manager.query(
      `SELECT count(*)::int AS n FROM registry_provisioning_jobs
        WHERE tenant_id = $1 AND kind = 'provision' AND step IS NOT NULL AND step <> 'reserve'`,
      [tenantId],
    );
    return (rows[0]?.n ?? 0) > 0;
  }
}
