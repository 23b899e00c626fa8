import { Check, Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, Unique } from 'typeorm';
import type { AdminRole } from '../registry-vocabulary';

/** A control-plane user or service identity; API keys hang off it. */
@Entity({ name: 'registry_admin_principals' })
@Unique('registry_admin_principals_name_key', ['name'])
@Check('registry_admin_principals_role_check', `"role" IN ('operator', 'viewer')`)
export class RegistryAdminPrincipal {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'registry_admin_principals_pkey' })
  id!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text' })
  role!: AdminRole;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt!: Date;

  /** Set to disable every key of the principal at once. */
  @Column({ type: 'timestamptz', name: 'disabled_at', nullable: true })
  disabledAt!: Date | null;
}
