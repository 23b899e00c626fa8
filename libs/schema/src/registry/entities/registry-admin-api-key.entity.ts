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
import { RegistryAdminPrincipal } from './registry-admin-principal.entity';

/** A control-plane API key; only its SHA-256 (hex) is stored, `prefix` identifies it in listings. */
@Entity({ name: 'registry_admin_api_keys' })
@Unique('registry_admin_api_keys_key_hash_key', ['keyHash'])
@Check('registry_admin_api_keys_key_hash_check', `"key_hash" ~ '^[0-9a-f]{64}$'`)
@Index('registry_admin_api_keys_principal_id_idx', ['principalId'])
export class RegistryAdminApiKey {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'registry_admin_api_keys_pkey' })
  id!: string;

  @Column({ type: 'uuid', name: 'principal_id' })
  @ForeignKey(() => RegistryAdminPrincipal, {
    name: 'registry_admin_api_keys_principal_id_fkey',
    onDelete: 'CASCADE',
  })
  principalId!: string;

  @Column({ type: 'text', name: 'key_hash' })
  keyHash!: string;

  @Column({ type: 'text' })
  prefix!: string;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt!: Date;

  @Column({ type: 'timestamptz', name: 'last_used_at', nullable: true })
  lastUsedAt!: Date | null;

  @Column({ type: 'timestamptz', name: 'revoked_at', nullable: true })
  revokedAt!: Date | null;
}
