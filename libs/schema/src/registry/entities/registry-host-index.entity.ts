import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  ForeignKey,
  Index,
  PrimaryGeneratedColumn,
  Unique,
} from 'typeorm';
import { RegistryEnrollmentToken } from './registry-enrollment-token.entity';
import { RegistryTenant } from './registry-tenant.entity';

/**
 * Host -> tenant routing index. `host_id` is also the primary key of the
 * host's row in its tenant database (`hosts.id`); that link crosses a
 * partition, so it is a plain UUID, not a foreign key.
 */
@Entity({ name: 'registry_host_index' })
@Unique('registry_host_index_credential_hash_key', ['credentialHash'])
@Unique('registry_host_index_tenant_machine_key', ['tenantId', 'machineId'])
@Check('registry_host_index_credential_hash_check', `"credential_hash" ~ '^[0-9a-f]{64}$'`)
@Index('registry_host_index_enrollment_token_id_idx', ['enrollmentTokenId'])
export class RegistryHostIndex {
  @PrimaryGeneratedColumn('uuid', { name: 'host_id', primaryKeyConstraintName: 'registry_host_index_pkey' })
  hostId!: string;

  @Column({ type: 'uuid', name: 'tenant_id' })
  @ForeignKey(() => RegistryTenant, { name: 'registry_host_index_tenant_id_fkey', onDelete: 'CASCADE' })
  tenantId!: string;

  @Column({ type: 'text', name: 'machine_id' })
  machineId!: string;

  /** The token the host enrolled with; kept (as null) when that token is purged. */
  @Column({ type: 'uuid', name: 'enrollment_token_id', nullable: true })
  @ForeignKey(() => RegistryEnrollmentToken, {
    name: 'registry_host_index_enrollment_token_id_fkey',
    onDelete: 'SET NULL',
  })
  enrollmentTokenId!: string | null;

  /** SHA-256 (hex) of the host credential; the credential itself is shown once and never stored. */
  @Column({ type: 'text', name: 'credential_hash' })
  credentialHash!: string;

  @Column({ type: 'timestamptz', name: 'credential_revoked_at', nullable: true })
  credentialRevokedAt!: Date | null;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt!: Date;
}
