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
import { RegistryTenant } from './registry-tenant.entity';

/**
 * A tenant-scoped enrollment token. Only its SHA-256 (hex) is stored; `prefix`
 * is the first characters of the plain token, for operators to recognise it.
 * The CHECK makes over-consumption impossible even under a racing UPDATE.
 */
@Entity({ name: 'registry_enrollment_tokens' })
@Unique('registry_enrollment_tokens_token_hash_key', ['tokenHash'])
@Check('registry_enrollment_tokens_token_hash_check', `"token_hash" ~ '^[0-9a-f]{64}$'`)
@Check('registry_enrollment_tokens_max_uses_check', `"max_uses" IS NULL OR "max_uses" > 0`)
@Check(
  'registry_enrollment_tokens_uses_check',
  `"uses" >= 0 AND ("max_uses" IS NULL OR "uses" <= "max_uses")`,
)
@Index('registry_enrollment_tokens_tenant_id_idx', ['tenantId'])
export class RegistryEnrollmentToken {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'registry_enrollment_tokens_pkey' })
  id!: string;

  @Column({ type: 'uuid', name: 'tenant_id' })
  @ForeignKey(() => RegistryTenant, {
    name: 'registry_enrollment_tokens_tenant_id_fkey',
    onDelete: 'CASCADE',
  })
  tenantId!: string;

  @Column({ type: 'text', default: '' })
  label!: string;

  @Column({ type: 'text', name: 'token_hash' })
  tokenHash!: string;

  @Column({ type: 'text' })
  prefix!: string;

  /** Null: unlimited uses (until expiry or revocation). */
  @Column({ type: 'integer', name: 'max_uses', nullable: true })
  maxUses!: number | null;

  @Column({ type: 'integer', default: 0 })
  uses!: number;

  @Column({ type: 'timestamptz', name: 'expires_at', nullable: true })
  expiresAt!: Date | null;

  @Column({ type: 'timestamptz', name: 'revoked_at', nullable: true })
  revokedAt!: Date | null;

  @Column({ type: 'timestamptz', name: 'last_used_at', nullable: true })
  lastUsedAt!: Date | null;

  /** The admin principal (or `system`) that issued it. */
  @Column({ type: 'text', name: 'created_by', nullable: true })
  createdBy!: string | null;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt!: Date;
}
