import {
  encodeIngestEnvelope,
  ensureStream,
  INGEST_STREAM_DEFINITION,
  ingestEnvelopeDedupId,
  ingestSubject,
  type IngestEnvelope,
  type SerializedEnvelopeItem,
} from '@sysmanage/contracts';
import type { JetStreamClient, NatsConnection, PubAck } from 'nats';
import type { Logger } from 'pino';

export class PublishError extends Error {
  override readonly name = 'PublishError';
}

/** One accepted request of one host, validated, as the publisher takes it. */
export interface AcceptedBatch {
  tenantId: string;
  hostId: string;
  receivedAt: string;
  messages: ReadonlyArray<
    SerializedEnvelopeItem & { type: string; /** serialised payload size */ bytes: number }
  >;
}

/** An envelope as published: its payloads already serialised (see encodeIngestEnvelope). */
export type OutgoingEnvelope = Omit<IngestEnvelope, 'messages'> & { messages: SerializedEnvelopeItem[] };

/** What is left of the server's max_payload for an envelope's messages (headers, envelope fields, keys). */
const ENVELOPE_HEADROOM_BYTES = 16 * 1024;
/** Per message: its keys, id and timestamp around the payload. */
const ITEM_OVERHEAD_BYTES = 256;
const DEFAULT_MAX_PAYLOAD = 1024 * 1024;

/**
 * Splits a batch into envelopes: one per message type (the subject names the
 * type), in the agent's order, and more than one of a type when together
 * they would exceed `maxBytes`. A single message always gets an envelope
 * (ingest's own limits keep a payload well under the default max_payload).
 */
export function envelopesOf(batch: AcceptedBatch, maxBytes: number): OutgoingEnvelope[] {
  const envelopes: OutgoingEnvelope[] = [];
  const open = new Map<string, { envelope: OutgoingEnvelope; bytes: number }>();
  for (const { type, bytes, messageId, timestamp, payloadJson } of batch.messages) {
    const size = bytes + ITEM_OVERHEAD_BYTES;
    let current = open.get(type);
    if (current === undefined || current.bytes + size > maxBytes) {
      const { tenantId, hostId, receivedAt } = batch;
      current = { envelope: { tenantId, hostId, type, receivedAt, messages: [] }, bytes: 0 };
      open.set(type, current);
      envelopes.push(current.envelope);
    }
    current.envelope.messages.push({ messageId, timestamp, payloadJson });
    current.bytes += size;
  }
  return envelopes;
}

/**
 * Puts agent messages on the INGEST stream, on their tenant's subject: one
 * IngestEnvelope per message type of a request, with a digest of its
 * message ids as Nats-Msg-Id so a batch the agent retries (after a 503 or a
 * lost 202) is stored once. Resolves only when JetStream acked every
 * envelope: nothing is acknowledged to the agent that could still be lost.
 */
export class IngestPublisher {
  private readonly js: JetStreamClient;
  private streamReady: Promise<void> | null = null;

  constructor(
    private readonly nc: NatsConnection,
    private readonly log: Logger,
  ) {
    this.js = nc.jetstream();
  }

  /** Creates INGEST when missing; retried on the next publish when it fails (JetStream not up yet). */
  ensureStream(): Promise<void> {
    this.streamReady ??= this.nc
      .jetstreamManager()
      .then((jsm) => ensureStream(jsm, INGEST_STREAM_DEFINITION))
      .catch((error: unknown) => {
        this.streamReady = null;
        throw error;
      });
    return this.streamReady;
  }

  /**
   * Publishes the batch; throws PublishError when any envelope was not
   * stored. Counts are agent messages: `duplicates` were already in the
   * stream (the same envelope published within the de-duplication window).
   */
  async publishBatch(batch: AcceptedBatch): Promise<{ stored: number; duplicates: number }> {
    try {
      await this.ensureStream();
    } catch (error) {
      throw new PublishError(`stream ${INGEST_STREAM_DEFINITION.name} is not available`, { cause: error });
    }
    const maxPayload = this.nc.info?.max_payload ?? DEFAULT_MAX_PAYLOAD;
    const envelopes = envelopesOf(batch, maxPayload - ENVELOPE_HEADROOM_BYTES);
    const acks = await Promise.allSettled(envelopes.map((envelope) => this.publish(envelope)));
    const failed = acks.filter((ack): ack is PromiseRejectedResult => ack.status === 'rejected');
    if (failed.length > 0) {
      this.log.error(
        { err: failed[0]?.reason, failed: failed.length, envelopes: envelopes.length },
        'JetStream did not store every envelope of a batch',
      );
      throw new PublishError(`${failed.length} of ${envelopes.length} envelopes were not stored`, {
        cause: failed[0]?.reason,
      });
    }
    let duplicates = 0;
    acks.forEach((ack, index) => {
      if (ack.status === 'fulfilled' && ack.value.duplicate)
        duplicates += envelopes[index]?.messages.length ?? 0;
    });
    return { stored: batch.messages.length - duplicates, duplicates };
  }

  private publish(envelope: OutgoingEnvelope): Promise<PubAck> {
    const ids = envelope.messages.map((m) => m.messageId);
    return this.js.publish(ingestSubject(envelope.tenantId, envelope.type), encodeIngestEnvelope(envelope), {
      msgID: ingestEnvelopeDedupId(envelope.hostId, envelope.type, ids),
    });
  }
}
