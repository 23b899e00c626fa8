import { Injectable } from '@nestjs/common';
import { ProvisioningAction } from '@sysmanage/contracts';
import type { RegistryProvisioningJob, RegistryTenant, TenantStatus } from '@sysmanage/schema';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditLogRepository } from '../audit/audit-log.repository';
import { actorOf, type Principal } from '../auth/principal';
import { RegistryError, RegistryErrorCode } from '../errors/registry-error';
import { ProvisioningPublisher } from '../provisioning/provisioning-publisher';
import { MultitenancyGate } from '../tenants/multitenancy-gate';
import type { DeleteTenantDto } from '../tenants/tenant.dto';
import { tenantNotFound } from '../tenants/tenant-reader';
import { toJobView, type JobView } from '../tenants/tenant.views';
import { TenantsRepository } from '../tenants/tenants.repository';
import { ProvisioningJobsRepository } from './provisioning-jobs.repository';

interface ActionRule {
  /** Tenant states the action may start from. */
  from: readonly TenantStatus[];
  /** The state the tenant enters when the job is queued; null leaves it to the provisioner. */
  enters: TenantStatus | null;
}

const RULES: Readonly<Record<ProvisioningAction, ActionRule>> = {
  [ProvisioningAction.PROVISION]: { from: ['pending', 'failed'], enters: 'provisioning' },
  [ProvisioningAction.SUSPEND]: { from: ['active'], enters: null },
  [ProvisioningAction.RESUME]: { from: ['suspended'], enters: null },
  [ProvisioningAction.DEPROVISION]: {
    from: ['pending', 'active', 'suspended', 'failed'],
    enters: 'deprovisioning',
  },
};

// The pseudo-step a job fails at when the queue never took it.
const ENQUEUE_STEP = 'enqueue';

interface Queued {
  job: RegistryProvisioningJob;
  tenant: RegistryTenant;
}

/**
 * Lifecycle requests (provision, suspend, resume, deprovision): records the job
 * (one open job per tenant) with its audit entry in one transaction, then
 * publishes the ProvisioningCommand and answers only after JetStream's ack.
 * Asking again while the same action is open re-publishes that job (the job id
 * deduplicates), so a client retry after a lost answer is harmless.
 */
@Injectable()
export class TenantLifecycleService {
  constructor(
    private readonly ds: DataSource,
    private readonly gate: MultitenancyGate,
    private readonly tenants: TenantsRepository,
    private readonly jobs: ProvisioningJobsRepository,
    private readonly audit: AuditLogRepository,
    private readonly publisher: ProvisioningPublisher,
  ) {}

  provision(tenantId: string, principal: Principal): Promise<JobView> {
    return this.request(tenantId, ProvisioningAction.PROVISION, principal, {});
  }

  suspend(tenantId: string, principal: Principal): Promise<JobView> {
    return this.request(tenantId, ProvisioningAction.SUSPEND, principal, {});
  }

  resume(tenantId: string, principal: Principal): Promise<JobView> {
    return this.request(tenantId, ProvisioningAction.RESUME, principal, {});
  }

  /** Needs the slug typed again and an explicit drop_database choice. */
  deprovision(tenantId: string, confirmation: DeleteTenantDto, principal: Principal): Promise<JobView> {
    return this.request(tenantId, ProvisioningAction.DEPROVISION, principal, confirmation);
  }

  /** True when a provisioning run got past reserving names, so the tenant database may exist. */
  databaseMayExist(tenantId: string, manager: EntityManager): Promise<boolean> {
    return this.jobs.anyPastReserve(tenantId, manager);
  }

  private async request(
    tenantId: string,
    action: ProvisioningAction,
    principal: Principal,
    confirmation: DeleteTenantDto,
  ): Promise<JobView> {
    this.gate.assertEnabled(`${action} a tenant`);
    const { job, tenant } = await this.ds.transaction((manager) =>
      this.queue(tenantId, action, principal, confirmation, manager),
    );
    try {
      await this.publisher.publish({
        jobId: job.id,
        tenantId,
        action,
        ...(action === ProvisioningAction.DEPROVISION
          ? { keepDatabase: confirmation.drop_database !== true }
          : {}),
        requestedAt: new Date().toISOString(),
      });
    } catch (error) {
      await this.recordEnqueueFailure(job, tenant, action, error);
      throw error;
    }
    return toJobView(job);
  }

  private async queue(
    tenantId: string,
    action: ProvisioningAction,
    principal: Principal,
    confirmation: DeleteTenantDto,
    manager: EntityManager,
  ): Promise<Queued> {
    const tenant = await this.tenants.findByIdForUpdate(tenantId, manager);
    if (!tenant) throw tenantNotFound(tenantId);
    if (action === ProvisioningAction.DEPROVISION) this.checkConfirmation(tenant, confirmation);
    const open = await this.jobs.findOpen(tenantId, manager);
    if (open) {
      if (open.kind === action) return { job: open, tenant };
      throw new RegistryError(
        RegistryErrorCode.JOB_IN_PROGRESS,
        `tenant ${tenant.slug} has a ${open.kind} job ${open.id} still ${open.status}; wait for it to finish`,
      );
    }
    const rule = RULES[action];
    if (!rule.from.includes(tenant.status)) {
      throw new RegistryError(
        RegistryErrorCode.INVALID_TENANT_STATE,
        `cannot ${action} tenant ${tenant.slug} while it is ${tenant.status}; allowed from: ${rule.from.join(', ')}`,
      );
    }
    const job = await this.jobs.insert(tenantId, action, manager);
    if (rule.enters)
      await this.tenants.setStatus(tenantId, rule.enters, { failedStep: null, lastError: null }, manager);
    await this.audit.append(
      {
        actor: actorOf(principal),
        action: `tenant.${action}`,
        targetType: 'tenant',
        targetId: tenantId,
        tenantId,
        detail: {
          slug: tenant.slug,
          job_id: job.id,
          from_status: tenant.status,
          ...(action === ProvisioningAction.DEPROVISION ? { drop_database: confirmation.drop_database } : {}),
        },
      },
      manager,
    );
    return { job, tenant };
  }

  private checkConfirmation(tenant: RegistryTenant, confirmation: DeleteTenantDto): void {
    if (confirmation.confirm_slug !== tenant.slug) {
      throw new RegistryError(
        RegistryErrorCode.CONFIRMATION_MISMATCH,
        confirmation.confirm_slug === undefined
          ? `deleting tenant ${tenant.id} needs confirm_slug set to its slug`
          : `confirm_slug does not match the slug of tenant ${tenant.id}`,
      );
    }
    if (confirmation.drop_database === undefined) {
      throw new RegistryError(
        RegistryErrorCode.VALIDATION_FAILED,
        'drop_database (true or false) is required',
        [{ field: 'drop_database', messages: ['drop_database must be a boolean value'] }],
      );
    }
  }

  // The queue never took the job: fail it (freeing the one-open-job slot) and, for actions that moved the
  // tenant into a working state, mark the tenant failed so a retry is allowed and GET shows why.
  private async recordEnqueueFailure(
    job: RegistryProvisioningJob,
    tenant: RegistryTenant,
    action: ProvisioningAction,
    error: unknown,
  ): Promise<void> {
    const message = error instanceof Error ? error.message : String(error);
    await this.ds.transaction(async (manager) => {
      await this.jobs.markFailed(job.id, message, manager);
      if (RULES[action].enters) {
        await this.tenants.setStatus(
          tenant.id,
          'failed',
          { failedStep: ENQUEUE_STEP, lastError: message },
          manager,
        );
      }
    });
  }
}
