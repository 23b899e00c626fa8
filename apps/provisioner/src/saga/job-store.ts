import {
  RegistryDatabaseServer,
  RegistryPlacement,
  RegistryProvisioningJob,
  RegistryTenant,
  type TenantStatus,
} from '@sysmanage/schema';
import type { DataSource } from 'typeorm';
import { In } from 'typeorm';
import { ProvisionerError, ProvisionerErrorCode } from '../provisioning/provisioner-error';
import type { JobContext } from './job-context';

/** The job's rows in the registry, loaded fresh: the registry is the saga's memory across crashes. */
export class JobStore {
  constructor(private readonly ds: DataSource) {}

  async findJob(jobId: string): Promise<RegistryProvisioningJob | null> {
    return this.ds.getRepository(RegistryProvisioningJob).findOneBy({ id: jobId });
  }

  async loadContext(job: RegistryProvisioningJob, keepDatabase: boolean): Promise<JobContext | null> {
    const tenant = await this.ds.getRepository(RegistryTenant).findOneBy({ id: job.tenantId });
    if (!tenant) return null;
    const placement = await this.ds.getRepository(RegistryPlacement).findOneBy({ tenantId: tenant.id });
    const server = placement
      ? await this.ds.getRepository(RegistryDatabaseServer).findOneBy({ id: placement.serverId })
      : null;
    if (placement && !server) {
      throw new ProvisionerError(
        ProvisionerErrorCode.REGISTRY_STATE,
        `tenant ${tenant.slug}: placement names server ${placement.serverId}, which is not registered`,
      );
    }
    return { job, tenant, placement, server, keepDatabase };
  }

  /** A new delivery begins: attempts + 1, status running. Returns the attempt number. */
  async beginAttempt(jobId: string): Promise<number> {
    const result = await this.ds
      .createQueryBuilder()
      .update(RegistryProvisioningJob)
      .set({ attempts: () => 'attempts + 1', status: 'running', updatedAt: () => 'now()' })
      .where('id = :jobId', { jobId })
      .returning(['attempts'])
      .execute();
    const rows = result.raw as Array<{ attempts: number }>;
    const attempts = rows[0]?.attempts;
    if (attempts === undefined) {
      throw new ProvisionerError(
        ProvisionerErrorCode.REGISTRY_STATE,
        `provisioning job ${jobId} disappeared`,
      );
    }
    return attempts;
  }

  /** The step about to run; a redelivery resumes here. */
  async recordStep(jobId: string, step: string): Promise<void> {
    await this.ds
      .getRepository(RegistryProvisioningJob)
      .update({ id: jobId }, { step, updatedAt: new Date() });
  }

  async recordError(jobId: string, step: string, error: string): Promise<void> {
    await this.ds
      .getRepository(RegistryProvisioningJob)
      .update({ id: jobId }, { step, lastError: error, updatedAt: new Date() });
  }

  async setTenantStatus(tenantId: string, status: TenantStatus): Promise<void> {
    await this.ds
      .getRepository(RegistryTenant)
      .update({ id: tenantId }, { status, failedStep: null, lastError: null });
  }

  /** The job's final success: tenant status and job state in one transaction. */
  async succeed(jobId: string, tenantId: string, status: TenantStatus): Promise<void> {
    await this.ds.transaction(async (tx) => {
      await tx
        .getRepository(RegistryTenant)
        .update({ id: tenantId }, { status, failedStep: null, lastError: null });
      await tx
        .getRepository(RegistryProvisioningJob)
        .update(
          { id: jobId },
          { status: 'succeeded', lastError: null, updatedAt: new Date(), finishedAt: new Date() },
        );
    });
  }

  /** Out of attempts: job failed, tenant failed with the step and error (what GET /tenants/{id} shows). */
  async fail(jobId: string, tenantId: string, step: string, error: string): Promise<void> {
    await this.ds.transaction(async (tx) => {
      await tx
        .getRepository(RegistryTenant)
        .update({ id: tenantId }, { status: 'failed', failedStep: step, lastError: error });
      await tx
        .getRepository(RegistryProvisioningJob)
        .update(
          { id: jobId },
          { status: 'failed', step, lastError: error, updatedAt: new Date(), finishedAt: new Date() },
        );
    });
  }

  /**
   * Slugs whose credentials the generated policies must grant: active and
   * suspended tenants, and those being provisioned (another worker may be
   * between its `openbao` and `migrate` steps; a path for a role that does
   * not exist yet grants nothing).
   */
  async credentialSlugs(): Promise<string[]> {
    const tenants = await this.ds
      .getRepository(RegistryTenant)
      .find({ where: { status: In(['active', 'suspended', 'provisioning']) }, select: { slug: true } });
    return tenants.map((t) => t.slug);
  }

  /**
   * Deprovision's last step: the tenant row goes, and with it (ON DELETE
   * CASCADE) its placement, recorded versions and jobs, this one included.
   */
  async deleteTenant(tenantId: string): Promise<void> {
    await this.ds.getRepository(RegistryTenant).delete({ id: tenantId });
  }
}
