import { createHash } from 'node:crypto';

/** One agent message inside an IngestEnvelope. */
export interface IngestEnvelopeItem {
  /** The agent's message id; with the envelope's hostId, the key the writer de-duplicates on. */
  messageId: string;
  /** The agent's timestamp, UTC ISO 8601. */
  timestamp: string;
  /** The validated payload; its shape depends on the envelope's type. */
  payload: Record<string, unknown>;
}

/**
 * What ingest publishes on `sysmanage.ingest.<tenantId>.<type>`: the messages
 * of one type from one accepted agent request of one host, in the order the
 * agent sent them. A batch of 20 heartbeats is one JetStream publish, one
 * delivery and one ack instead of twenty (tools/bench/ingest: the per-message
 * publish and ack were the largest share of ingest's CPU). The writer still
 * keys every message by (host, message id) in its tenant database (a
 * heartbeat's own row, a processed_messages ledger row for the other types),
 * so a redelivered envelope, or a message re-sent in another envelope, is
 * stored once. Ingest splits a request into several envelopes when one would exceed
 * the server's max_payload.
 *
 * Writers also accept the earlier one-message form (IngestMessage) that may
 * still be in the stream when ingest is upgraded.
 */
export interface IngestEnvelope {
  tenantId: string;
  hostId: string;
  type: string;
  /** When ingest accepted the request, UTC ISO 8601. */
  receivedAt: string;
  messages: IngestEnvelopeItem[];
}

/**
 * JetStream's de-duplication id of an envelope: the host, the type and a
 * digest of the message ids, so an agent's retry of the same batch (after a
 * 503 or a lost 202) is stored once.
 */
export function ingestEnvelopeDedupId(hostId: string, type: string, messageIds: readonly string[]): string {
  const digest = createHash('sha256').update(messageIds.join('\n')).digest('base64url').slice(0, 32);
  return `${hostId}:${type}:${messageIds.length}:${digest}`;
}

/** An envelope item whose payload is already serialised (ingest's validation measured it that way). */
export interface SerializedEnvelopeItem {
  messageId: string;
  timestamp: string;
  /** JSON.stringify(payload). */
  payloadJson: string;
}

/**
 * The bytes of an IngestEnvelope whose payloads are already JSON: the same
 * text as JSON.stringify of the envelope with its keys in declaration order,
 * without serialising every payload a second time (ingest's hot path).
 */
export function encodeIngestEnvelope(
  envelope: Omit<IngestEnvelope, 'messages'> & { messages: readonly SerializedEnvelopeItem[] },
): Buffer {
  const { tenantId, hostId, type, receivedAt, messages } = envelope;
  let text = `{"tenantId":${JSON.stringify(tenantId)},"hostId":${JSON.stringify(hostId)},"type":${JSON.stringify(type)},"receivedAt":${JSON.stringify(receivedAt)},"messages":[`;
  for (let i = 0; i < messages.length; i++) {
    const { messageId, timestamp, payloadJson } = messages[i] as SerializedEnvelopeItem;
    if (i > 0) text += ',';
    text += `{"messageId":${JSON.stringify(messageId)},"timestamp":${JSON.stringify(timestamp)},"payload":${payloadJson}}`;
  }
  return Buffer.from(`${text}]}`, 'utf8');
}
