import {
  ensureStream,
  INGEST_STREAM,
  INGEST_STREAM_SUBJECTS,
  ingestTenantFilter,
  ingestWriterConsumer,
} from '@sysmanage/contracts';
import { AckPolicy, DeliverPolicy, type JetStreamManager, nanos, NatsError } from 'nats';

// JetStream API error codes: stream not found, consumer not found.
const NOT_FOUND = new Set([10059, 10014]);
/** Agents retry a publish within this window without a second copy landing in the stream. */
const DUPLICATE_WINDOW_MS = 2 * 60_000;

function isNotFound(error: unknown): boolean {
  return error instanceof NatsError && NOT_FOUND.has(error.api_error?.err_code ?? 0);
}

/** INGEST as the agent API creates it too: whichever service starts first creates it. */
export async function ensureIngestStream(jsm: JetStreamManager): Promise<void> {
  await ensureStream(jsm, {
    name: INGEST_STREAM,
    subjects: [...INGEST_STREAM_SUBJECTS],
    duplicate_window: nanos(DUPLICATE_WINDOW_MS),
  });
}

/**
 * The tenant's shared durable pull consumer: every ingest replica binds to
 * the same one, so JetStream hands each message to one replica at a time.
 * Created when missing (a lost creation race is settled by looking it up),
 * and its ack wait kept to the current setting.
 */
export async function ensureWriterConsumer(
  jsm: JetStreamManager,
  tenantId: string,
  ackWaitMs: number,
): Promise<string> {
  const name = ingestWriterConsumer(tenantId);
  try {
    const info = await jsm.consumers.info(INGEST_STREAM, name);
    if (info.config.ack_wait !== nanos(ackWaitMs)) {
      await jsm.consumers.update(INGEST_STREAM, name, { ack_wait: nanos(ackWaitMs) });
    }
    return name;
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
  try {
    await jsm.consumers.add(INGEST_STREAM, {
      durable_name: name,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      filter_subject: ingestTenantFilter(tenantId),
      ack_wait: nanos(ackWaitMs),
    });
  } catch (error) {
    await jsm.consumers.info(INGEST_STREAM, name).catch(() => {
      throw error;
    });
  }
  return name;
}

/** A deleted tenant: its consumer goes and its undelivered messages are purged (there is no database left for them). */
export async function removeWriterConsumer(jsm: JetStreamManager, tenantId: string): Promise<number> {
  await jsm.consumers.delete(INGEST_STREAM, ingestWriterConsumer(tenantId)).catch((error: unknown) => {
    if (!isNotFound(error)) throw error;
  });
  const purged = await jsm.streams.purge(INGEST_STREAM, { filter: ingestTenantFilter(tenantId) });
  return purged.purged;
}
