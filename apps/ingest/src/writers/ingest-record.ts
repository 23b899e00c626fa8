import { decodeIngestEnvelope, type IngestMessage } from '@sysmanage/contracts';
import { WriterError, WriterErrorCode } from './writer-error';

/** One agent message decoded from the stream. */
export interface IngestRecord {
  readonly message: IngestMessage;
  /** `<hostId>\u0000<messageId>`: the ledger key. */
  readonly key: string;
}

/**
 * Decodes and checks a stream message (an IngestEnvelope, or a single
 * IngestMessage of an earlier ingest) for this writer's tenant: its agent
 * messages, in order. Ingest validated them before publishing; this is the
 * last line of defence against a message on the wrong subject (never
 * written to another tenant's database).
 */
export function decodeIngestRecords(tenantId: string, data: Uint8Array): IngestRecord[] {
  let messages: IngestMessage[];
  try {
    messages = decodeIngestEnvelope(data);
  } catch (error) {
    throw new WriterError(
      WriterErrorCode.MALFORMED_MESSAGE,
      error instanceof Error ? error.message : String(error),
      { cause: error },
    );
  }
  return messages.map((message) => {
    if (message.tenantId !== tenantId) {
      throw new WriterError(
        WriterErrorCode.WRONG_TENANT,
        `message ${message.messageId} of host ${message.hostId} names tenant ${message.tenantId} but was consumed for tenant ${tenantId}`,
      );
    }
    return { message, key: ledgerKey(message.hostId, message.messageId) };
  });
}

export function ledgerKey(hostId: string, messageId: string): string {
  return `${hostId.toLowerCase()}\u0000${messageId}`;
}
