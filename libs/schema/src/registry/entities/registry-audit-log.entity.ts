import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * Append-only audit trail of control-plane actions. `tenant_id` is not a
 * foreign key on purpose: the trail must outlive a purged tenant.
 */
@Entity({ name: 'registry_audit_log' })
@Index('registry_audit_log_at_idx', ['at'])
@Index('registry_audit_log_tenant_at_idx', ['tenantId', 'at'])
export class RegistryAuditLog {
  /** bigint: returned by pg as a string. */
  @PrimaryGeneratedColumn('increment', {
    type: 'bigint',
    primaryKeyConstraintName: 'registry_audit_log_pkey',
  })
  id!: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  at!: Date;

  /** Who acted: `principal:<id>`, `system:<service>`, ... */
  @Column({ type: 'text' })
  actor!: string;

  /** Dotted verb, e.g. `tenant.suspend`. */
  @Column({ type: 'text' })
  action!: string;

  @Column({ type: 'text', name: 'target_type' })
  targetType!: string;

  @Column({ type: 'text', name: 'target_id', nullable: true })
  targetId!: string | null;

  @Column({ type: 'uuid', name: 'tenant_id', nullable: true })
  tenantId!: string | null;

  @Column({ type: 'text', name: 'request_id', nullable: true })
  requestId!: string | null;

  /** Never secrets: callers redact before writing. */
  @Column({ type: 'jsonb', default: {} })
  detail!: Record<string, unknown>;
}
