import { Check, Column, Entity, Index, PrimaryColumn, Unique, UpdateDateColumn } from 'typeorm';
import type { HostStatus } from '../tenant-vocabulary';

/**
 * A managed host. `id` is not generated here: it is the host id the registry
 * issued at enrollment (registry_host_index.host_id), so both partitions name
 * the host the same way without a cross-database key.
 */
@Entity({ name: 'hosts' })
@Unique('hosts_machine_id_key', ['machineId'])
@Check('hosts_status_check', `"status" IN ('active', 'offline', 'revoked')`)
@Index('hosts_hostname_idx', ['hostname'])
@Index('hosts_last_seen_at_idx', ['lastSeenAt'])
export class Host {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'hosts_pkey' })
  id!: string;

  @Column({ type: 'text' })
  hostname!: string;

  @Column({ type: 'text', nullable: true })
  fqdn!: string | null;

  @Column({ type: 'text', name: 'machine_id' })
  machineId!: string;

  @Column({ type: 'text', nullable: true })
  os!: string | null;

  @Column({ type: 'text', name: 'os_version', nullable: true })
  osVersion!: string | null;

  @Column({ type: 'text', name: 'agent_version', nullable: true })
  agentVersion!: string | null;

  /** Array of addresses as the agent reports them. */
  @Column({ type: 'jsonb', name: 'ip_addresses', default: [] })
  ipAddresses!: unknown[];

  @Column({ type: 'jsonb', name: 'system_info', default: {} })
  systemInfo!: Record<string, unknown>;

  @Column({ type: 'text', default: 'active' })
  status!: HostStatus;

  @Column({ type: 'timestamptz', name: 'enrolled_at', default: () => 'now()' })
  enrolledAt!: Date;

  @Column({ type: 'timestamptz', name: 'last_seen_at', nullable: true })
  lastSeenAt!: Date | null;

  @UpdateDateColumn({ type: 'timestamptz', name: 'updated_at' })
  updatedAt!: Date;
}
