import { type JetStreamManager, NatsError, RetentionPolicy, StorageType, type StreamConfig } from 'nats';

const STREAM_NOT_FOUND = 10059;

/** A stream definition owned by libs/contracts, so every service creates it the same way. */
export type StreamDefinition = Pick<StreamConfig, 'name' | 'subjects'> & Partial<StreamConfig>;

function isStreamNotFound(error: unknown): boolean {
  return error instanceof NatsError && error.api_error?.err_code === STREAM_NOT_FOUND;
}

/**
 * Creates the stream when it does not exist (file storage, work-queue
 * retention unless the definition says otherwise) and leaves an existing one
 * alone. Safe when several services race: a lost `add` race is settled by
 * looking the stream up again.
 */
export async function ensureStream(jsm: JetStreamManager, definition: StreamDefinition): Promise<void> {
  try {
    await jsm.streams.info(definition.name);
    return;
  } catch (error) {
    if (!isStreamNotFound(error)) throw error;
  }
  try {
    await jsm.streams.add({
      retention: RetentionPolicy.Workqueue,
      storage: StorageType.File,
      ...definition,
      subjects: [...definition.subjects],
    });
  } catch (error) {
    await jsm.streams.info(definition.name).catch(() => {
      throw error;
    });
  }
}
