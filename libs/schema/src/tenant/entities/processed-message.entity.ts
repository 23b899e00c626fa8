import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * The ingest idempotency ledger of the message types whose rows carry no
 * message id (system_info, software_inventory; a heartbeat's own primary key
 * is its ledger): a message is applied in the same transaction that inserts
 * its row here, so a redelivered message hits the primary key and is
 * skipped. Keyed per host so one host cannot pre-empt another's ids. No
 * foreign key to hosts: the ledger may record a host's messages in the
 * transaction that creates the host. Ingest's writers prune rows older than
 * the ledger retention (processed_at, SYSMANAGE_INGEST_LEDGER_RETENTION_HOURS);
 * rows of heartbeats stored before 1764400000000 go with them.
 */
@Entity({ name: 'processed_messages' })
@Index('processed_messages_processed_at_idx', ['processedAt'])
export class ProcessedMessage {
  @PrimaryColumn({ type: 'uuid', name: 'host_id', primaryKeyConstraintName: 'processed_messages_pkey' })
  hostId!: string;

  @PrimaryColumn({ type: 'text', name: 'message_id', primaryKeyConstraintName: 'processed_messages_pkey' })
  messageId!: string;

  /** Message type, e.g. `heartbeat`, `software_inventory`. */
  @Column({ type: 'text' })
  type!: string;

  @Column({ type: 'timestamptz', name: 'processed_at', default: () => 'now()' })
  processedAt!: Date;
}
