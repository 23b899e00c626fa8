import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  PrimaryGeneratedColumn,
  Unique,
  UpdateDateColumn,
} from 'typeorm';
import type { TenantStatus } from '../registry-vocabulary';

/** The tenant catalog. Rows are never hard-deleted by the lifecycle: `deleted` is a status. */
@Entity({ name: 'registry_tenants' })
@Unique('registry_tenants_slug_key', ['slug'])
@Check('registry_tenants_slug_check', `"slug" ~ '^[a-z][a-z0-9_]{0,39}$'`)
@Check(
  'registry_tenants_status_check',
  `"status" IN ('pending', 'provisioning', 'active', 'suspended', 'deprovisioning', 'deleted', 'failed')`,
)
@Index('registry_tenants_status_idx', ['status'])
export class RegistryTenant {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'registry_tenants_pkey' })
  id!: string;

  @Column({ type: 'text' })
  slug!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text', default: 'pending' })
  status!: TenantStatus;

  @Column({ type: 'text', default: 'standard' })
  edition!: string;

  /** Quotas (hosts, users, ...) as the control plane sets them; shape owned by the registry service. */
  @Column({ type: 'jsonb', default: {} })
  limits!: Record<string, unknown>;

  @Column({ type: 'jsonb', default: {} })
  settings!: Record<string, unknown>;

  /** Requested region; null lets placement choose. */
  @Column({ type: 'text', nullable: true })
  region!: string | null;

  @Column({ type: 'text', nullable: true })
  jurisdiction!: string | null;

  /** The saga step that failed when status is `failed`. */
  @Column({ type: 'text', name: 'failed_step', nullable: true })
  failedStep!: string | null;

  @Column({ type: 'text', name: 'last_error', nullable: true })
  lastError!: string | null;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz', name: 'updated_at' })
  updatedAt!: Date;
}
