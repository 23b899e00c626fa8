import { Column, Entity, ForeignKey, Index, PrimaryColumn } from 'typeorm';
import { Host } from './host.entity';

/**
 * One heartbeat with its headline metrics as columns (cheap to chart and
 * filter) and the full payload in `metrics`. Keyed by the agent's message
 * id per host: the key is what makes a redelivered heartbeat a no-op, so
 * heartbeats need no processed_messages ledger row.
 */
@Entity({ name: 'host_heartbeats' })
@Index('host_heartbeats_host_at_idx', ['hostId', 'at'])
export class HostHeartbeat {
  @PrimaryColumn({ type: 'uuid', name: 'host_id', primaryKeyConstraintName: 'host_heartbeats_pkey' })
  @ForeignKey(() => Host, { name: 'host_heartbeats_host_id_fkey', onDelete: 'CASCADE' })
  hostId!: string;

  @PrimaryColumn({ type: 'text', name: 'message_id', primaryKeyConstraintName: 'host_heartbeats_pkey' })
  messageId!: string;

  /** When the agent took the sample (agent clock). */
  @Column({ type: 'timestamptz' })
  at!: Date;

  @Column({ type: 'double precision', name: 'cpu_percent', nullable: true })
  cpuPercent!: number | null;

  @Column({ type: 'double precision', name: 'memory_percent', nullable: true })
  memoryPercent!: number | null;

  @Column({ type: 'double precision', name: 'disk_percent', nullable: true })
  diskPercent!: number | null;

  @Column({ type: 'double precision', name: 'load_average_1m', nullable: true })
  loadAverage1m!: number | null;

  @Column({ type: 'jsonb', default: {} })
  metrics!: Record<string, unknown>;

  /** When the writer stored it (server clock). */
  @Column({ type: 'timestamptz', name: 'received_at', default: () => 'now()' })
  receivedAt!: Date;
}
