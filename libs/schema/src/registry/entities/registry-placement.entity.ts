import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  ForeignKey,
  PrimaryColumn,
  Unique,
  UpdateDateColumn,
} from 'typeorm';
import { RegistryDatabaseServer } from './registry-database-server.entity';
import { RegistryTenant } from './registry-tenant.entity';

/**
 * Where a tenant's database lives and the names derived for it. Names are
 * stored once at reservation and never recomputed, so a later change to the
 * naming rule cannot orphan an existing tenant.
 */
@Entity({ name: 'registry_placements' })
@Unique('registry_placements_server_database_key', ['serverId', 'databaseName'])
@Check(
  'registry_placements_identifiers_check',
  `"database_name" ~ '^[a-z_][a-z0-9_]{0,62}$' AND "owner_role" ~ '^[a-z_][a-z0-9_]{0,62}$' AND "app_role" ~ '^[a-z_][a-z0-9_]{0,62}$'`,
)
export class RegistryPlacement {
  @PrimaryColumn({ type: 'uuid', name: 'tenant_id', primaryKeyConstraintName: 'registry_placements_pkey' })
  @ForeignKey(() => RegistryTenant, { name: 'registry_placements_tenant_id_fkey', onDelete: 'CASCADE' })
  tenantId!: string;

  @Column({ type: 'uuid', name: 'server_id' })
  @ForeignKey(() => RegistryDatabaseServer, {
    name: 'registry_placements_server_id_fkey',
    onDelete: 'RESTRICT',
  })
  serverId!: string;

  @Column({ type: 'text', name: 'database_name' })
  databaseName!: string;

  /** NOLOGIN group role that owns every object in the tenant database. */
  @Column({ type: 'text', name: 'owner_role' })
  ownerRole!: string;

  /** NOLOGIN group role with DML only. */
  @Column({ type: 'text', name: 'app_role' })
  appRole!: string;

  /** OpenBAO dynamic role issuing app credentials (`tenant-<slug>-app`). */
  @Column({ type: 'text', name: 'vault_app_role' })
  vaultAppRole!: string;

  @Column({ type: 'text', name: 'vault_owner_role' })
  vaultOwnerRole!: string;

  /** Copied from the server at placement time. */
  @Column({ type: 'text' })
  region!: string;

  @Column({ type: 'text' })
  jurisdiction!: string;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz', name: 'updated_at' })
  updatedAt!: Date;
}
