import type { StreamDefinition } from '../nats/ensure-stream';
import { subjectToken } from '../validation/subject-token';

/** JetStream stream holding every agent message until its tenant's writer stored it. */
export const INGEST_STREAM = 'INGEST';
const PREFIX = 'sysmanage.ingest';
/** The subjects INGEST_STREAM captures. */
export const INGEST_STREAM_SUBJECTS: readonly string[] = [`${PREFIX}.>`];

/** `sysmanage.ingest.<tenantId>.<type>`: where ingest publishes one tenant's message of one type. */
export function ingestSubject(tenantId: string, type: string): string {
  return `${PREFIX}.${subjectToken(tenantId, 'tenant id')}.${subjectToken(type, 'message type')}`;
}

/** `sysmanage.ingest.<tenantId>.>`: a tenant writer's consumer filter, every type of one tenant. */
export function ingestTenantFilter(tenantId: string): string {
  return `${PREFIX}.${subjectToken(tenantId, 'tenant id')}.>`;
}

/** `ingest-writer-<tenantId>`: the shared durable pull consumer of one tenant's writer (every ingest replica binds to it). */
export function ingestWriterConsumer(tenantId: string): string {
  return `ingest-writer-${subjectToken(tenantId, 'tenant id')}`;
}

/**
 * INGEST as every ingest replica creates it: work-queue retention (a message
 * leaves once its tenant's writer acked it), file storage, and a two-minute
 * de-duplication window for agents' retried publishes (Nats-Msg-Id).
 */
export const INGEST_STREAM_DEFINITION: StreamDefinition = {
  name: INGEST_STREAM,
  subjects: [...INGEST_STREAM_SUBJECTS],
  duplicate_window: 120_000_000_000,
};
