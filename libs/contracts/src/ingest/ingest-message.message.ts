import { IsISO8601, IsObject, IsUUID, Matches } from 'class-validator';

/** Agent message types are subject tokens: lower-case words. */
export const INGEST_MESSAGE_TYPE_PATTERN = /^[a-z][a-z0-9_]{0,63}$/;

/**
 * What ingest puts on `sysmanage.ingest.<tenantId>.<type>` once a host is
 * authenticated and its payload validated. The tenant comes from the host's
 * credential, never from the payload.
 */
export class IngestMessage {
  /** Idempotency key: the writer stores each message id once (also the JetStream Nats-Msg-Id). */
  @IsUUID()
  messageId!: string;

  @IsUUID()
  tenantId!: string;

  @IsUUID()
  hostId!: string;

  @Matches(INGEST_MESSAGE_TYPE_PATTERN, { message: 'type must match ^[a-z][a-z0-9_]{0,63}$' })
  type!: string;

  @IsISO8601({ strict: true })
  receivedAt!: string;

  /** The agent's validated payload; its shape depends on `type`. */
  @IsObject()
  payload!: Record<string, unknown>;
}
