import { IsISO8601, IsObject, IsUUID, Matches } from 'class-validator';

/** Agent message types are subject tokens: lower-case words. */
export const INGEST_MESSAGE_TYPE_PATTERN = /^[a-z][a-z0-9_]{0,63}$/;

/** An agent's own message id: 1-128 URL-safe characters (a UUID in practice). */
export const AGENT_MESSAGE_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * What ingest puts on `sysmanage.ingest.<tenantId>.<type>` once a host is
 * authenticated and its payload validated. The tenant comes from the host's
 * credential, never from the payload. JetStream's Nats-Msg-Id header is
 * `<hostId>:<messageId>`, the same pair the writer de-duplicates on (a
 * heartbeat's row, the processed_messages ledger for other types), so a retried publish and a redelivery are both harmless.
 */
export class IngestMessage {
  /** The agent's message id; unique per host (the idempotency key together with hostId). */
  @Matches(AGENT_MESSAGE_ID_PATTERN, { message: 'messageId must match ^[A-Za-z0-9._:-]{1,128}$' })
  messageId!: string;

  @IsUUID()
  tenantId!: string;

  @IsUUID()
  hostId!: string;

  @Matches(INGEST_MESSAGE_TYPE_PATTERN, { message: 'type must match ^[a-z][a-z0-9_]{0,63}$' })
  type!: string;

  /** When the agent says the observation was made (validated: not in the far future or past). */
  @IsISO8601({ strict: true })
  timestamp!: string;

  /** When ingest accepted it. */
  @IsISO8601({ strict: true })
  receivedAt!: string;

  /** The agent's validated payload; its shape depends on `type`. */
  @IsObject()
  payload!: Record<string, unknown>;
}

/** JetStream's de-duplication id for one agent message. */
export function ingestMessageDedupId(hostId: string, messageId: string): string {
  return `${hostId}:${messageId}`;
}
