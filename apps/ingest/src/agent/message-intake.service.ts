import { Inject, Injectable } from '@nestjs/common';
import { ROOT_LOGGER } from '@sysmanage/observability';
import type { Logger } from 'pino';
import type { AuthenticatedHost } from '../auth/host-authenticator';
import { PublishError, type IngestPublisher } from '../publish/ingest-publisher';
import { AgentError, AgentErrorCode } from './agent-error';
import { AgentMetrics } from './agent-metrics';
import { INGEST_PUBLISHER } from './agent.tokens';
import { validateBatch } from './batch-validation';

/** The 202 body of `POST /messages`. */
export interface AcceptedResponse {
  accepted: number;
}

/**
 * Accepts one batch of an authenticated host: every message validated first
 * (all-or-nothing), then published to the host's tenant subjects (one
 * envelope per message type), and 202 only after JetStream acked them all.
 */
@Injectable()
export class MessageIntakeService {
  private readonly log: Logger;

  constructor(
    @Inject(INGEST_PUBLISHER) private readonly publisher: IngestPublisher,
    private readonly metrics: AgentMetrics,
    @Inject(ROOT_LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ context: 'MessageIntake' });
  }

  async accept(
    host: AuthenticatedHost,
    body: unknown,
    startedAt: bigint = process.hrtime.bigint(),
  ): Promise<AcceptedResponse> {
    const receivedAt = new Date();
    const batch = validateBatch(body, receivedAt.getTime());
    try {
      const { duplicates } = await this.publisher.publishBatch({
        tenantId: host.tenantId,
        hostId: host.hostId,
        receivedAt: receivedAt.toISOString(),
        messages: batch.map(({ id, type, timestamp, payloadJson, bytes }) => ({
          messageId: id,
          type,
          timestamp,
          payloadJson,
          bytes,
        })),
      });
      if (duplicates > 0)
        this.log.debug({ hostId: host.hostId, duplicates }, 'retried messages already in the stream');
    } catch (error) {
      if (!(error instanceof PublishError)) throw error;
      throw new AgentError(
        AgentErrorCode.INGEST_UNAVAILABLE,
        'the message stream is unavailable; retry the batch later',
        {},
        { cause: error },
      );
    }
    const byType = new Map<string, number>();
    for (const m of batch) byType.set(m.type, (byType.get(m.type) ?? 0) + 1);
    for (const [type, count] of byType) this.metrics.accepted(type, count);
    this.metrics.acceptLatency(Number(process.hrtime.bigint() - startedAt) / 1e9);
    return { accepted: batch.length };
  }
}
