import {
  encodeMessage,
  ensureStream,
  INGEST_STREAM_DEFINITION,
  ingestMessageDedupId,
  ingestSubject,
  type IngestMessage,
} from '@sysmanage/contracts';
import type { JetStreamClient, NatsConnection } from 'nats';
import type { Logger } from 'pino';

export class PublishError extends Error {
  override readonly name = 'PublishError';
}

/**
 * Puts agent messages on the INGEST stream, on their tenant's subject, with
 * `<hostId>:<messageId>` as Nats-Msg-Id so a batch the agent retries (after a
 * 503 or a lost 202) is stored once. Resolves only when JetStream acked every
 * message: nothing is acknowledged to the agent that could still be lost.
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

  /** Publishes every message; throws PublishError when any of them was not stored. Returns how many were new. */
  async publishAll(messages: readonly IngestMessage[]): Promise<{ stored: number; duplicates: number }> {
    try {
      await this.ensureStream();
    } catch (error) {
      throw new PublishError(`stream ${INGEST_STREAM_DEFINITION.name} is not available`, { cause: error });
    }
    const acks = await Promise.allSettled(
      messages.map((message) =>
        this.js.publish(ingestSubject(message.tenantId, message.type), encodeMessage(message), {
          msgID: ingestMessageDedupId(message.hostId, message.messageId),
        }),
      ),
    );
    const failed = acks.filter((ack): ack is PromiseRejectedResult => ack.status === 'rejected');
    if (failed.length > 0) {
      this.log.error(
        { err: failed[0]?.reason, failed: failed.length, batch: messages.length },
        'JetStream did not store every message of a batch',
      );
      throw new PublishError(`${failed.length} of ${messages.length} messages were not stored`, {
        cause: failed[0]?.reason,
      });
    }
    const duplicates = acks.filter((ack) => ack.status === 'fulfilled' && ack.value.duplicate).length;
    return { stored: messages.length - duplicates, duplicates };
  }
}
