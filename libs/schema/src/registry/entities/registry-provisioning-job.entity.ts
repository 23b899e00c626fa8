import { Check, Column, Entity, ForeignKey, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { ProvisioningJobKind, ProvisioningJobStatus } from '../registry-vocabulary';
import { RegistryTenant } from './registry-tenant.entity';

/**
 * One lifecycle saga run (provision, suspend, ...): the step reached, attempts
 * and last error, so a crashed worker resumes where it stopped. At most one
 * open (queued or running) job per tenant.
 */
@Entity({ name: 'registry_provisioning_jobs' })
@Check('registry_provisioning_jobs_kind_check', `"kind" IN ('provision', 'deprovision', 'suspend', 'resume')`)
@Check('registry_provisioning_jobs_status_check', `"status" IN ('queued', 'running', 'succeeded', 'failed')`)
@Check('registry_provisioning_jobs_attempts_check', `"attempts" >= 0`)
@Index('registry_provisioning_jobs_tenant_started_idx', ['tenantId', 'startedAt'])
@Index('registry_provisioning_jobs_one_open_per_tenant', ['tenantId'], {
  unique: true,
  where: `"status" IN ('queued', 'running')`,
})
export class RegistryProvisioningJob {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'registry_provisioning_jobs_pkey' })
  id!: string;

  @Column({ type: 'uuid', name: 'tenant_id' })
  @ForeignKey(() => RegistryTenant, {
    name: 'registry_provisioning_jobs_tenant_id_fkey',
    onDelete: 'CASCADE',
  })
  tenantId!: string;

  @Column({ type: 'text' })
  kind!: ProvisioningJobKind;

  /** The last step completed or being attempted; null before the first. */
  @Column({ type: 'text', nullable: true })
  step!: string | null;

  @Column({ type: 'text', default: 'queued' })
  status!: ProvisioningJobStatus;

  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  @Column({ type: 'text', name: 'last_error', nullable: true })
  lastError!: string | null;

  @Column({ type: 'timestamptz', name: 'started_at', default: () => 'now()' })
  startedAt!: Date;

  @Column({ type: 'timestamptz', name: 'updated_at', default: () => 'now()' })
  updatedAt!: Date;

  @Column({ type: 'timestamptz', name: 'finished_at', nullable: true })
  finishedAt!: Date | null;
}
