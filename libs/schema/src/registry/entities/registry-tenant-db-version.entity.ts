import { Check, Column, Entity, ForeignKey, PrimaryColumn } from 'typeorm';
import type { ChainName } from '../../chain-name';
import { RegistryTenant } from './registry-tenant.entity';

/** The last migration applied to a tenant's database, per chain (written by the migrator). */
@Entity({ name: 'registry_tenant_db_versions' })
@Check('registry_tenant_db_versions_chain_check', `"chain" IN ('registry', 'shared', 'tenant')`)
export class RegistryTenantDbVersion {
  @PrimaryColumn({
    type: 'uuid',
    name: 'tenant_id',
    primaryKeyConstraintName: 'registry_tenant_db_versions_pkey',
  })
  @ForeignKey(() => RegistryTenant, {
    name: 'registry_tenant_db_versions_tenant_id_fkey',
    onDelete: 'CASCADE',
  })
  tenantId!: string;

  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'registry_tenant_db_versions_pkey' })
  chain!: ChainName;

  /** Name of the last applied migration, e.g. `TenantInitial1764300000000`. */
  @Column({ type: 'text' })
  version!: string;

  @Column({ type: 'timestamptz', name: 'applied_at', default: () => 'now()' })
  appliedAt!: Date;
}
